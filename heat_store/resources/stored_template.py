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

"""OS::Heat::StoredTemplate: a nested stack built from the template store."""

import json

from oslo_log import log as logging

from heat.common import exception
from heat.common.i18n import _
from heat.engine import attributes
from heat.engine import constraints
from heat.engine import environment
from heat.engine import properties
from heat.engine.resources import stack_resource
from heat.engine import support
from heat.rpc import api as rpc_api

from heat_store.bundle import engine as bundle_engine
from heat_store import dependencies
from heat_store import exception as store_exception
from heat_store import names
from heat_store.objects import consumer as consumer_obj
from heat_store.objects import stored_template_version as version_obj
from heat_store import policies
from heat_store import versioning

LOG = logging.getLogger(__name__)

PIN_KEY = 'stored_template_pin'
# The resource data key of what the resource is built from (one write).
REMEMBERED = 'stored_template'
REMEMBERED_FIELDS = ('version', 'version_id', 'template_id', 'digest')


def engine_bundle(template, files, environment, locks):
    """``(template, files, environment, children)`` the engine runs.

    The bundle of a version (``template``, ``files``, ``environment``) as
    a nested stack builds it; each recorded reference points at its
    locked version (``locks``: ``{(template as written, constraint):
    (template id, version)}``), which the nested resource finds through
    its stack's records.
    """
    files = files or {}
    env = environment or {}
    children = bundle_engine.check_references(template, files, env)
    root, files, env, children = bundle_engine.engine_bundle(
        template, files, env, children)
    if locks:
        dependencies.lock_references(root, locks)
        for path, child in children.items():
            if dependencies.lock_references(child, locks):
                files[path] = json.dumps(child)
    return root, files, env, children


# A published version's locks never change: they are recorded at publish,
# and a version another version is locked to cannot be deleted. Each engine
# process reads them once per version (bounded: cleared when full).
_LOCKS = {}
LOCKS_CACHED = 1024


def _locks_of(context, version_id):
    locks = _LOCKS.get(version_id)
    if locks is None:
        deps = version_obj.StoredTemplateVersion.dependencies_of(
            context, [version_id])
        locks = {(dep.template_ref, dep.constraint):
                 (dep.template_id, dep.version)
                 for dep in deps[version_id]}
        if len(_LOCKS) >= LOCKS_CACHED:
            _LOCKS.clear()
        _LOCKS[version_id] = locks
    return locks


def version_bundle(context, version):
    """:func:`engine_bundle` of a published version, its locks recorded."""
    return engine_bundle(version.template, version.files, version.environment,
                         _locks_of(context, version.id))


