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

"""StoredTemplate object: a named catalog entry that owns its versions."""

from oslo_versionedobjects import fields

from heat_store.db import api as db_api
from heat_store.objects import base


@base.StoreObjectRegistry.register
class StoredTemplate(base.StoreObject):
    fields = {
        'id': fields.StringField(),
        'name': fields.StringField(),
        'description': fields.StringField(nullable=True),
        'project_id': fields.StringField(),
        'user_id': fields.StringField(nullable=True),
        'visibility': fields.StringField(),
        'tags': fields.ListOfStringsField(),
        'latest_version': fields.StringField(nullable=True),
        'version_count': fields.IntegerField(),
        'created_at': fields.DateTimeField(read_only=True),
        'updated_at': fields.DateTimeField(nullable=True),
        # The caller's answer, where the template was offered to it (set
        # in lists only).
        'member_status': fields.StringField(nullable=True),
    }
    # A template read for its id and name only (a reference's, a
    # dependency's) has no tags loaded.
    LAZY_FIELDS = ('tags',)

    @staticmethod
    def _db_value(db_obj, field):
        if field == 'tags':
            return sorted(t.tag for t in db_obj.tags)
        if field == 'member_status':
            return getattr(db_obj, field, None)
        return getattr(db_obj, field)

    @classmethod
    def get(cls, context, ident, global_tenant=False):
        """By name in the caller's project, or by id if visible."""
        return cls._from_db_object(
            context, db_api.template_get(context, ident, global_tenant))

    @classmethod
    def get_owned(cls, context, ident, with_tags=True):
        """One the caller may change: 403 for another project's.

        Without ``with_tags``, its tags are not read (nor set).
        """
        return cls._from_db_object(
            context, db_api.template_get_owned(context, ident, with_tags))

    @classmethod
    def get_all(cls, context, **kwargs):
        return [cls._from_db_object(context, t)
                for t in db_api.template_get_all(context, **kwargs)]

    @classmethod
    def create(cls, context, values, tags, first_version=None):
        """Create it, with its first version in the same transaction."""
        return cls._from_db_object(context, db_api.template_create(
            context, values, tags, first_version))

    @classmethod
    def update(cls, context, ident, values, tags=None):
        return cls._from_db_object(
            context, db_api.template_update(context, ident, values, tags))

    @classmethod
    def delete(cls, context, ident):
        db_api.template_delete(context, ident)
