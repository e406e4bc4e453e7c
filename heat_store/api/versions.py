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

"""Versions: ``/v1/{tenant_id}/stored_templates/{template}/versions``."""

from oslo_config import cfg
import webob.exc

from heat.api.openstack.v1 import util as heat_util
from heat.common.i18n import _

from heat_store.api.schemas import stored_template_version as schema
from heat_store.api import throttle
from heat_store.api import util
from heat_store import exception
from heat_store import impact as impact_preview
from heat_store.objects import stored_template as template_obj
from heat_store.objects import stored_template_version as version_obj
from heat_store import policies
from heat_store.policies import stored_templates as policy
from heat_store import publishing
from heat_store.resources import stored_template
from heat_store import versioning

# Versions page as the template list does, by keyset: the marker is the
# last version of the previous page, in semver order.
LIST_PARAMS = ('constraint', 'status', 'limit', 'marker', 'sort_dir')
CONF = cfg.CONF


def _serialize_dependency(req, dependency, owner=True):
    """One dependency (a ``Dependency``) of a version, as its reader sees it.

    The owner of the dependent version sees every entry whole; another
    project sees a dependency whose template it may not see by its id and
    version only, its name and digest withheld.
    """
    whole = owner or dependency.visible
    return {
        'template_id': dependency.template_id,
        'template_name': dependency.template_name if whole else None,
        'template': dependency.template_ref if whole else None,
        'constraint': dependency.constraint,
        'version': dependency.version,
        'digest': dependency.digest if whole else None,
        'links': [{'href': util.version_url(req, dependency.template_id,
                                            dependency.version),
                   'rel': 'self'}],
    }


def serialize_versions(req, template, versions):
    """Serialize versions of one template, with their dependencies."""
    deps = version_obj.StoredTemplateVersion.dependencies_of(
        req.context, [v.id for v in versions])
    return [serialize_version(req, template, v, deps[v.id])
            for v in versions]


def serialize_version(req, template, version, dependencies=None):
    """A version as the API shows it: a published one or an
    :class:`_Unpublished` (no id, no times, no link of its own).
    """
    if dependencies is None:
        dependencies = version_obj.StoredTemplateVersion.dependencies_of(
            req.context, [version.id])[version.id]
    interface = version.interface or {}
    links = [{'href': util.template_url(req, template),
              'rel': 'stored_template'}]
    if version.id is not None:
        links.insert(0, {'href': util.version_url(req, template.id,
                                                  version.version),
                         'rel': 'self'})
    body = {
        'id': version.id,
        'template_id': template.id,
        'template_name': template.name,
        'version': version.version,
        'status': version.status,
        'digest': version.digest,
        'size': version.size,
        'description': version.description,
        'parameters': interface.get('parameters', {}),
        'outputs': interface.get('outputs', {}),
        'warnings': version.warnings or [],
        'dependencies': [_serialize_dependency(
            req, d, template.project_id == req.context.project_id)
            for d in dependencies],
        'source': ({'url': version.source_url,
                    'revision': version.source_revision}
                   if version.source_url or version.source_revision
                   else None),
        'creation_time': util.isotime(version.created_at),
        'updated_time': util.isotime(version.updated_at),
        'created_by': {'user_id': version.created_by_user,
                       'project_id': version.created_by_project},
        'links': links,
    }
    if version.has_bundle:
        body['template'] = version.template
        body['files'] = version.files or {}
        body['environment'] = version.environment or {}
        body.update(texts_fields(version.texts))
    return body


def texts_fields(texts):
    """The texts a version keeps, as a version shows them.

    ``template_text`` and ``environment_text`` are null when not kept;
    ``files_text`` holds only the files stored in another form than sent.
    """
    texts = texts or {}
    return {'template_text': texts.get('template'),
            'environment_text': texts.get('environment'),
            'files_text': texts.get('files') or {}}


def find_version(context, template, version, with_bundle=False):
    """A version by its number, or the one ``latest`` resolves to."""
    found = version_obj.StoredTemplateVersion.get(
        context, template.id, version, with_bundle)
    if found is None:
        raise exception.VersionNotFound(template.name, version)
    return found


class _Unpublished(object):
    """A version a dry run would publish, read as a published one is.

    It has no id and no times; it is created by the caller.
    """

    id = None
    status = 'active'
    created_at = None
    updated_at = None
    has_bundle = False

    def __init__(self, req, template, prepared, version):
        values = prepared.for_template(template.visibility, version)
        self.version = version
        self.digest = prepared.digest
        self.size = prepared.size
        self.description = prepared.description
        self.interface = prepared.interface
        self.environment = prepared.environment
        self.warnings = values['warnings']
        self.source_url = values['source_url']
        self.source_revision = values['source_revision']
        self.created_by_user = req.context.user_id
        self.created_by_project = req.context.project_id


def _dry_run(req, template, prepared, with_impact):
    """Judge ``prepared`` as a publish would; write nothing.

    With ``with_impact``, the impact report of the unpublished version:
    Heat previews each consumer's nested stack updated to the bundle, as
    the resource would build it.
    """
    version = publishing.dry_run(req.context, template, prepared)
    unpublished = _Unpublished(req, template, prepared, version)
    answer = util.DryRun(stored_template_version=serialize_version(
        req, template, unpublished, prepared.shown_dependencies()))
    if with_impact:
        locks = {(dep['template_ref'], dep['version_constraint']):
                 (used.id, locked.version)
                 for dep, used, locked in prepared.dependencies}
        answer.update(impact_preview.report(
            req.context, template, unpublished,
            unpublished=stored_template.engine_bundle(
                prepared.template, prepared.files, prepared.environment,
                locks)))
    return answer


