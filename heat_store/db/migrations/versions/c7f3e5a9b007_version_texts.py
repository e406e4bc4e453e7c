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

"""A version keeps its texts as they were sent

``stored_template_version.texts`` holds the root template, environment and
child files as their publisher wrote them (comments, layout), where the
publish had them, so that users get their own files back. Versions
published before this revision have none and show as before.
``text_size`` is their UTF-8 bytes, which the project's bytes quota
counts beside the canonical ``size``.

Revision ID: c7f3e5a9b007
Revises: b6e2d4f8a006
Create Date: 2026-12-06
"""

from alembic import op
import sqlalchemy as sa

from heat.db import types

revision = 'c7f3e5a9b007'
down_revision = 'b6e2d4f8a006'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('stored_template_version',
                  sa.Column('texts', types.Json, nullable=True))
    op.add_column('stored_template_version',
                  sa.Column('text_size', sa.Integer, nullable=True))
