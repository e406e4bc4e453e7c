"""Validation of a bundle by the real Heat engine, over Heat's RPC.

Heat's own ``validate_template`` is shallow for child templates (it runs
``Stack.validate(validate_res_tmpl_only=True)``), so each child is also
validated as a root of its own. A resource type whose service this cloud
lacks (``HEAT-E99001``) is a warning, not an error, unless ``strict``.
"""

from oslo_log import log as logging

from heat.common import exception as heat_exc
from heat.common.i18n import _
from heat.rpc import client as rpc_client

from heat_store import bundle
from heat_store import exception

LOG = logging.getLogger(__name__)

SERVICE_UNAVAILABLE = '99001'


def _is_unavailable(error):
    return (getattr(error, 'error_code', None) == SERVICE_UNAVAILABLE or
            str(error).startswith('HEAT-E%s' % SERVICE_UNAVAILABLE))


def _registry_types(environment):
    """Resource types the environment's registry maps other types to."""
    registry = (environment or {}).get('resource_registry')
    if not isinstance(registry, dict):
        return set()
    return {target for target in registry.values()
            if isinstance(target, str) and '::' in target}


def unavailable_type_warnings(context, engine, templates, environment=None):
    """One warning per resource type whose service this cloud lacks."""
    types = _registry_types(environment)
    for tmpl in templates:
        types.update(bundle.resource_types(tmpl))
    warnings = []
    for type_name in sorted(types):
        try:
            engine.resource_schema(context, type_name)
        except Exception as error:  # noqa: BLE001 - remote exceptions
            if _is_unavailable(error):
                warnings.append(str(error).split('\n')[0])
            # Any other failure (an unknown type) is left to validation,
            # which names it with its place in the template.
    return warnings


def validate_bundle(context, prepared, strict=False):
    """Validate the root and each child template; return the warnings."""
    engine = rpc_client.EngineClient()
    root, files, environment, children = bundle.engine_bundle(
        prepared.template, prepared.files, prepared.environment,
        prepared.children)
    templates = [prepared.template] + list(prepared.children.values())
    warnings = unavailable_type_warnings(context, engine, templates,
                                         environment)
    if warnings and strict:
        raise exception.InvalidBundle(
            reason=_('strict publishing refuses resource types this cloud '
                     'cannot create: %s') % '; '.join(warnings))
    ignorable = [SERVICE_UNAVAILABLE] if warnings else None

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
        _validate_one(context, engine, name, tmpl, env, files, ignorable)
    return warnings


def _validate_one(context, engine, name, tmpl, env, files, ignorable):
    try:
        result = engine.validate_template(
            context, tmpl, params=env, files=files, show_nested=True,
            ignorable_errors=ignorable)
    except heat_exc.HeatException as error:
        # The engine raises some of its findings (an unknown resource type
        # in a nested template) instead of answering them.
        result = {'Error': str(error)}
    if isinstance(result, dict) and 'Error' not in result:
        return
    error = result['Error'] if isinstance(result, dict) else result
    raise exception.InvalidBundle(
        reason=_('%(file)s: %(error)s') % {'file': name, 'error': error})
