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

"""What a version would do to the stacks that would move to it.

For each consumer of the caller's project whose constraint admits the
version and that is not on it yet, Heat's own update preview of the stack
that holds the resource, with the resource moved to exactly that version
(the engine's preview machinery, over Heat's RPC), and what of the
version's interface breaks that stack: outputs it reads that the version
lacks, parameters the version requires that the resource does not pass.

A version not yet published (a dry run's) has no row for the resource to
resolve to: for it, each consumer's preview is Heat's update preview of
the resource's own nested stack with the unpublished bundle, as the
resource would build it (the levels the report shows; see
:func:`_nested_preview`). The resource type never builds anything but a
published version.

Previews run on a small thread pool within a time budget
(``[template_store] impact_timeout``); a consumer whose preview does not
finish in time, or that Heat refuses, is reported with an error of its own
so that the others are still reported.
"""

from concurrent import futures
import copy
import time
import traceback

from oslo_config import cfg
from oslo_log import log as logging
import oslo_messaging

from heat.common import exception as heat_exc
from heat.common.i18n import _
from heat.common import identifier
from heat.engine import template as heat_template
from heat.rpc import api as rpc_api

from heat_store.bundle import formats as bundle_formats
from heat_store import conf  # noqa: F401 - registers [template_store]
from heat_store import engine as engine_client
from heat_store.objects import consumer as consumer_obj
from heat_store.objects import stored_template_version as version_obj
from heat_store import parameter_values
from heat_store.resources import stored_template
from heat_store import versioning

LOG = logging.getLogger(__name__)

_RESOURCE = stored_template.StoredTemplate
ACTIONS = ('added', 'updated', 'replaced', 'deleted')
# What Heat's get_environment shows instead of a hidden parameter's value.
HIDDEN = '******'


# -- which consumers ------------------------------------------------------


def _admits(constraint_text, version):
    try:
        return versioning.parse_constraint(constraint_text).match(version)
    except Exception:  # noqa: BLE001 - a row written by an older release
        LOG.debug('consumer constraint %r does not parse', constraint_text)
        return False


def _by_consumer(rows):
    """One row per consumer: its committed pin, else its pending one."""
    chosen = {}
    for row, stack_name, current in rows:
        kept = chosen.get(row.consumer_key)
        if kept is None or (kept[0].state != consumer_obj.PINNED and
                            row.state == consumer_obj.PINNED):
            chosen[row.consumer_key] = (row, stack_name, current)
    return list(chosen.values())


def candidates(context, template_id, version):
    """``(own, others)``: the consumers that would move to ``version``.

    ``own`` are ``(row, stack name, current version)`` of the caller's
    project; ``others`` counts the stacks of other projects.
    """
    rows = _by_consumer(
        consumer_obj.StoredTemplateConsumer.get_all_by_template(
            context, template_id))
    moving = [(row, name, current) for row, name, current in rows
              if current != version and
              _admits(row.version_constraint, version)]
    own = [m for m in moving if m[0].project_id == context.project_id]
    others = len({row.parent_stack_id for row, _n, _c in moving
                  if row.project_id != context.project_id})
    return own, others


# -- what the parent reads and passes -------------------------------------


def _walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def outputs_read(parent_template, resource_name):
    """The names of the stored template's outputs the parent reads.

    ``get_attr: [r, X, ...]`` for any X that is not one of the resource's
    own attributes, and ``get_attr: [r, outputs, X, ...]``
    (``Fn::GetAtt`` alike).
    """
    read = set()
    for node in _walk(parent_template):
        for key in ('get_attr', 'Fn::GetAtt'):
            args = node.get(key)
            if not isinstance(args, list) or len(args) < 2:
                continue
            if args[0] != resource_name or not isinstance(args[1], str):
                continue
            if args[1] == _RESOURCE.OUTPUTS:
                if len(args) > 2 and isinstance(args[2], str):
                    read.add(args[2])
            elif args[1] not in _RESOURCE.ATTRIBUTES:
                # NOTE: any other name is an output, as for a provider.
                read.add(args[1])
    return read


