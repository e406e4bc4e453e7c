#    Licensed under the Apache License, Version 2.0 (the "License"); you may
#    not use this file except in compliance with the License. You may obtain
#    a copy of the License at
#
#         http://www.apache.org/licenses/LICENSE-2.0
#
#    Unless required by applicable law or agreed to in writing, software
#    distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
#    WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
#    License for the specific language governing permissions and limitations
#    under the License.

"""Helpers shared by the store's controllers."""

import re
from urllib import parse

import jsonschema
from oslo_config import cfg
from oslo_utils import strutils
import webob.dec
import webob.exc

from heat.common.i18n import _
from heat.common import serializers
from heat.common import timeutils as heat_timeutils
from heat.common import wsgi

from heat_store.api import faults
from heat_store.api.schemas import common
from heat_store.api import throttle
from heat_store import conf  # noqa: F401 - registers [template_store]
from heat_store import exception

CONF = cfg.CONF

isotime = heat_timeutils.isotime

# Deeper JSON than this is refused before anything walks it: Python's
# parser, jsonschema's messages and the RPC serialisation of a template
# recurse once or more per level. Templates have a tighter limit (see
# heat_store.bundle), with a message naming the file.
MAX_BODY_DEPTH = 200
# Neither can be stored: PostgreSQL refuses NUL in text, and a lone
# surrogate has no UTF-8 encoding at all.
_UNSTORABLE = re.compile(r'[\x00\ud800-\udfff]')

JSON_CONTENT_TYPE = 'application/json'


def require_body(req, body, schema):
    """The request's JSON object, checked against ``schema``.

    A body must be sent as application/json: anything else is 415. Heat's
    own routes also take a body with no Content-Type or text/plain as
    JSON (for old clients, Heat bug 1887882); the store, documented as
    JSON only, does not. Heat's deserializer drops a JSON body that does
    not start with '{': that, and a missing body, is 400.
    """
    if req.content_length:
        content_type = (req.content_type or '').lower()
        if content_type != JSON_CONTENT_TYPE:
            if not content_type:
                raise webob.exc.HTTPUnsupportedMediaType(
                    _('The request body must be JSON (Content-Type: '
                      'application/json); it was sent without a '
                      'Content-Type.'))
            raise webob.exc.HTTPUnsupportedMediaType(
                _('The request body must be JSON (Content-Type: '
                  'application/json), not %s.') % content_type)
    if body is None:
        if not req.content_length:
            raise exception.InvalidRequest(
                reason=_('The request needs a JSON body.'))
        raise exception.InvalidRequest(
            reason=_("The request body must be a JSON object, starting "
                     "with '{'."))
    validate(body, schema)
    return body


def _ecma_pattern(validator, pattern, instance, schema):
    """``pattern`` with ECMA 262's '$', as JSON Schema defines it.

    Python's '$' also matches before a final newline, so that
    '^[a-zA-Z][a-zA-Z0-9_.-]{0,254}$' took the name 'web\\n'; ECMA's (and
    Python's '\\Z') only matches at the very end. The store's patterns
    have no '$' inside a character class.
    """
    if not validator.is_type(instance, 'string'):
        return
    if not re.search(re.sub(r'(?<!\\)\$', r'\\Z', pattern), instance):
        yield jsonschema.ValidationError(
            '%r does not match %r' % (instance, pattern))


Validator = jsonschema.validators.extend(jsonschema.Draft7Validator,
                                         {'pattern': _ecma_pattern})


def validate(body, schema, what=None):
    """400 unless ``body`` (a request body, or ``what``) matches."""
    validator = Validator(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(body))
    if error is None:
        return
    where = '.'.join(str(p) for p in error.absolute_path)
    if error.validator == 'additionalProperties':
        message = error.message.replace(' were unexpected',
                                        ' are not allowed')
        message = message.replace(' was unexpected', ' is not allowed')
    elif error.validator == 'pattern' and 'description' in error.schema:
        # The description says what the pattern means, in words.
        message = _('%(value)r is not %(what)s') % {
            'value': error.instance, 'what': error.schema['description']}
    elif error.validator == 'pattern':
        message = _('%(value)r does not match %(pattern)s') % {
            'value': error.instance, 'pattern': error.validator_value}
    else:
        message = error.message
    if where:
        message = _('%(where)s: %(msg)s') % {'where': where, 'msg': message}
    raise exception.InvalidRequest(reason=_('%(what)s: %(msg)s') % {
        'what': what or _('Invalid request body'), 'msg': message})


