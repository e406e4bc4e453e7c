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

Heat's own ``validate_template`` is shallow for child templates (it runs
``Stack.validate(validate_res_tmpl_only=True)``), so each child is also
validated as a root of its own. A resource type whose service this cloud
lacks (``HEAT-E99001``) is a warning, not an error, unless ``strict``.
"""

import itertools
import re
import time

from oslo_config import cfg
from oslo_log import log as logging
import oslo_messaging

from heat.common import exception as heat_exc
from heat.common.i18n import _
from heat.rpc import client as rpc_client

from heat_store import bundle
from heat_store import conf  # noqa: F401 - registers [template_store]
from heat_store import exception

LOG = logging.getLogger(__name__)

SERVICE_UNAVAILABLE = '99001'
# Versions of Heat's engine RPC API that the calls below need.
_VALIDATE_VERSION = '1.36'
_SCHEMA_VERSION = '1.30'


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


def _registry_types(environment):
    """Resource types the environment's registry maps other types to."""
    registry = (environment or {}).get('resource_registry')
    if not isinstance(registry, dict):
        return set()
    return {target for target in registry.values()
            if isinstance(target, str) and '::' in target}


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
    return {prefix + '*': bundle.PLACEHOLDER_TYPE for prefix in prefixes}


def _guarded(environment):
    guarded = dict(environment)
    registry = dict(guarded.get('resource_registry') or {})
    registry.update(_url_guard())
    guarded['resource_registry'] = registry
    return guarded


class _Budget(object):
    """The time validation may take, shared by all its engine calls.

    Each call gets what is left as its RPC timeout, so that a slow bundle
    is refused within the budget with a message, not after Heat's
    rpc_response_timeout with a 500.
    """

    def __init__(self, seconds):
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds

    def exceeded(self):
        return heat_exc.RequestLimitExceeded(message=_(
            'validating the bundle took longer than the %(seconds)d '
            'seconds allowed (validation_timeout)') % {
            'seconds': self.seconds})

    def call(self, context, engine, method, version, **kwargs):
        """An engine call with what is left as its timeout.

        Raises MessagingTimeout when the answer comes too late; callers
        turn it into :meth:`exceeded`.
        """
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise oslo_messaging.MessagingTimeout()
        return engine.call(context, engine.make_msg(method, **kwargs),
                           version=version, timeout=left)


def _probe(type_name):
    """A template with one resource of ``type_name`` and nothing else."""
    return {'heat_template_version': '2013-05-23',
            'resources': {'probe': {'type': type_name}}}


def unavailable_type_warnings(context, engine, templates, environment=None,
                              files=None, budget=None):
    """One warning per resource type whose service this cloud lacks.

    The engine is asked in two ways that log nothing for a type it does
    not know (its ``resource_schema`` logs a traceback for each one): one
    ``list_resource_types`` call filtered to the bundle's types names those
    it can create; each other type is validated alone, where Heat checks
    the service before anything else. A type that is unknown, hidden or
    refused by policy is left to the bundle's validation, which names it
    with its place in the template.
    """
    budget = budget or _Budget(cfg.CONF.template_store.validation_timeout)
    types = _registry_types(environment)
    for tmpl in templates:
        types.update(bundle.resource_types(tmpl))
    if not types:
        return []
    pattern = '(?:%s)\\Z' % '|'.join(re.escape(t) for t in sorted(types))
    environment = _guarded(environment or {})
    warnings = []
    try:
        available = set(budget.call(
            context, engine, 'list_resource_types', _SCHEMA_VERSION,
            support_status=None, type_name=pattern, heat_version=None,
            with_description=False))
        for type_name in sorted(types - available):
            try:
                result = budget.call(
                    context, engine, 'validate_template', _VALIDATE_VERSION,
                    template=_probe(type_name), params=environment,
                    files=files or {}, show_nested=False,
                    environment_files=None, files_container=None,
                    ignorable_errors=None)
            except heat_exc.HeatException as error:
                # Heat raises what its validation finds in a resource.
                result = {'Error': str(error)}
            except _ENGINE_READ_ERRORS as error:
                # Not a missing service: the bundle's own validation
                # reports this type, with its place in the template.
                LOG.debug('probe of resource type %s: the engine cannot '
                          'read it (%s: %s); left to the bundle validation',
                          type_name, type(error).__name__,
                          str(error).split('\n')[0])
                continue
            line = _unavailable_line(result)
            if line:
                warnings.append(line)
            elif isinstance(result, dict) and result.get('Error'):
                # Not a missing service either: left to the bundle's own
                # validation, which says where in the template it is.
                LOG.debug('probe of resource type %s: %s', type_name,
                          result['Error'])
    except oslo_messaging.MessagingTimeout:
        raise budget.exceeded()
    return warnings


