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

"""A member has a status: sharing needs the member project's consent

``stored_template_member.status`` is ``pending``, ``accepted`` or
``rejected``; only an accepted member sees a shared template. Members
added before this revision become ``accepted``, so that what they see and
the stacks they build do not change. New members are written with their
status; the column keeps no default.

Revision ID: b6e2d4f8a006
Revises: a5b8c2e6d005
Create Date: 2026-12-06
"""

from alembic import op
import sqlalchemy as sa

revision = 'b6e2d4f8a006'
down_revision = 'a5b8c2e6d005'
branch_labels = None
depends_on = None

TABLE = 'stored_template_member'


def upgrade():
    # NOTE: the server default fills the rows already there, in the same
    # statement; it is dropped at once. SQLite cannot drop a column's
    # default in place: the batch copies this small table (no
    # AUTOINCREMENT to lose), keeping its keys and index.
    op.add_column(TABLE, sa.Column('status', sa.String(16), nullable=False,
                                   server_default='accepted'))
    with op.batch_alter_table(TABLE) as batch:
        batch.alter_column('status', existing_type=sa.String(16),
                           existing_nullable=False, server_default=None)
