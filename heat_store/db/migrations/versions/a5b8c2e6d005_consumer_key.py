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

"""A pin's consumer key is called consumer_key

``stored_template_consumer.resource_key`` becomes ``consumer_key``, the
word the documentation uses for ``<parent stack id>/<resource name>``; its
index is renamed with it. The values are kept as they are.

Revision ID: a5b8c2e6d005
Revises: f4d1b8c9e004
Create Date: 2026-12-01
"""

from alembic import op
import sqlalchemy as sa

revision = 'a5b8c2e6d005'
down_revision = 'f4d1b8c9e004'
branch_labels = None
depends_on = None

TABLE = 'stored_template_consumer'


def upgrade():
    op.drop_index('ix_stored_template_consumer_resource_key', TABLE)
    # NOTE: a plain RENAME COLUMN on every database (SQLite has it since
    # 3.25); a batch migration would copy the table on SQLite and lose
    # its AUTOINCREMENT.
    op.alter_column(TABLE, 'resource_key', new_column_name='consumer_key',
                    existing_type=sa.String(320), existing_nullable=False)
    op.create_index('ix_stored_template_consumer_consumer_key', TABLE,
                    ['consumer_key'])