def comma_list(req, key):
    """All values of a repeatable, comma-separated query parameter."""
    values = []
    for value in req.params.getall(key):
        values.extend(v.strip() for v in value.split(',') if v.strip())
    return values


def filter_list(req, key):
    """The values of a list filter, at most MAX_FILTER_VALUES of them.

    Each value becomes a condition of the list query; more than the
    databases can take in one query would be a 500 instead of a 400.
    """
    values = comma_list(req, key)
    limit = common.MAX_FILTER_VALUES
    if len(values) > limit:
        raise exception.InvalidRequest(
            reason=_('%(key)s takes at most %(limit)d values, not '
                     '%(count)d.') %
            {'key': key, 'limit': limit, 'count': len(values)})
    return values


def tag_list(value):
    """Tags as a sorted list, from a list or a comma string.

    The schema can only bound a comma string's length; its tags must
    follow the rules of a list's (each 1-80 characters, at most 100).
    """
    if value is None:
        return None
    if isinstance(value, str):
        value = [t.strip() for t in value.split(',') if t.strip()]
        validate({'tags': value}, {'type': 'object',
                                   'properties': {'tags': common.TAG_LIST}})
    return sorted(set(value))


def extract_bool(req, key, default=False):
    value = req.params.get(key)
    if value is None:
        return default
    try:
        return strutils.bool_from_string(value, strict=True)
    except ValueError:
        raise exception.InvalidRequest(
            reason=_('%(key)s must be a boolean, not %(value)r') %
            {'key': key, 'value': value})


def extract_limit(req):
    value = req.params.get('limit')
    if value is None:
        return CONF.template_store.default_page_size
    # NOTE: int() also takes ' 5', '+5', '5_000' and other scripts' digits
    # ('\u0665'), and fails past 4300 digits; a limit is ASCII digits.
    if not (value.isascii() and value.isdigit()):
        raise exception.InvalidRequest(
            reason=_('limit must be a non-negative integer, not %r') % value)
    max_size = CONF.template_store.max_page_size
    # A limit above max_page_size asks for a full page, however long.
    return min(int(value), max_size) if len(value) < 20 else max_size


def allowed_params(req, allowed):
    unknown = sorted(set(req.params) - set(allowed))
    if unknown:
        raise exception.InvalidRequest(
            reason=_('Unknown query parameter(s): %s') % ', '.join(unknown))


def enforce(req, action, project_id=None):
    """Check a policy beyond the handler's own (publicize, global list)."""
    allowed = req.context.policy.enforce(
        context=req.context, action=action.split(':', 1)[1],
        scope=action.split(':', 1)[0],
        target={'project_id': project_id or req.context.project_id},
        is_registered_policy=True)
    if not allowed:
        raise webob.exc.HTTPForbidden()


def base_url(req):
    # NOTE: Heat's version negotiation moves ``/v1`` into SCRIPT_NAME,
    # so the application URL already ends with it.
    return '%s/%s/stored_templates' % (req.application_url.rstrip('/'),
                                       req.context.project_id)


def template_url(req, template):
    return '%s/%s' % (base_url(req), template.id)


def version_url(req, template_id, version):
    return '%s/%s/versions/%s' % (base_url(req), template_id, version)


class DryRun(dict):
    """The answer of a create that created nothing: 200, no Location."""


class ResponseSerializer(serializers.JSONResponseSerializer):
    """JSON responses; ``create`` answers 201 with a Location header."""

    def create(self, response, result):
        self.default(response, result)
        if isinstance(result, DryRun):
            return
        response.status_int = 201
        (entity,) = result.values()
        for link in entity.get('links', ()):
            if link['rel'] == 'self':
                response.headers['Location'] = link['href']


def _unstorable(text):
    match = _UNSTORABLE.search(text)
    if match is None:
        return None
    if match.group() == '\x00':
        return _('a NUL character')
    return _('an unpaired UTF-16 surrogate (%s)') % ascii(match.group())


