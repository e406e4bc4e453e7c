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

"""Indexes that serve a page of the catalog per visibility

Revision ID: e3c9a5b7d003
Revises: d2b7e4f1a002
Create Date: 2026-11-25
"""

from alembic import op

revision = 'e3c9a5b7d003'
down_revision = 'd2b7e4f1a002'
branch_labels = None
depends_on = None

# A page is read as up to three index range scans (the caller's own
# templates, public ones, shared ones), each already in the sort order.
INDEXES = {
    'ix_stored_template_project_created': ['project_id', 'created_at', 'id'],
    'ix_stored_template_project_updated': ['project_id', 'updated_at', 'id'],
    'ix_stored_template_visibility_created': ['visibility', 'created_at',
                                              'id'],
    'ix_stored_template_visibility_updated': ['visibility', 'updated_at',
                                              'id'],
    'ix_stored_template_visibility_name': ['visibility', 'name', 'id'],
}


def upgrade():
    for name, columns in INDEXES.items():
        op.create_index(name, 'stored_template', columns)
