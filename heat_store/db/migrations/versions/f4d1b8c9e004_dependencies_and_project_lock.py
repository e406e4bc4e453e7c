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

"""Dependencies between versions, and a per-project quota lock row

``stored_template_dependency`` records, for each version, the stored
templates its bundle builds by literal reference and the exact versions
they resolved to at publish. Versions published before this revision have
no recorded dependencies: their nested references resolve in the catalog
of the project that owns the stack, like computed references.

``stored_template_project`` holds one row per project; publishes lock it
so that quotas hold under concurrency.

Revision ID: f4d1b8c9e004
Revises: e3c9a5b7d003
Create Date: 2026-11-30
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

revision = 'f4d1b8c9e004'
down_revision = 'e3c9a5b7d003'
branch_labels = None
depends_on = None


def _exact(length):
    return sa.String(length).with_variant(
        mysql.VARCHAR(length, charset='utf8mb4', collation='utf8mb4_bin'),
        'mysql', 'mariadb')


def upgrade():
    op.create_table(
        'stored_template_dependency',
        sa.Column('created_at', sa.DateTime()),
        sa.Column('updated_at', sa.DateTime()),
        sa.Column('id', sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column('version_id', sa.String(36),
                  sa.ForeignKey('stored_template_version.id',
                                ondelete='CASCADE'),
                  nullable=False),
        sa.Column('template_ref', _exact(255), nullable=False),
        sa.Column('version_constraint', _exact(255), nullable=False),
        sa.Column('depends_on_version_id', sa.String(36),
                  sa.ForeignKey('stored_template_version.id',
                                ondelete='RESTRICT'),
                  nullable=False),
        sa.Column('depends_on_template_id', sa.String(36), nullable=False),
        sa.UniqueConstraint(
            'version_id', 'template_ref', 'version_constraint',
            name='uniq_stored_template_dependency0ref'),
        mysql_engine='InnoDB',
        sqlite_autoincrement=True,
    )
    op.create_index('ix_stored_template_dependency_depends_on',
                    'stored_template_dependency', ['depends_on_version_id'])
    op.create_table(
        'stored_template_project',
        sa.Column('created_at', sa.DateTime()),
        sa.Column('updated_at', sa.DateTime()),
        sa.Column('project_id', sa.String(64), primary_key=True),
        mysql_engine='InnoDB',
    )
