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

"""StoredTemplateVersion object: one immutable, validated bundle."""

import dataclasses

from oslo_versionedobjects import fields

from heat.objects import fields as heat_fields

from heat_store.db import api as db_api
from heat_store.db import consumers as db_consumers
from heat_store.objects import base
from heat_store.objects import consumer as consumer_obj


@dataclasses.dataclass(frozen=True)
class Dependency(object):
    """One dependency of a version.

    The reference as the bundle writes it (``template_ref``,
    ``constraint``), the template and version it is locked to, and whether
    the caller may see that template.
    """
    template_ref: str
    constraint: str
    template_id: str
    template_name: str
    version: str
    version_id: str
    digest: str
    visible: bool = True


@base.StoreObjectRegistry.register
class StoredTemplateVersion(base.StoreObject):
    LAZY_FIELDS = ('template', 'files', 'environment', 'texts')

    fields = {
        'id': fields.StringField(),
        'template_id': fields.StringField(),
        'version': fields.StringField(),
        'status': fields.StringField(),
        'digest': fields.StringField(),
        'size': fields.IntegerField(),
        'description': fields.StringField(nullable=True),
        'interface': heat_fields.JsonField(nullable=True),
        'warnings': heat_fields.ListField(nullable=True),
        'source_url': fields.StringField(nullable=True),
        'source_revision': fields.StringField(nullable=True),
        'created_by_user': fields.StringField(nullable=True),
        'created_by_project': fields.StringField(nullable=True),
        'template': heat_fields.JsonField(nullable=True),
        'files': heat_fields.JsonField(nullable=True),
        'environment': heat_fields.JsonField(nullable=True),
        'texts': heat_fields.JsonField(nullable=True),
        'text_size': fields.IntegerField(nullable=True),
        'created_at': fields.DateTimeField(read_only=True),
        'updated_at': fields.DateTimeField(nullable=True),
    }

    @property
    def has_bundle(self):
        return self.obj_attr_is_set('template')

    @classmethod
    def _list(cls, context, rows):
        return [cls._from_db_object(context, r) for r in rows]

    @classmethod
    def get(cls, context, template_id, version, with_bundle=False):
        """A version by its number, or the one ``latest`` names; or None."""
        return cls._from_db_object(context, db_api.version_get(
            context, template_id, version, with_bundle))

    @classmethod
    def get_by_id(cls, context, version_id, with_bundle=False):
        return cls._from_db_object(context, db_api.version_get_by_id(
            context, version_id, with_bundle))

    @classmethod
    def _with_template(cls, context, template, version):
        """``(template, version)`` rows as objects; None stays None."""
        from heat_store.objects import stored_template as template_obj
        return (template_obj.StoredTemplate._from_db_object(context,
                                                            template),
                cls._from_db_object(context, version))

    @classmethod
    def resolve_reference(cls, context, ident, constraint):
        """``(template, version)`` a reference builds in the caller's
        project, the bundle loaded; see ``db_api.reference_resolve``.
        """
        return cls._with_template(context, *db_api.reference_resolve(
            context, ident, constraint))

    @classmethod
    def get_pinned(cls, context, version_id):
        """``(template, version)`` of a pin, whatever the version's status,
        the bundle loaded; ``(None, None)`` when the version is gone.
        """
        return cls._with_template(context, *db_consumers.pinned_version(
            context, version_id))

    @classmethod
    def get_locked(cls, context, stack_id, owner_id, parent_resource_name,
                   template_id, version):
        """``(template, version)`` a lock gives a nested reference, or
        ``(None, None)``; see ``db_consumers.locked_version``.
        """
        return cls._with_template(context, *db_consumers.locked_version(
            context, stack_id, owner_id, parent_resource_name, template_id,
            version))

    @classmethod
    def get_all(cls, context, template_id, status=None, constraint=None,
                limit=None, marker=None, sort_dir='desc'):
        """Newest first (``sort_dir='asc'``: oldest first), a page of
        ``limit`` after the version ``marker``.
        """
        return cls._list(context, db_api.version_get_all(
            context, template_id, status, constraint, limit, marker,
            sort_dir))

    @classmethod
    def resolve(cls, context, template_id, constraint):
        return cls._from_db_object(context, db_api.version_resolve(
            context, template_id, constraint))

    @classmethod
    def template_body(cls, context, template_ident, version):
        """The template of a version (or ``latest``), and nothing else."""
        return db_api.version_template_body(context, template_ident, version)

    @classmethod
    def version_strings(cls, context, template_id):
        return db_api.version_strings(context, template_id)

    @classmethod
    def create(cls, context, template_id, values, check=None,
               project_id=None):
        """Insert it; see ``db_api.version_create`` for ``check`` and
        ``project_id``.
        """
        return cls._from_db_object(context, db_api.version_create(
            context, template_id, values, check, project_id))

    @classmethod
    def check_create(cls, context, template_id, values, check=None):
        """What ``create`` would decide, writing nothing: the version."""
        return db_api.version_create_check(context, template_id, values,
                                           check)

    @classmethod
    def update(cls, context, template_ident, version, values):
        return cls._from_db_object(context, db_api.version_update(
            context, template_ident, version, values))

    @classmethod
    def delete(cls, context, template_ident, version):
        db_api.version_delete(context, template_ident, version)

    @classmethod
    def dependencies_of(cls, context, version_ids):
        """``{version_id: [Dependency, ...]}`` for these versions."""
        found = db_api.version_dependencies(context, version_ids)
        return {version_id: [
            cls.dependency(dep.template_ref, dep.version_constraint,
                           template, version, visible)
            for dep, template, version, visible in rows]
            for version_id, rows in found.items()}

    @staticmethod
    def dependency(template_ref, constraint, template, version,
                   visible=True):
        """One :class:`Dependency` of a template and version it is locked to.

        ``visible`` says whether the caller may see the dependency's
        template (a publisher always sees what it just resolved).
        """
        return Dependency(
            template_ref=template_ref, constraint=constraint,
            template_id=template.id, template_name=template.name,
            version=version.version, version_id=version.id,
            digest=version.digest, visible=visible)

    @classmethod
    def dependents(cls, context, version_id):
        """``([(template, version)], others)``: who depends on a version.

        Pairs for the templates the caller may see; the others counted.
        """
        visible, others = db_api.version_dependents(context, version_id)
        return ([cls._with_template(context, t, v) for t, v in visible],
                others)

    @classmethod
    def consumers(cls, context, version_id):
        """The caller's stacks built from this version.

        ``[(StoredTemplateConsumer, stack name)]``.
        """
        own, _others = db_api.version_consumers(context, version_id)
        return [(consumer_obj.StoredTemplateConsumer._from_db_object(
            context, row), name) for row, name in own]