def parameters_required(version):
    """Parameters ``version`` needs a value for: no default anywhere.

    A default in the template, or a value the stored environment gives
    (:func:`parameter_values.given_values`), counts.
    """
    given = parameter_values.given_values(version.environment)
    parameters = (version.interface or {}).get('parameters') or {}
    return {name for name, schema in parameters.items()
            if 'default' not in (schema or {}) and name not in given}


def passed_names(parent_template, properties):
    """The names of the parameters the resource passes, or None.

    None when its ``parameters`` are computed by a function (``get_param``
    of a map, ``map_merge``...): which names it passes is known only when
    the stack is updated.
    """
    passed = properties.get(_RESOURCE.PARAMETERS, {})
    if not isinstance(passed, dict):
        return None
    # NOTE: the parent is a template Heat runs: its version is known.
    if len(passed) == 1 and next(iter(passed)) in heat_template.Template(
            parent_template).functions:
        return None
    return set(passed)


def breaks(parent_template, resource_name, properties, version):
    """What moving the resource to ``version`` breaks in the parent."""
    outputs = set((version.interface or {}).get('outputs') or {})
    missing_outputs = sorted(outputs_read(parent_template, resource_name) -
                             outputs)
    passed = passed_names(parent_template, properties)
    missing_parameters = ([] if passed is None else
                          sorted(parameters_required(version) - passed))
    return {'outputs': missing_outputs, 'parameters': missing_parameters}


def _definition(parent_template, resource_name):
    """The resource's definition and its properties in the parent."""
    definition = bundle_formats.section(parent_template, 'resources').get(
        resource_name)
    if not isinstance(definition, dict):
        return None, None
    key = bundle_formats.properties_key(definition)
    properties = definition.get(key)
    if not isinstance(properties, dict):
        properties = {}
        definition[key] = properties
    return definition, properties


# -- the preview ------------------------------------------------------------


def _summary(entries, parent_stack_id):
    """The nested resources of a preview list: names and types.

    The preview lists the parent's own resources too (the stored
    template's resource as updated, its siblings unchanged); only those
    of the stacks below the parent are the stored template's.
    """
    found = []
    for entry in entries:
        stack = entry.get(rpc_api.RES_STACK_ID) or {}
        if stack.get('stack_id') == parent_stack_id:
            continue
        found.append({
            'resource_name': entry.get(rpc_api.RES_NAME),
            'resource_type': entry.get(rpc_api.RES_TYPE),
            'parent_resource': entry.get(rpc_api.RES_PARENT_RESOURCE),
        })
    return sorted(found, key=lambda e: (e['parent_resource'] or '',
                                        e['resource_name'] or ''))


def _environment(engine, context, identity):
    """The stack's environment without the masks of hidden values.

    The preview runs as ``existing``: the stack's stored environment is
    its base, so a hidden parameter keeps its real value rather than
    Heat's mask.
    """
    environment = engine.get_environment(context, identity) or {}
    for section in ('parameters', 'parameter_defaults'):
        values = environment.get(section)
        if isinstance(values, dict):
            environment[section] = {k: v for k, v in values.items()
                                    if v != HIDDEN}
    return environment


def _entry(row, stack_name):
    return {
        'stack_id': row.parent_stack_id,
        'stack_name': stack_name,
        'resource_name': row.resource_name,
        'current_version': None,
        'constraint': row.version_constraint,
        'upgrade_policy': None,
        'moves_on_update': False,
        'added': [], 'updated': [], 'replaced': [], 'deleted': [],
        'breaks': {'outputs': [], 'parameters': []},
        'error': None,
    }