class VersionController(object):
    """The versions of one stored template."""

    REQUEST_SCOPE = policy.VERSIONS

    def __init__(self, options):
        self.options = options
        policies.register()

    @heat_util.registered_policy_enforce
    def index(self, req, template):
        util.allowed_params(req, LIST_PARAMS)
        status = req.params.get('status')
        if status not in (None, 'active', 'deprecated'):
            raise exception.InvalidRequest(
                reason=_('status must be active or deprecated'))
        sort_dir = req.params.get('sort_dir', 'desc')
        if sort_dir not in ('asc', 'desc'):
            raise exception.InvalidRequest(
                reason=_('sort_dir must be asc (oldest first) or desc '
                         '(newest first)'))
        constraint = req.params.get('constraint')
        if constraint is not None:
            constraint = versioning.parse_constraint(constraint)
        found = template_obj.StoredTemplate.get(req.context, template)
        versions = version_obj.StoredTemplateVersion.get_all(
            req.context, found.id, status=status, constraint=constraint,
            limit=util.extract_limit(req), marker=req.params.get('marker'),
            sort_dir=sort_dir)
        return {'stored_template_versions': serialize_versions(
            req, found, versions)}

    @heat_util.registered_policy_enforce
    def create(self, req, template, body=None):
        body = dict(util.require_body(req, body, schema.POST_VERSION))
        dry_run = body.pop('dry_run', False)
        with_impact = body.pop('impact', False)
        if with_impact and not dry_run:
            raise exception.InvalidRequest(reason=_(
                'impact previews a version that is not published: it '
                'needs "dry_run": true'))
        if with_impact:
            util.enforce(req, policy.IMPACT)
        # A version shows its template's id and name, never its tags.
        found = template_obj.StoredTemplate.get_owned(
            req.context, template, with_tags=False)
        if with_impact:
            with throttle.impact_slot():
                return _dry_run(req, found,
                                publishing.prepare(req.context, body), True)
        prepared = publishing.prepare(req.context, body)
        if dry_run:
            return _dry_run(req, found, prepared, with_impact)
        version = publishing.publish(req.context, found, prepared)
        return {'stored_template_version': serialize_version(
            req, found, version, prepared.shown_dependencies())}

    @heat_util.registered_policy_enforce
    def show(self, req, template, version):
        found = template_obj.StoredTemplate.get(req.context, template)
        shown = find_version(req.context, found, version, with_bundle=True)
        return {'stored_template_version': serialize_version(req, found,
                                                             shown)}

    @heat_util.registered_policy_enforce
    def template(self, req, template, version):
        return version_obj.StoredTemplateVersion.template_body(
            req.context, template, version)

    @heat_util.registered_policy_enforce
    def update(self, req, template, version, body=None):
        body = util.require_body(req, body, schema.PATCH_VERSION)
        found = template_obj.StoredTemplate.get(req.context, template)
        updated = version_obj.StoredTemplateVersion.update(
            req.context, found.id, version, body)
        return {'stored_template_version': serialize_version(req, found,
                                                             updated)}

    @heat_util.registered_policy_enforce
    def delete(self, req, template, version):
        found = template_obj.StoredTemplate.get(req.context, template)
        version_obj.StoredTemplateVersion.delete(req.context, found.id,
                                                 version)
        raise webob.exc.HTTPNoContent()

    @heat_util.registered_policy_enforce
    def resolve(self, req, template):
        util.allowed_params(req, ('version',))
        text = req.params.get('version', versioning.LATEST)
        constraint = versioning.parse_constraint(text)
        found = template_obj.StoredTemplate.get(req.context, template)
        resolved = version_obj.StoredTemplateVersion.resolve(
            req.context, found.id, constraint)
        if resolved is None:
            raise exception.NoMatchingVersion(found.name, text)
        return {'stored_template_version': serialize_version(req, found,
                                                             resolved)}

    @heat_util.registered_policy_enforce
    def stacks(self, req, template, version):
        found = template_obj.StoredTemplate.get(req.context, template)
        shown = find_version(req.context, found, version)
        return {'stacks': [
            {'id': consumer.parent_stack_id, 'stack_name': name,
             'resource_name': consumer.resource_name,
             'nested_stack_id': consumer.stack_id,
             'root_stack_id': consumer.root_stack_id,
             'creation_time': util.isotime(consumer.created_at)}
            for consumer, name in
            version_obj.StoredTemplateVersion.consumers(req.context,
                                                        shown.id)]}

    @heat_util.registered_policy_enforce
    def dependents(self, req, template, version):
        """The versions whose bundles are locked to this one.

        Versions of templates the caller may not see are only counted.
        """
        found = template_obj.StoredTemplate.get(req.context, template)
        shown = find_version(req.context, found, version)
        visible, others = version_obj.StoredTemplateVersion.dependents(
            req.context, shown.id)
        return {'dependents': [
            {'id': v.id, 'template_id': t.id, 'template_name': t.name,
             'version': v.version, 'status': v.status,
             'links': [{'href': util.version_url(req, t.id, v.version),
                        'rel': 'self'}]}
            for t, v in visible], 'other_dependents': others}

    @heat_util.registered_policy_enforce
    def impact(self, req, template, version):
        """Heat's update preview of each stack that would move here.

        Only the caller's stacks are previewed; other projects' are
        counted. See heat_store.impact.
        """
        found = template_obj.StoredTemplate.get(req.context, template)
        shown = find_version(req.context, found, version, with_bundle=True)
        with throttle.impact_slot():
            return impact_preview.report(req.context, found, shown)


def create_resource(options):
    return util.create_resource(VersionController(options))
