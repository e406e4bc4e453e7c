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

"""StoredTemplateConsumer object: a pin, one consumer on one version.

Written by the ``OS::Heat::StoredTemplate`` resource in heat-engine, read
by the impact preview in heat-api. Which pins still count is decided in
``db/consumers.py``, not here.
"""

from oslo_versionedobjects import fields

from heat_store.db import consumers
from heat_store.objects import base

# The states of a pin: the version the consumer runs on, and the one an
# update is moving it to.
PINNED = consumers.PINNED
PENDING = consumers.PENDING


@base.StoreObjectRegistry.register
class StoredTemplateConsumer(base.StoreObject):
    fields = {
        'id': fields.IntegerField(),
        'version_id': fields.StringField(),
        'consumer_key': fields.StringField(),
        'resource_id': fields.StringField(),
        'state': fields.StringField(),
        'template_ref': fields.StringField(),
        'version_constraint': fields.StringField(nullable=True),
        'stack_id': fields.StringField(nullable=True),
        'parent_stack_id': fields.StringField(),
        'root_stack_id': fields.StringField(nullable=True),
        'resource_name': fields.StringField(),
        'project_id': fields.StringField(),
        'created_at': fields.DateTimeField(read_only=True),
        'updated_at': fields.DateTimeField(nullable=True),
    }

    @classmethod
    def get_all_by_key(cls, context, consumer_key):
        """The pins of a consumer key, newest first."""
        return [cls._from_db_object(context, row)
                for row in consumers.pins(context, consumer_key)]

    @classmethod
    def get_all_by_template(cls, context, template_id):
        """``[(pin, stack name, version)]`` that hold a template's versions.

        Of every project: the caller decides what of other projects it
        may tell.
        """
        return [(cls._from_db_object(context, row), stack_name, version)
                for row, stack_name, version in
                consumers.template_consumers(context, template_id)]

    @classmethod
    def pin(cls, context, values):
        """Record a pin; VersionNotFound if the version is gone."""
        return cls._from_db_object(context, consumers.pin(context, values))

    @classmethod
    def commit_pin(cls, context, consumer_key, resource_id, version_id,
                   stack_id):
        """Make the pin of ``version_id`` the consumer's only one."""
        consumers.commit_pin(context, consumer_key, resource_id, version_id,
                             stack_id)

    @classmethod
    def drop_pending(cls, context, consumer_key, keep_version_id):
        """After a rollback: forget the version the update moved to."""
        consumers.drop_pending(context, consumer_key, keep_version_id)

    @classmethod
    def release(cls, context, resource_id):
        """The resource is gone: its pins hold nothing any more."""
        consumers.release(context, resource_id)