class StoredTemplate(stack_resource.StackResource):
    """A nested stack built from a version of a stored template.

    The template is looked up by name (in the stack's project) or id (any
    template the stack's project may see); no other project's catalog is
    searched. The version is an exact version or an npm-style constraint
    (``^1.2``, ``~1.2.0``, ``1.x``...); by default the latest active
    version. Inside a stack built from a stored template, a reference the
    bundle writes as literal strings builds exactly the version it was
    locked to when that bundle was published.

    The version resolved when the resource is created is pinned: updates
    keep it until ``template`` or ``version`` change, or, with
    ``upgrade_policy: LATEST_MATCHING``, move to the highest active match
    on every stack update. The version cannot be deleted while the stack
    uses it. The stored template's own files and environment build the
    nested stack; the parent stack's environment does not reach into it.

    Every output of the stored template is an attribute of the resource,
    as for a provider template.
    """

    support_status = support.SupportStatus(version='2026.1')

    PROPERTIES = (
        TEMPLATE, VERSION, PARAMETERS, TIMEOUT, UPGRADE_POLICY,
    ) = (
        'template', 'version', 'parameters', 'timeout', 'upgrade_policy',
    )

    UPGRADE_POLICIES = (
        PINNED_POLICY, LATEST_MATCHING,
    ) = (
        'PINNED', 'LATEST_MATCHING',
    )

    ATTRIBUTES = (
        OUTPUTS, RESOLVED_VERSION, TEMPLATE_ID, DIGEST,
    ) = (
        'outputs', 'resolved_version', 'template_id', 'digest',
    )

    properties_schema = {
        TEMPLATE: properties.Schema(
            properties.Schema.STRING,
            _('Name (in the stack\'s project) or id of the stored '
              'template.'),
            required=True,
            update_allowed=True,
            constraints=[constraints.Length(min=1, max=255)],
        ),
        VERSION: properties.Schema(
            properties.Schema.STRING,
            _('Exact version or npm-style constraint; by default the '
              'latest active version.'),
            required=False,
            default=versioning.LATEST,
            update_allowed=True,
            constraints=[constraints.Length(min=1, max=255)],
        ),
        PARAMETERS: properties.Schema(
            properties.Schema.MAP,
            _('Parameters of the stored template.'),
            required=False,
            default={},
            update_allowed=True,
        ),
        TIMEOUT: properties.Schema(
            properties.Schema.INTEGER,
            _('Timeout of the nested stack, in minutes.'),
            required=False,
            update_allowed=True,
            constraints=[constraints.Range(min=1)],
        ),
        UPGRADE_POLICY: properties.Schema(
            properties.Schema.STRING,
            _('When the resource moves to a newer version. PINNED: only '
              'when "template" or "version" change; every other stack '
              'update keeps the version resolved before, even when newer '
              'ones match. LATEST_MATCHING: every stack update ("openstack '
              'stack update --existing" is enough) moves to the highest '
              'active version "version" matches. Either way a rollback '
              'returns to the version pinned before, a snapshot restore to '
              'the one pinned at the snapshot, and a replacement keeps its '
              'pin.'),
            required=False,
            default=PINNED_POLICY,
            update_allowed=True,
            constraints=[constraints.AllowedValues(UPGRADE_POLICIES)],
        ),
    }

    attributes_schema = {
        OUTPUTS: attributes.Schema(
            _('A map of the nested stack\'s outputs.'),
            type=attributes.Schema.MAP),
        RESOLVED_VERSION: attributes.Schema(
            _('The version the resource is pinned to.'),
            type=attributes.Schema.STRING),
        TEMPLATE_ID: attributes.Schema(
            _('Id of the stored template.'),
            type=attributes.Schema.STRING),
        DIGEST: attributes.Schema(
            _('Digest of the pinned version\'s bundle.'),
            type=attributes.Schema.STRING),
    }

    def __init__(self, name, json_snippet, stack):
        super().__init__(name, json_snippet, stack)
        policies.register()
        # (template, version) this resource builds in the current operation.
        self._target = None
        self._engine_cache = None

    # -- resolution -------------------------------------------------------

    @property
    def template_url(self):
        return '%s@%s' % (self.properties[self.TEMPLATE],
                          self.properties[self.VERSION])

    def _stack_id(self):
        # During update validation the resource belongs to a new Stack
        # with no id; the real id is in its parameters.
        return self.stack.id or self.stack.parameters.get('OS::stack_id')

    def _consumer_key(self):
        return '%s/%s' % (self._stack_id(), self.name)

    def _requested(self, props=None):
        props = props or self.properties
        return props[self.TEMPLATE], props[self.VERSION] or versioning.LATEST

    def _locked(self, template_ref, constraint_text):
        """The version a lock of an enclosing bundle gives this reference.

        A nested stack being built knows its parent by Heat's records
        (``owner_id``, ``parent_resource_name``); see
        ``StoredTemplateVersion.get_locked``.
        """
        stack = self.stack
        if not stack.owner_id:
            return None
        template, version = version_obj.StoredTemplateVersion.get_locked(
            self.context, stack.id, stack.owner_id,
            stack.parent_resource_name, template_ref, constraint_text)
        return (template, version) if version is not None else None

    def _judged_later(self):
        """Whether this reference can only be judged once its parents exist.

        Heat validates (and previews) a whole tree in memory before any of
        it is stored: there a nested stack has ``nested_depth`` but no
        ``owner_id``, so a reference written as a lock (an id and an exact
        version, as the parent rewrites recorded references) cannot be
        told from one a user wrote. Its nested stack is then neither
        validated nor previewed; the build that follows, whose parents are
        stored, holds it to the lock or to the stack's catalog. Any other
        reference is judged in the stack's catalog at once.
        """
        stack = self.stack
        if stack.owner_id or not stack.nested_depth:
            return False
        template_ref, constraint_text = self._requested()
        if not (isinstance(template_ref, str) and
                isinstance(constraint_text, str)):
            return False
        return (names.is_id(template_ref) and
                versioning.is_exact(constraint_text))

    def _resolve(self, template_ref, constraint_text):
        """Resolve anew; errors name the resource, template and constraint.

        A reference that a lock of the bundle it comes from covers builds
        exactly the locked version; any other resolves in the catalog of
        the project that owns the stack, and nowhere else.
        """
        try:
            constraint = versioning.parse_constraint(constraint_text)
            locked = self._locked(template_ref, constraint_text)
            if locked is not None:
                return locked
            template, version = (
                version_obj.StoredTemplateVersion.resolve_reference(
                    self.context, template_ref, constraint))
        except store_exception.StoredTemplateNotFound:
            raise exception.StackValidationFailed(message=_(
                '%(res)s: stored template "%(t)s" could not be found '
                '(asked for version "%(c)s").') % {
                'res': self.name, 't': template_ref, 'c': constraint_text})
        except store_exception.InvalidConstraint as exc:
            raise exception.StackValidationFailed(message=_(
                '%(res)s: %(err)s') % {'res': self.name, 'err': exc})
        if version is None:
            raise exception.StackValidationFailed(message=_(
                '%(res)s: no active version of stored template "%(t)s" '
                'matches "%(c)s".') % {
                'res': self.name, 't': template_ref, 'c': constraint_text})
        return template, version

    def _committed_pin(self):
        rows = consumer_obj.StoredTemplateConsumer.get_all_by_key(
            self.context, self._consumer_key())
        for row in rows:
            if row.state == consumer_obj.PINNED:
                return row
        return None

    def _pinned_target(self, pin):
        template, version = version_obj.StoredTemplateVersion.get_pinned(
            self.context, pin.version_id)
        if version is None:
            raise exception.StackValidationFailed(message=_(
                '%(res)s: the pinned version of "%(t)s" is gone.') % {
                'res': self.name, 't': pin.template_ref})
        return template, version

    def _target_for(self, props=None, upgrading=False):
        """(template, version) that these properties build.

        The pin, when they ask for what it was made for (even if it was
        deprecated or hidden since), unless this is a stack update of a
        resource whose ``upgrade_policy`` is LATEST_MATCHING; else a fresh
        resolution.
        """
        props = props or self.properties
        requested = self._requested(props)
        pin = self._committed_pin()
        moves = upgrading and (props[self.UPGRADE_POLICY] ==
                               self.LATEST_MATCHING)
        if pin is not None and not moves and (
                pin.template_ref, pin.version_constraint) == requested:
            return self._pinned_target(pin)
        return self._resolve(*requested)

    def _current_target(self):
        if self._target is None:
            self._target = self._target_for()
        return self._target

    # -- what the nested stack is built from -------------------------------

    def _engine_bundle(self):
        """(template, files, environment) as the engine builds them."""
        template, version = self._current_target()
        if self._engine_cache is None or self._engine_cache[0] != version.id:
            self._engine_cache = (version.id,
                                  version_bundle(self.context, version))
        return self._engine_cache[1]

    def child_template(self):
        return self._engine_bundle()[0]

    def child_template_files(self, child_env):
        return self._engine_bundle()[1]

    def child_params(self):
        env = dict(self._engine_bundle()[2])
        params = dict(env.get('parameters') or {})
        params.update(self.properties[self.PARAMETERS] or {})
        env['parameters'] = params
        return env

    def _child_parsed_template(self, child_template, child_env):
        # NOTE: Heat derives child_env from the parent stack's environment
        # (get_child_environment), so the parent's parameter_defaults and
        # registry would reach into the bundle. Build the child from the
        # bundle's own environment on top of the operator's global one.
        isolated = environment.Environment(self.child_params())
        return super()._child_parsed_template(child_template, isolated)

    def _timeout(self):
        return self.properties[self.TIMEOUT]

    # -- validation --------------------------------------------------------

    def validate_template(self):
        """Also resolve here: ``POST /validate`` calls only this."""
        super().validate_template()
        try:
            requested = self._requested()
        except Exception as error:  # noqa: BLE001 - see below
            # NOTE: the properties may hold intrinsic functions (get_param,
            # get_attr, ...) that only resolve once the stack exists, and
            # Heat's function resolution raises whatever the function
            # raises (HeatException subclasses, KeyError, TypeError, ...).
            # The reference is then resolved at create, where any error is
            # reported; here it is only logged.
            LOG.debug('%s: the template reference cannot be resolved '
                      'before create (%s: %s); resolved at create',
                      self.name, type(error).__name__, error)
            return
        if (all(isinstance(v, str) for v in requested) and
                not self._judged_later()):
            # Kept for validate_nested_stack, which builds from it.
            self._target = self._target_for()

    def validate(self):
        self._target = None
        return super().validate()

    def validate_nested_stack(self):
        if self._judged_later():
            return
        super().validate_nested_stack()

    def preview(self):
        if self._judged_later():
            # Heat's preview of a resource with no nested stack.
            return self
        return super().preview()

    # -- lifecycle ---------------------------------------------------------

    def _pin(self, template, version, state):
        template_ref, constraint = self._requested()
        try:
            self._write_pin(template_ref, constraint, version, state)
        except store_exception.VersionNotFound:
            # Deleted since it was resolved: name it as the user knows it.
            raise store_exception.VersionNotFound(template.name,
                                                  version.version)

    def _write_pin(self, template_ref, constraint, version, state):
        consumer_obj.StoredTemplateConsumer.pin(self.context, {
            'version_id': version.id,
            'consumer_key': self._consumer_key(),
            'resource_id': self.uuid,
            'state': state,
            'template_ref': template_ref,
            'version_constraint': constraint,
            'parent_stack_id': self.stack.id,
            'root_stack_id': self.root_stack_id or self.stack.root_stack_id(),
            'resource_name': self.name,
            'project_id': self.stack.context.project_id,
        })

    def _remember(self, template, version):
        # NOTE: one resource data row, written once: each data_set is a
        # transaction of its own.
        self.data_set(REMEMBERED, json.dumps({
            'version': version.version, 'version_id': version.id,
            'template_id': template.id, 'digest': version.digest}))

    def _remembered(self):
        """What :meth:`_remember` wrote (or, before it, one key each)."""
        data = self.data()
        try:
            return json.loads(data[REMEMBERED])
        except (KeyError, TypeError, ValueError):
            return {k: data.get(k) for k in REMEMBERED_FIELDS}

    def handle_create(self):
        self._target = self._target_for()
        template, version = self._target
        self._pin(template, version, consumer_obj.PINNED)
        self._remember(template, version)
        return self.create_with_template(self.child_template(),
                                         self.child_params(),
                                         self._timeout())

    def check_create_complete(self, cookie=None):
        done = super().check_create_complete(cookie)
        if done:
            consumer_obj.StoredTemplateConsumer.commit_pin(
                self.context, self._consumer_key(), self.uuid,
                self._remembered()['version_id'], self.resource_id)
        return done

    def handle_update(self, json_snippet, tmpl_diff, prop_diff):
        if self.stack.action == self.stack.ROLLBACK:
            # Back to the version pinned before the failed update.
            pin = self._committed_pin()
            self._target = self._pinned_target(pin)
        else:
            self.properties = json_snippet.properties(self.properties_schema,
                                                      self.context)
            self._target = self._target_for(self.properties, upgrading=True)
            template, version = self._target
            pin = self._committed_pin()
            if pin is None or pin.version_id != version.id:
                self._pin(template, version, consumer_obj.PENDING)
        return self.update_with_template(self.child_template(),
                                         self.child_params(),
                                         self._timeout())

    def check_update_complete(self, cookie=None):
        done = super().check_update_complete(cookie)
        if done:
            template, version = self._current_target()
            key = self._consumer_key()
            pins = consumer_obj.StoredTemplateConsumer
            if self.stack.action == self.stack.ROLLBACK:
                pins.drop_pending(self.context, key, version.id)
            else:
                pins.commit_pin(self.context, key, self.uuid, version.id,
                                self.resource_id)
            self._remember(template, version)
        return done

    def check_delete_complete(self, cookie=None):
        done = super().check_delete_complete(cookie)
        if done:
            # Only now is the nested stack really gone.
            consumer_obj.StoredTemplateConsumer.release(self.context,
                                                        self.uuid)
        return done

    # -- snapshots ---------------------------------------------------------

    def prepare_abandon(self):
        data = super().prepare_abandon()
        remembered = self._remembered()
        data[PIN_KEY] = {k: remembered.get(k)
                         for k in ('version', 'template_id')}
        return data

    def handle_restore(self, defn, restore_data):
        """Restore to the exact version pinned when the snapshot was taken."""
        pin = (restore_data or {}).get(PIN_KEY) or {}
        if not pin.get('version') or not pin.get('template_id'):
            return defn
        props = dict(defn.properties(self.properties_schema, self.context))
        props[self.TEMPLATE] = pin['template_id']
        props[self.VERSION] = pin['version']
        return defn.freeze(properties=props)

    # -- attributes --------------------------------------------------------

    def get_attribute(self, key, *path):
        if key in self.ATTRIBUTES:
            return super().get_attribute(key, *path)
        # Any other name is one of the stored template's outputs, read with
        # StackResource.get_output (its cache and OUTPUT_ERROR handling);
        # a name the version has no output of is an invalid attribute, as
        # for a provider template.
        if self.resource_id is None:
            return None
        try:
            return attributes.select_from_attribute(self.get_output(key),
                                                    path)
        except exception.NotFound:
            raise exception.InvalidTemplateAttribute(resource=self.name,
                                                     key=key)

    def _resolve_attribute(self, name):
        if name == self.OUTPUTS:
            identity = self.nested_identifier()
            if identity is None:
                return None
            stack = self.rpc_client().show_stack(self.context,
                                                 dict(identity))
            outputs = stack[0].get(rpc_api.STACK_OUTPUTS) or [] if stack \
                else []
            return {o[rpc_api.OUTPUT_KEY]: o.get(rpc_api.OUTPUT_VALUE)
                    for o in outputs}
        remembered = self._remembered()
        if name == self.RESOLVED_VERSION:
            return remembered.get('version')
        if name == self.TEMPLATE_ID:
            return remembered.get('template_id')
        if name == self.DIGEST:
            return remembered.get('digest')
        return super()._resolve_attribute(name)


def resource_mapping():
    return {'OS::Heat::StoredTemplate': StoredTemplate}
