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

"""Validation of a bundle by the real Heat engine, over Heat's RPC.

The verdict is Heat's, on the root template with the bundle's files and
environment, as ``stack create`` judges it (:func:`judge`); no child is
judged apart from the parent that calls it. A resource type whose service
this cloud lacks (``HEAT-E99001``) is a warning, not an error, unless
``strict``: the type is learned from Heat's own answer.
"""

import copy
import itertools
import re
import time
import uuid

from oslo_config import cfg
from oslo_log import log as logging
import oslo_messaging

from heat.common import exception as heat_exc
from heat.common.i18n import _

from heat_store.bundle import engine as bundle_engine
from heat_store.bundle import formats as bundle_formats
from heat_store.bundle import type_analysis as bundle_type_analysis
from heat_store import conf  # noqa: F401 - registers [template_store]
from heat_store import engine as engine_client
from heat_store import exception

LOG = logging.getLogger(__name__)

SERVICE_UNAVAILABLE = '99001'


# Sections whose shape Heat's engine takes for granted: given another
# type it fails with a bare AttributeError instead of a message.
_TEMPLATE_SECTIONS = {
    'parameters': dict, 'resources': dict, 'outputs': dict,
    'conditions': dict, 'parameter_groups': list,
    'Parameters': dict, 'Resources': dict, 'Outputs': dict,
    'Conditions': dict, 'Mappings': dict,
}
_ENVIRONMENT_SECTIONS = {
    'parameters': dict, 'parameter_defaults': dict,
    'resource_registry': dict, 'parameter_merge_strategies': dict,
    'event_sinks': list, 'encrypted_param_names': list,
}
_SHAPES = {dict: _('a map'), list: _('a list')}
# What a malformed template makes the engine raise, remotely.
_ENGINE_READ_ERRORS = (AttributeError, TypeError, ValueError, KeyError,
                       IndexError)


def _check_shape(name, document, sections):
    for section, shape in sections.items():
        value = document.get(section)
        if value is not None and not isinstance(value, shape):
            raise exception.InvalidBundle(
                reason=_('%(file)s: %(section)s must be %(shape)s') % {
                    'file': name, 'section': section,
                    'shape': _SHAPES[shape]})


def check_shapes(prepared):
    """Refuse sections of the wrong type, naming file and section."""
    _check_shape('template', prepared.template, _TEMPLATE_SECTIONS)
    for path, child in prepared.children.items():
        _check_shape(path, child, _TEMPLATE_SECTIONS)
    environment = prepared.environment or {}
    _check_shape('environment', environment, _ENVIRONMENT_SECTIONS)
    for key, target in (environment.get('resource_registry') or {}).items():
        if not isinstance(target, dict if key == 'resources' else str):
            raise exception.InvalidBundle(
                reason=_('environment: resource_registry.%(key)s must be '
                         '%(shape)s') % {
                    'key': key, 'shape': _SHAPES[dict] if key == 'resources'
                    else _('a resource type or a file')})


def _url_guard():
    """Registry entries that map every type starting with http to a no-op.

    Defense in depth for validation only: a type ending in .yaml that is
    not a ``files`` key is fetched by the engine, and a wildcard entry
    sorts before the entry Heat makes for such a type ('*' < ':'), so
    "http://..." and "https://..." (in any letter case) resolve to
    OS::Heat::None instead, in nested stacks and group members too. It
    cannot cover a URL preceded by blanks, which Python's URL parser
    strips; the static checks in :mod:`heat_store.bundle` do.
    """
    prefixes = (''.join(letters) for letters in
                itertools.product('hH', 'tT', 'tT', 'pP'))
    return {prefix + '*': bundle_formats.PLACEHOLDER_TYPE
            for prefix in prefixes}


def _guarded(environment):
    guarded = dict(environment)
    registry = dict(guarded.get('resource_registry') or {})
    registry.update(_url_guard())
    guarded['resource_registry'] = registry
    return guarded


def _exceeded(seconds):
    return heat_exc.RequestLimitExceeded(message=_(
        'validating the bundle took longer than the %(seconds)d '
        'seconds allowed (validation_timeout)') % {'seconds': seconds})


# Heat's sentence for a resource type whose service this cloud lacks
# (ResourceTypeUnavailable, HEAT-E99001), wherever in a message it is.
_UNAVAILABLE = re.compile(
    r'HEAT-E%s Service \S+ is not available for resource type '
    r'(?P<type>[^\s,]+)[^\n]*' % SERVICE_UNAVAILABLE)


def unavailable_type(error):
    """``(type, Heat's sentence)`` when ``error`` is a missing service.

    The type is learned from Heat's own answer for the bundle as it is
    written, so that no type is judged apart from its properties.
    """
    found = _UNAVAILABLE.search(error or '')
    if found is None:
        return None
    return found.group('type'), found.group(0).rstrip('.') + '.'


def masked(environment, types):
    """``environment`` with each of ``types`` mapped to OS::Heat::None.

    OS::Heat::None takes any property and answers any attribute, so the
    rest of the bundle is judged as Heat's ``ignore_errors=99001`` judges
    it: a type whose service is missing is not judged any further.
    """
    if not types:
        return environment
    registry = dict(environment.get('resource_registry') or {})
    registry.update((name, bundle_formats.PLACEHOLDER_TYPE) for name in types)
    return dict(environment, resource_registry=registry)


# What the engine says when building the stack needs what only a stack is
# given: a value for a parameter without default (at the root, or in a
# group's members), the user's password for deferred authentication, or
# room for one more stack in the project.
_MISSING_INPUT = re.compile(
    re.escape(heat_exc.UserParameterMissing.msg_fmt).replace(
        re.escape('%(key)s'), '[^)]*'))
