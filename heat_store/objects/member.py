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

"""StoredTemplateMember object: a project a template is offered to."""

from oslo_versionedobjects import fields

from heat_store.db import api as db_api
from heat_store.db import models
from heat_store.objects import base

# A member's answer to the offer; only an accepted member sees the
# template.
STATUSES = models.MEMBER_STATUSES


@base.StoreObjectRegistry.register
class StoredTemplateMember(base.StoreObject):
    fields = {
        'template_id': fields.StringField(),
        'project_id': fields.StringField(),
        'status': fields.EnumField(STATUSES),
        'created_at': fields.DateTimeField(read_only=True),
        'updated_at': fields.DateTimeField(nullable=True),
    }

    @classmethod
    def get_all(cls, context, template_ident):
        template, rows = db_api.member_get_all(context, template_ident)
        return [cls._from_db_object(context, r) for r in rows]

    @classmethod
    def create(cls, context, template_ident, project_id):
        template, row = db_api.member_create(context, template_ident,
                                             project_id)
        return cls._from_db_object(context, row)

    @classmethod
    def delete(cls, context, template_ident, project_id):
        db_api.member_delete(context, template_ident, project_id)

    @classmethod
    def update(cls, context, template_id, status):
        """The caller's project answers an offer (by template id only)."""
        template, row = db_api.member_update(context, template_id, status)
        return cls._from_db_object(context, row)
