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

"""Common pieces of the store's versioned objects."""

from oslo_versionedobjects import base as ovo_base
import sqlalchemy as sa

from heat.objects import base as heat_base


class StoreObjectRegistry(ovo_base.VersionedObjectRegistry):
    """Registry of the store's objects, apart from Heat's."""


class StoreObject(heat_base.HeatObject,
                  ovo_base.VersionedObjectDictCompat,
                  ovo_base.ComparableVersionedObject):
    """Base of the store's records, read by heat-api and heat-engine."""

    OBJ_PROJECT_NAMESPACE = 'heat_store'
    # Fields loaded only on request.
    LAZY_FIELDS = ()

    @classmethod
    def _from_db_object(cls, context, db_obj):
        """Copy the loaded columns of ``db_obj``.

        Deferred columns the query did not load (a version's bundle, in
        lists) are left unset rather than loaded one row at a time; other
        columns never written (NULL on insert) read as None.
        """
        if db_obj is None:
            return None
        obj = cls()
        unloaded = sa.inspect(db_obj).unloaded
        for field in obj.fields:
            if field in unloaded:
                if field not in cls.LAZY_FIELDS:
                    obj[field] = None
                continue
            obj[field] = cls._db_value(db_obj, field)
        obj._context = context
        obj.obj_reset_changes()
        return obj

    @staticmethod
    def _db_value(db_obj, field):
        return getattr(db_obj, field)