_STACK_INPUTS = (
    _MISSING_INPUT,
    re.compile(re.escape(heat_exc.MissingCredentialError.msg_fmt).replace(
        re.escape('%(required)s'), '')),
    re.compile('maximum stacks per tenant'),
)


def needs_stack_input(error):
    """Whether a preview failed only for want of a stack's own input."""
    return any(pattern.search(error) for pattern in _STACK_INPUTS)


# How Heat names a nested template in the path of an error in it:
# ``resources.web<server.yaml>.resources...``.
_NESTED_FILE = re.compile(r'<([^<>]+)>')


def file_of(error, files):
    """The bundle file an error of the engine is in.

    The deepest nested template its path names, or the root template.
    """
    names = [name for name in _NESTED_FILE.findall(error) if name in files]
    return names[-1] if names else 'template'


def _answer(call):
    """The engine's complaint about a bundle, or None."""
    try:
        result = call()
    except heat_exc.HeatException as error:
        # preview_stack raises what it finds (as ExpectedException on the
        # engine's side: logged at debug level, without a traceback).
        return str(error).split('\nTraceback')[0]
    except _ENGINE_READ_ERRORS as error:
        # A shape the engine did not expect; the remote message is all
        # there is to say where.
        LOG.debug('the engine could not read a template (%s): %s',
                  type(error).__name__, error)
        return _('the engine cannot read it (%(type)s: %(error)s)') % {
            'type': type(error).__name__.replace('_Remote', ''),
            'error': str(error).split('\n')[0]}
    if isinstance(result, dict) and 'Error' not in result:
        return None
    return result['Error'] if isinstance(result, dict) else str(result)


def _judged(call, environment, unavailable):
    """Heat's complaint, types whose service is missing set aside.

    ``call(environment)`` asks the engine. Each type Heat names as
    unavailable is recorded in ``unavailable`` (type -> Heat's sentence)
    and masked, and the engine asked again, until it answers something
    else: as many calls as the bundle has such types, plus one.
    """
    while True:
        error = _answer(lambda: call(masked(environment, unavailable)))
        found = unavailable_type(error) if error else None
        if found is None or found[0] in unavailable:
            return error
        unavailable[found[0]] = found[1]


def _preview_name():
    return 'heat-store-validation-%s' % uuid.uuid4().hex


def _preview_context(context):
    """The context of a preview: a placeholder password where it is wanted.

    With ``deferred_auth_method = password`` Heat refuses a stack that
    nests others unless the request carries the user's password, which it
    keeps for the stack's later actions. A preview builds nothing and
    keeps nothing, and a publish has no password to give: the check is
    about a stack's life, not the bundle's validity.
    """
    if (cfg.CONF.deferred_auth_method != 'password' or
            context.password is not None):
        return context
    preview = copy.copy(context)
    preview.username = context.username or context.user_id
    preview.password = 'unused'
    return preview


def judge(context, engine, root, files, environment, unavailable):
    """Heat's verdict on a bundle: None when Heat builds it, else why not.

    The verdict is the one ``stack create`` reaches before it creates
    anything: Heat's ``preview_stack`` (the engine's full validation of
    the root and, as the parent calls it, of every nested template). Where
    that needs what only a stack is given (a value for a parameter without
    default, a password for deferred authentication), the verdict is
    Heat's ``POST /validate`` of the root (deep where it can go deep).
    """
    preview_context = _preview_context(context)

    def preview(env):
        return engine.preview_stack(
            preview_context, stack_name=_preview_name(), template=root,
            params=env, files=files, args={})

    def validate(show_nested):
        def call(env):
            return engine.validate_template(
                context, root, params=env, files=files,
                show_nested=show_nested)
        return call

    error = _judged(preview, environment, unavailable)
    if error is None or not needs_stack_input(error):
        return error
    LOG.debug('preview needs a stack input (%s); judged as Heat '
              'validates it', error)
    error = _judged(validate(True), environment, unavailable)
    if error is not None and _MISSING_INPUT.search(error):
        error = _judged(validate(False), environment, unavailable)
    return error


def validate_bundle(context, prepared, strict=False):
    """Heat's verdict on the bundle; return the warnings.

    What can be judged without the engine is judged first: computed types
    (never a URL) and Heat's limits on what the bundle builds, so that no
    engine call starts for a bundle refused by them. Then the root is
    judged by Heat with the bundle's files and environment
    (:func:`judge`); a refusal names the file Heat's path points into.
    """
    check_shapes(prepared)
    analysis = bundle_type_analysis.TypeAnalysis(
        prepared.template, prepared.files, prepared.environment,
        prepared.children)
    run_time_warnings = analysis.check()
    analysis.check_costs()
    seconds = cfg.CONF.template_store.validation_timeout
    engine = engine_client.TimedEngineClient(time.monotonic() + seconds)
    root, files, environment, _children = bundle_engine.engine_bundle(
        prepared.template, prepared.files, prepared.environment,
        prepared.children, analysis)
    unavailable = {}
    try:
        error = judge(context, engine, root, files, _guarded(environment),
                      unavailable)
    except oslo_messaging.MessagingTimeout:
        raise _exceeded(seconds)
    warnings = [unavailable[name] for name in sorted(unavailable)]
    if warnings and strict:
        raise exception.InvalidBundle(
            reason=_('strict publishing refuses resource types this cloud '
                     'cannot create: %s') % '; '.join(warnings))
    if error is not None:
        raise exception.InvalidBundle(
            reason=_('%(file)s: %(error)s') % {
                'file': file_of(error, files), 'error': error})
    return warnings + run_time_warnings
