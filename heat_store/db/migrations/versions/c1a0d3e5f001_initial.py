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

"""The template store's tables

Revision ID: c1a0d3e5f001
Revises:
Create Date: 2026-11-25
"""

from alembic import op
import sqlalchemy as sa

from heat.db import types

revision = 'c1a0d3e5f001'
down_revision = None
branch_labels = None
depends_on = None

INNODB = {'mysql_engine': 'InnoDB'}


def _timestamps():
    return [sa.Column('created_at', sa.DateTime),
            sa.Column('updated_at', sa.DateTime)]


def upgrade():
    op.create_table(
        'stored_template',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('description', sa.Text),
        sa.Column('project_id', sa.String(64), nullable=False),
        sa.Column('user_id', sa.String(64)),
        sa.Column('visibility', sa.String(16), nullable=False),
        sa.Column('latest_version', sa.String(64)),
        sa.Column('version_count', sa.Integer, nullable=False),
        *_timestamps(),
        sa.UniqueConstraint('project_id', 'name',
                            name='uniq_stored_template0project_id0name'),
        **INNODB)
    op.create_index('ix_stored_template_visibility', 'stored_template',
                    ['visibility'])
    op.create_index('ix_stored_template_created_at', 'stored_template',
                    ['created_at', 'id'])
    op.create_index('ix_stored_template_updated_at', 'stored_template',
                    ['updated_at', 'id'])
    op.create_index('ix_stored_template_name', 'stored_template',
                    ['name', 'id'])

    op.create_table(
        'stored_template_tag',
        sa.Column('template_id', sa.String(36),
                  sa.ForeignKey('stored_template.id', ondelete='CASCADE'),
                  primary_key=True),
        sa.Column('tag', sa.String(80), primary_key=True),
        *_timestamps(),
        **INNODB)
    op.create_index('ix_stored_template_tag_tag', 'stored_template_tag',
                    ['tag'])

    op.create_table(
        'stored_template_member',
        sa.Column('template_id', sa.String(36),
                  sa.ForeignKey('stored_template.id', ondelete='CASCADE'),
                  primary_key=True),
        sa.Column('project_id', sa.String(64), primary_key=True),
        *_timestamps(),
        **INNODB)
    op.create_index('ix_stored_template_member_project_id',
                    'stored_template_member', ['project_id'])

    op.create_table(
        'stored_template_version',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('template_id', sa.String(36),
                  sa.ForeignKey('stored_template.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('version', sa.String(64), nullable=False),
        sa.Column('major', sa.Integer, nullable=False),
        sa.Column('minor', sa.Integer, nullable=False),
        sa.Column('patch', sa.Integer, nullable=False),
        sa.Column('prerelease', sa.String(64), nullable=False),
        sa.Column('status', sa.String(16), nullable=False),
        sa.Column('digest', sa.String(71), nullable=False),
        sa.Column('size', sa.Integer, nullable=False),
        sa.Column('description', sa.Text),
        sa.Column('interface', types.Json),
        sa.Column('warnings', types.Json),
        sa.Column('source_url', sa.String(1024)),
        sa.Column('source_revision', sa.String(255)),
        sa.Column('created_by_user', sa.String(64)),
        sa.Column('created_by_project', sa.String(64)),
        sa.Column('template', types.Json, nullable=False),
        sa.Column('files', types.Json),
        sa.Column('environment', types.Json),
        *_timestamps(),
        sa.UniqueConstraint(
            'template_id', 'version',
            name='uniq_stored_template_version0template_id0version'),
        **INNODB)
    op.create_index('ix_stored_template_version_order',
                    'stored_template_version',
                    ['template_id', 'major', 'minor', 'patch'])

    op.create_table(
        'stored_template_consumer',
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('version_id', sa.String(36),
                  sa.ForeignKey('stored_template_version.id',
                                ondelete='RESTRICT'),
                  nullable=False),
        sa.Column('resource_key', sa.String(320), nullable=False),
        sa.Column('resource_id', sa.String(36), nullable=False),
        sa.Column('state', sa.String(16), nullable=False),
        sa.Column('template_ref', sa.String(255), nullable=False),
        sa.Column('version_constraint', sa.String(255)),
        sa.Column('stack_id', sa.String(36)),
        sa.Column('parent_stack_id', sa.String(36), nullable=False),
        sa.Column('root_stack_id', sa.String(36)),
        sa.Column('resource_name', sa.String(255), nullable=False),
        sa.Column('project_id', sa.String(64), nullable=False),
        *_timestamps(),
        sa.UniqueConstraint(
            'resource_id', 'version_id',
            name='uniq_stored_template_consumer0resource_id0version_id'),
        sqlite_autoincrement=True,
        **INNODB)
    op.create_index('ix_stored_template_consumer_version',
                    'stored_template_consumer', ['version_id'])
    op.create_index('ix_stored_template_consumer_resource_key',
                    'stored_template_consumer', ['resource_key'])
    op.create_index('ix_stored_template_consumer_root',
                    'stored_template_consumer', ['root_stack_id'])