def _unavailable_line(result):
    """The HEAT-E99001 sentence of a probe's error, or None."""
    error = result.get('Error') if isinstance(result, dict) else None
    code = 'HEAT-E%s' % SERVICE_UNAVAILABLE
    if not error or code not in error:
        return None
    return error[error.index(code):].split('\n')[0]


def validate_bundle(context, prepared, strict=False):
    """Validate the root and each child template; return the warnings.

    What can be judged without the engine is judged first: computed types
    (never a URL) and Heat's limits on what the bundle builds, so that no
    engine call starts for a bundle refused by them.
    """
    check_shapes(prepared)
    analysis = bundle.TypeAnalysis(prepared.template, prepared.files,
                                   prepared.environment, prepared.children)
    run_time_warnings = analysis.check()
    analysis.check_costs()
    budget = _Budget(cfg.CONF.template_store.validation_timeout)
    engine = rpc_client.EngineClient()
    root, files, environment, children = bundle.engine_bundle(
        prepared.template, prepared.files, prepared.environment,
        prepared.children, analysis)
    templates = [prepared.template] + list(prepared.children.values())
    warnings = unavailable_type_warnings(context, engine, templates,
                                         environment, files, budget)
    if warnings and strict:
        raise exception.InvalidBundle(
            reason=_('strict publishing refuses resource types this cloud '
                     'cannot create: %s') % '; '.join(warnings))
    ignorable = [SERVICE_UNAVAILABLE] if warnings else None
    environment = _guarded(environment)

    # A child is validated alone, as Heat would build it: with the
    # bundle's environment (its registry and parameter_defaults reach
    # into children) but not its parameters, which come from the parent,
    # so only defaults are known. The deepest children go first, so that
    # an error is reported in the file that has it rather than in a
    # template that nests it.
    child_env = dict(environment, parameters={})
    checks = [(path, children[path], child_env)
              for path in reversed(children)]
    checks.append(('template', root, environment))
    for name, tmpl, env in checks:
        _validate_one(context, engine, budget, name, tmpl, env, files,
                      ignorable)
    return warnings + run_time_warnings


# What the engine says when it builds a group's members (deep validation)
# from a parameter that has no default: an input only a stack gives.
_MISSING_INPUT = re.compile(
    re.escape(heat_exc.UserParameterMissing.msg_fmt).replace(
        re.escape('%(key)s'), '[^)]*'))


def _validate_one(context, engine, budget, name, tmpl, env, files,
                  ignorable):
    """Heat's deep validation of one template; raise what it refuses.

    Deep (``show_nested``), as Heat builds the stack. Where the engine
    can only go deep with a parameter value that a stack would be given
    (a group whose members read a parameter without default), the verdict
    is Heat's own ``POST /validate``, which needs none: the store refuses
    only what Heat would fail to build.
    """
    error = _engine_error(context, engine, budget, tmpl, env, files,
                          ignorable, show_nested=True)
    if error is not None and _MISSING_INPUT.search(error):
        LOG.debug('%s: deep validation needs a parameter value (%s); '
                  'judged as Heat validates it', name, error)
        error = _engine_error(context, engine, budget, tmpl, env, files,
                              ignorable, show_nested=False)
    if error is not None:
        raise exception.InvalidBundle(
            reason=_('%(file)s: %(error)s') % {'file': name, 'error': error})


def _engine_error(context, engine, budget, tmpl, env, files, ignorable,
                  show_nested):
    """The engine's complaint about a template, or None."""
    try:
        result = budget.call(
            context, engine, 'validate_template', _VALIDATE_VERSION,
            template=tmpl, params=env, files=files, show_nested=show_nested,
            environment_files=None, files_container=None,
            ignorable_errors=ignorable)
    except oslo_messaging.MessagingTimeout:
        raise budget.exceeded()
    except heat_exc.HeatException as error:
        # The engine raises some of its findings (an unknown resource type
        # in a nested template) instead of answering them.
        LOG.debug('the engine raised %s while validating: %s',
                  type(error).__name__, error)
        result = {'Error': str(error)}
    except _ENGINE_READ_ERRORS as error:
        # A shape the engine did not expect; the remote message is all
        # there is to say where.
        LOG.debug('the engine could not read a template (%s): %s',
                  type(error).__name__, error)
        result = {'Error': _('the engine cannot read it (%(type)s: '
                             '%(error)s)') % {
            'type': type(error).__name__.replace('_Remote', ''),
            'error': str(error).split('\n')[0]}}
    if isinstance(result, dict) and 'Error' not in result:
        return None
    return result['Error'] if isinstance(result, dict) else result