def _shown(location):
    return '.'.join(ascii(p) if isinstance(p, str) and _unstorable(p)
                    else str(p) for p in location) or _('the body')


def check_json_text(data):
    """Refuse JSON too deep, or with text no database can hold.

    That is nesting deeper than MAX_BODY_DEPTH, and any key or string
    with NUL or a lone surrogate (from a ``\\ud800`` escape). Iterative,
    whatever the depth.
    """
    stack = [(data, (), 1)]
    while stack:
        node, location, depth = stack.pop()
        if depth > MAX_BODY_DEPTH:
            raise exception.InvalidRequest(
                reason=_('Invalid request body: %(where)s... is nested more '
                         'than %(max)d levels deep') %
                {'where': _shown(location[:3]), 'max': MAX_BODY_DEPTH})
        if isinstance(node, dict):
            items = node.items()
        elif isinstance(node, list):
            items = enumerate(node)
        else:
            items = ()
            if isinstance(node, str):
                problem = _unstorable(node)
                if problem:
                    raise exception.InvalidRequest(
                        reason=_('Invalid request body: %(where)s contains '
                                 '%(problem)s') %
                        {'where': _shown(location), 'problem': problem})
        for key, value in items:
            if isinstance(key, str) and _unstorable(key):
                raise exception.InvalidRequest(
                    reason=_('Invalid request body: the key %(key)s in '
                             '%(where)s contains %(problem)s') %
                    {'key': ascii(key), 'where': _shown(location),
                     'problem': _unstorable(key)})
            stack.append((value, location + (key,), depth + 1))


class JSONRequestDeserializer(wsgi.JSONRequestDeserializer):
    """Heat's deserializer, with a 400 for what would be a 500.

    That is a RecursionError from very deep JSON, or text that would fail
    later in the database (see check_json_text).
    """

    def from_json(self, datastring):
        try:
            data = super().from_json(datastring)
        except RecursionError:
            raise exception.InvalidRequest(
                reason=_('Invalid request body: nested more than %d levels '
                         'deep') % MAX_BODY_DEPTH)
        check_json_text(data)
        return data


class Resource(wsgi.Resource):
    """Heat's Resource, refusing unreadable query strings and paths.

    A query string that is not UTF-8, and NUL in the query or the path,
    are 400 with a message, before anything reads them. A request past
    the impact ceiling is 429 with ``Retry-After``, answered here since
    Heat's FaultWrapper would drop the header.
    """

    @webob.dec.wsgify(RequestClass=wsgi.Request)
    def __call__(self, request):
        try:
            return super().__call__(request)
        except throttle.Busy as busy:
            return faults.too_many_requests(str(busy), busy.retry_after)

    def dispatch(self, obj, action, *args, **kwargs):
        try:
            return super().dispatch(obj, action, *args, **kwargs)
        except exception.QuotaExceeded as error:
            raise faults.QuotaExceeded(str(error))

    def get_action_args(self, request_environment):
        args = super().get_action_args(request_environment)
        # NOTE: Routes' middleware honours a '_method' override in the
        # query string (or a form body) and routes by it, so that GET
        # ...?_method=DELETE deleted a template. The route's method must be
        # the request's own.
        route = request_environment.get('routes.route')
        methods = ((route.conditions or {}).get('method')
                   if route is not None else None)
        method = request_environment.get('REQUEST_METHOD')
        if methods and method not in methods:
            raise exception.InvalidRequest(
                reason=_('A method override (_method) is not supported; '
                         'send %(wanted)s instead of %(method)s.') %
                {'wanted': ' or '.join(methods), 'method': method})
        try:
            query = parse.parse_qsl(request_environment.get('QUERY_STRING',
                                                            ''),
                                    keep_blank_values=True, errors='strict')
        except UnicodeDecodeError:
            raise exception.InvalidRequest(
                reason=_('The query string is not valid UTF-8.'))
        for name, value in query + [(k, v) for k, v in args.items()
                                    if isinstance(v, str)]:
            problem = _unstorable(name) or _unstorable(value)
            if problem:
                raise exception.InvalidRequest(
                    reason=_('%(name)s contains %(problem)s') %
                    {'name': ascii(name), 'problem': problem})
        return args


def create_resource(controller):
    return Resource(controller, JSONRequestDeserializer(),
                    ResponseSerializer())
