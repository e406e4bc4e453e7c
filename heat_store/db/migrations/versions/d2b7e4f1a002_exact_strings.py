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

"""Compare names, tags and versions exactly on MySQL and MariaDB

Their default collations are case- and accent-insensitive, so two
versions that semver tells apart ('1.0.0-RC.1', '1.0.0-rc.1'), or two
names PostgreSQL takes as distinct, clashed in the unique keys there.
Nothing changes on other databases. The change cannot make duplicates:
rows that differ only in case or accents could not be stored before.

Revision ID: d2b7e4f1a002
Revises: c1a0d3e5f001
Create Date: 2026-11-25
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

revision = 'd2b7e4f1a002'
down_revision = 'c1a0d3e5f001'
branch_labels = None
depends_on = None

COLUMNS = (
    # table, column, length, nullable
    ('stored_template', 'name', 255, False),
    ('stored_template_tag', 'tag', 80, False),
    ('stored_template_version', 'version', 64, False),
)


def upgrade():
    if op.get_bind().dialect.name not in ('mysql', 'mariadb'):
        return
    for table, column, length, nullable in COLUMNS:
        op.alter_column(
            table, column, existing_type=sa.String(length),
            type_=mysql.VARCHAR(length, charset='utf8mb4',
                                collation='utf8mb4_bin'),
            existing_nullable=nullable)