def preview_one(context, engine, template, version, row, stack_name,
                resolved, unpublished=None):
    """The report on one consumer; an error is reported, not raised.

    ``unpublished`` is the engine bundle (:func:`stored_template.
    engine_bundle`) of a version that is not published, for a dry run:
    then the resource's nested stack is previewed with it directly.
    """
    entry = _entry(row, stack_name)
    identity = dict(identifier.HeatIdentifier(row.project_id, stack_name,
                                              row.parent_stack_id))
    try:
        parent = engine.get_template(context, identity)
        moved = copy.deepcopy(parent)
        definition, properties = _definition(moved, row.resource_name)
        if definition is None:
            entry['error'] = _('resource %s is not in the template of its '
                               'stack') % row.resource_name
            return entry
        policy = properties.get(_RESOURCE.UPGRADE_POLICY,
                                _RESOURCE.PINNED_POLICY)
        entry['upgrade_policy'] = policy
        entry['moves_on_update'] = (policy == _RESOURCE.LATEST_MATCHING and
                                    resolved == version.version)
        entry['breaks'] = breaks(parent, row.resource_name, properties,
                                 version)
        if unpublished is not None:
            preview = _nested_preview(
                context, engine, unpublished, row, identity,
                passed_names(parent, properties))
        else:
            preview = _parent_preview(context, engine, template, version,
                                      row, identity, moved, properties)
    except oslo_messaging.MessagingTimeout:
        entry['error'] = timeout_message()
        return entry
    except (heat_exc.HeatException, oslo_messaging.RemoteError) as error:
        entry['error'] = _first_line(error)
        return entry
    except Exception as error:  # noqa: BLE001 - one consumer, not the rest
        LOG.exception('impact preview of stack %s', row.parent_stack_id)
        entry['error'] = _first_line(error)
        return entry
    for action in ACTIONS:
        entry[action] = _summary(preview.get(action) or [],
                                 row.parent_stack_id)
    return entry


def _parent_preview(context, engine, template, version, row, identity,
                    moved, properties):
    """Heat's update preview of the stack with the resource moved.

    ``moved`` is the stack's template, ``properties`` the resource's in
    it; the stack's own files and environment are its own.
    """
    properties['template'] = template.id
    properties['version'] = version.version
    try:
        return engine.preview_update_stack(
            context, identity, moved,
            params=_environment(engine, context, identity),
            files=engine.get_files(context, identity) or {},
            args={rpc_api.PARAM_SHOW_NESTED: True,
                  rpc_api.PARAM_EXISTING: True})
    except TypeError as error:
        if not _cannot_show_nested(error):
            raise
    return _nested_preview(context, engine,
                           stored_template.version_bundle(context, version),
                           row, identity, passed_names(moved, properties))


def _cannot_show_nested(error):
    """Whether ``error`` is Heat 27's show_nested preview failure.

    ``preview_update_stack`` with ``show_nested`` formats each resource a
    nested stack of the update adds (or replaces, or keeps) with
    ``api.format_stack_resource``, which calls
    ``dict(resource.nested_identifier())``; a nested-stack resource that
    the preview built in memory has a nested stack but no id yet, so its
    identifier is None and the call raises ``TypeError``. Over a real
    transport the engine's traceback comes in the error's text; in one
    process (a fake transport) it is the error's own traceback.
    """
    if not isinstance(error, TypeError):
        return False
    if 'in format_stack_resource' in str(error):
        return True
    return any(frame.name == 'format_stack_resource'
               for frame in traceback.extract_tb(error.__traceback__))


