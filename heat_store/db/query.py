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

"""Queries that db/api.py and db/consumers.py both build.

Helpers that run inside the caller's transaction; neither module imports
the other for them (db/api.py imports db/consumers.py, never the other
way round).
"""

import sqlalchemy as sa
from sqlalchemy import orm

from heat_store.db import models


def with_bundle(query):
    """Also load a version's bundle, which lists leave deferred."""
    V = models.StoredTemplateVersion
    return query.options(orm.undefer(V.template), orm.undefer(V.files),
                         orm.undefer(V.environment), orm.undefer(V.texts))


def version_by_id(context, version_id, bundle=False):
    """A version row by id, whatever its status, or None."""
    V = models.StoredTemplateVersion
    query = sa.select(V).where(V.id == version_id)
    if bundle:
        query = with_bundle(query)
    return context.session.scalars(query).first()