def _nested_preview(context, engine, version_bundle, row, identity,
                    passed):
    """The preview, in the usual shape, of the resource's nested stack.

    For a published version, the show_nested call Heat 27 fails on
    (:func:`_cannot_show_nested`) has already previewed the parent with
    the resource moved (validation and the parent's actions) and only
    failed while formatting the levels below; for an unpublished one
    (a dry run) there is no parent preview, as the resource cannot build
    it. The parent's own resources are not in a report anyway. So the
    levels below come from this preview: of the resource's own nested
    stack, updated to ``version_bundle`` (``(template, files,
    environment, children)`` as the resource would build it, see
    :func:`stored_template.engine_bundle`), with the resource's
    ``parameters`` (named ``passed``, see :func:`passed_names`) as that
    stack holds them. Its first level is the
    bundle's resources; below them, its ``show_nested`` actions, or,
    where Heat fails on that again (a nested stack added two levels
    below the resource), that level's resources alone.
    """
    root, files, env, _children = version_bundle
    resource = engine.describe_stack_resource(context, identity,
                                              row.resource_name)
    nested = resource.get(rpc_api.RES_NESTED_STACK_ID)
    if not nested:
        raise heat_exc.Invalid(reason=_(
            'resource %s has no nested stack to preview') %
            row.resource_name)
    # NOTE: the nested stack's environment is the resource's child
    # parameters: the bundle's environment with the parameters the
    # resource passes, resolved in the parent. Previewed as "existing",
    # the values the resource passes (hidden ones included, which
    # get_environment masks) are kept; every other parameter is cleared
    # and comes from the version's own environment.
    held = (engine.get_environment(context, nested) or {}).get(
        'parameters') or {}
    params = dict(env)
    given = dict(env.get('parameters') or {})
    if passed is not None:
        clear = sorted(set(held) - passed)
        for name in passed:
            given.pop(name, None)
    else:
        # NOTE: computed by a function: which names it passes is known
        # only at update; all held values are kept.
        clear = []
    params['parameters'] = given
    args = {rpc_api.PARAM_SHOW_NESTED: True,
            rpc_api.PARAM_EXISTING: True,
            rpc_api.PARAM_CLEAR_PARAMETERS: clear}
    try:
        preview = engine.preview_update_stack(context, nested, root,
                                              params=params, files=files,
                                              args=args)
    except TypeError as error:
        if not _cannot_show_nested(error):
            raise
        args[rpc_api.PARAM_SHOW_NESTED] = False
        preview = engine.preview_update_stack(context, nested, root,
                                              params=params, files=files,
                                              args=args)
    return preview


def _first_line(error):
    # Remote errors carry the engine's traceback after their message.
    text = str(error).split('\n')[0]
    return text or type(error).__name__.replace('_Remote', '')


def timeout_message():
    return _('the preview did not finish within the %d seconds allowed '
             '(impact_timeout)') % cfg.CONF.template_store.impact_timeout


def _resolution(context, template, text, unpublished):
    """The version ``text`` resolves to, with ``unpublished`` among them."""
    constraint = versioning.parse_constraint(text)
    match = version_obj.StoredTemplateVersion.resolve(context, template.id,
                                                      constraint)
    found = match.version if match is not None else None
    if unpublished is not None and constraint.match(unpublished) and (
            found is None or versioning.sort_key(unpublished) >
            versioning.sort_key(found)):
        return unpublished
    return found


def report(context, template, version, unpublished=None):
    """``{"impact": [...], "other_consumers": N}`` for one version.

    With ``unpublished`` (its engine bundle, see
    :func:`stored_template.engine_bundle`), ``version`` is not published:
    it has ``version``, ``interface`` and ``environment``, and each
    consumer's nested stack is previewed with that bundle.
    """
    own, others = candidates(context, template.id, version.version)
    budget = cfg.CONF.template_store.impact_timeout
    deadline = time.monotonic() + budget
    engine = engine_client.TimedEngineClient(deadline)
    new = version.version if unpublished is not None else None
    resolved = {}
    for row, _name, current in own:
        text = row.version_constraint
        if text not in resolved:
            resolved[text] = _resolution(context, template, text, new)
    entries = []
    if own:
        pool = futures.ThreadPoolExecutor(
            max_workers=cfg.CONF.template_store.impact_workers,
            thread_name_prefix='impact')
        try:
            jobs = [pool.submit(preview_one, context, engine, template,
                                version, row, name,
                                resolved[row.version_constraint],
                                unpublished)
                    for row, name, _current in own]
            futures.wait(jobs, timeout=max(0, deadline - time.monotonic()))
            for job, (row, name, current) in zip(jobs, own):
                if job.done() and not job.cancelled():
                    entry = job.result()
                else:
                    job.cancel()
                    entry = _entry(row, name)
                    entry['error'] = timeout_message()
                entry['current_version'] = current
                entries.append(entry)
        finally:
            # Running previews end with their RPC call's timeout, at the
            # deadline; the ones not started never start.
            pool.shutdown(wait=False, cancel_futures=True)
    return {'impact': entries, 'other_consumers': others}
