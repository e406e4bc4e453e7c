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

"""SQLAlchemy models of the template store.

The tables live in Heat's own database beside Heat's tables, but belong to
the store's own alembic tree (see ``heat_store.db.migration``); nothing here
refers to Heat's tables by foreign key, so either tree can be migrated alone.
"""

import uuid

from oslo_db.sqlalchemy import models
import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy import orm

from heat.db import types

BASE = orm.declarative_base()


def _uuid():
    return str(uuid.uuid4())


def exact_string(length):
    """A VARCHAR compared code point by code point on every database.

    MySQL and MariaDB compare strings case- and accent-insensitively by
    default: '1.0.0-RC.1' and '1.0.0-rc.1' (two versions to semver) or
    the names 'Web' and 'web' would be one key there and two on
    PostgreSQL and SQLite.
    """
    return sa.String(length).with_variant(
        mysql.VARCHAR(length, charset='utf8mb4', collation='utf8mb4_bin'),
        'mysql', 'mariadb')


class StoreBase(models.ModelBase, models.TimestampMixin):
    __table_args__ = {'mysql_engine': 'InnoDB'}


class StoredTemplate(BASE, StoreBase):
    """A named entry in a project's catalog; it owns its versions."""

    __tablename__ = 'stored_template'
    __table_args__ = (
        sa.UniqueConstraint('project_id', 'name',
                            name='uniq_stored_template0project_id0name'),
        sa.Index('ix_stored_template_visibility', 'visibility'),
        sa.Index('ix_stored_template_created_at', 'created_at', 'id'),
        sa.Index('ix_stored_template_updated_at', 'updated_at', 'id'),
        sa.Index('ix_stored_template_name', 'name', 'id'),
        # A page per visibility part (see db.api.template_get_all).
        sa.Index('ix_stored_template_project_created', 'project_id',
                 'created_at', 'id'),
        sa.Index('ix_stored_template_project_updated', 'project_id',
                 'updated_at', 'id'),
        sa.Index('ix_stored_template_visibility_created', 'visibility',
                 'created_at', 'id'),
        sa.Index('ix_stored_template_visibility_updated', 'visibility',
                 'updated_at', 'id'),
        sa.Index('ix_stored_template_visibility_name', 'visibility', 'name',
                 'id'),
        StoreBase.__table_args__,
    )

    id = sa.Column(sa.String(36), primary_key=True, default=_uuid)
    name = sa.Column(exact_string(255), nullable=False)
    description = sa.Column(sa.Text)
    project_id = sa.Column(sa.String(64), nullable=False)
    user_id = sa.Column(sa.String(64))
    visibility = sa.Column(sa.String(16), nullable=False, default='private')
    # NOTE: denormalised so that a page of templates costs one query;
    # kept current in the same transaction as every version change.
    latest_version = sa.Column(sa.String(64))
    version_count = sa.Column(sa.Integer, nullable=False, default=0)

    tags = orm.relationship('StoredTemplateTag', lazy='selectin',
                            cascade='all, delete-orphan',
                            passive_deletes=True)


class StoredTemplateTag(BASE, StoreBase):
    __tablename__ = 'stored_template_tag'
    __table_args__ = (
        sa.Index('ix_stored_template_tag_tag', 'tag'),
        StoreBase.__table_args__,
    )

    template_id = sa.Column(
        sa.String(36),
        sa.ForeignKey('stored_template.id', ondelete='CASCADE'),
        primary_key=True)
    tag = sa.Column(exact_string(80), primary_key=True)


MEMBER_PENDING = 'pending'
MEMBER_ACCEPTED = 'accepted'
MEMBER_REJECTED = 'rejected'
MEMBER_STATUSES = (MEMBER_PENDING, MEMBER_ACCEPTED, MEMBER_REJECTED)


class StoredTemplateMember(BASE, StoreBase):
    """A project a ``shared`` template is offered to.

    ``status`` is the member project's answer: ``pending`` until it
    accepts or rejects; only ``accepted`` lets it see the template.
    """

    __tablename__ = 'stored_template_member'
    __table_args__ = (
        sa.Index('ix_stored_template_member_project_id', 'project_id'),
        StoreBase.__table_args__,
    )

    template_id = sa.Column(
        sa.String(36),
        sa.ForeignKey('stored_template.id', ondelete='CASCADE'),
        primary_key=True)
    project_id = sa.Column(sa.String(64), primary_key=True)
    status = sa.Column(sa.String(16), nullable=False)


class StoredTemplateVersion(BASE, StoreBase):
    """One immutable, validated bundle of a stored template."""

    __tablename__ = 'stored_template_version'
    __table_args__ = (
        sa.UniqueConstraint('template_id', 'version',
                            name='uniq_stored_template_version0template_id0'
                                 'version'),
        sa.Index('ix_stored_template_version_order', 'template_id',
                 'major', 'minor', 'patch'),
        StoreBase.__table_args__,
    )

    id = sa.Column(sa.String(36), primary_key=True, default=_uuid)
    template_id = sa.Column(
        sa.String(36),
        sa.ForeignKey('stored_template.id', ondelete='CASCADE'),
        nullable=False)
    version = sa.Column(exact_string(64), nullable=False)
    # NOTE: the semver parts are kept apart so that the database can order
    # versions; prerelease order among equal major.minor.patch is settled
    # in Python (semver's rules do not fit a collation).
    major = sa.Column(sa.Integer, nullable=False)
    minor = sa.Column(sa.Integer, nullable=False)
    patch = sa.Column(sa.Integer, nullable=False)
    prerelease = sa.Column(sa.String(64), nullable=False, default='')
    status = sa.Column(sa.String(16), nullable=False, default='active')
    digest = sa.Column(sa.String(71), nullable=False)
    size = sa.Column(sa.Integer, nullable=False)
    description = sa.Column(sa.Text)
    interface = sa.Column(types.Json)
    warnings = sa.Column(types.Json)
    source_url = sa.Column(sa.String(1024))
    source_revision = sa.Column(sa.String(255))
    created_by_user = sa.Column(sa.String(64))
    created_by_project = sa.Column(sa.String(64))
    # The bundle itself is only read when a version is shown alone or
    # built into a stack, never by lists.
    template = orm.deferred(sa.Column(types.Json, nullable=False))
    files = orm.deferred(sa.Column(types.Json))
    environment = orm.deferred(sa.Column(types.Json))
    # The texts as they were sent, where kept (None on versions published
    # before they were kept, or sent parsed): ``{"template": text,
    # "environment": text, "files": {path: text}}``. Returned to users,
    # never part of the digest.
    texts = orm.deferred(sa.Column(types.Json))
    # Their UTF-8 bytes, counted with ``size`` in the bytes quota.
    text_size = sa.Column(sa.Integer)


class StoredTemplateConsumer(BASE, StoreBase):
    """A pin: a resource whose nested stack is built from a version.

    Each row holds its version in place: the foreign key restricts
    deletes, so a version cannot disappear under a consumer even when the
    check before a delete races a stack create. A resource has one
    ``pinned`` row, and during an update also a ``pending`` one for the
    version it moves to, until the update completes or rolls back.
    """

    __tablename__ = 'stored_template_consumer'
    __table_args__ = (
        sa.UniqueConstraint('resource_id', 'version_id',
                            name='uniq_stored_template_consumer0resource_id'
                                 '0version_id'),
        sa.Index('ix_stored_template_consumer_version', 'version_id'),
        sa.Index('ix_stored_template_consumer_consumer_key', 'consumer_key'),
        sa.Index('ix_stored_template_consumer_root', 'root_stack_id'),
        # NOTE: SQLite would hand a deleted row's id to the next insert.
        {'mysql_engine': 'InnoDB', 'sqlite_autoincrement': True},
    )

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    version_id = sa.Column(
        sa.String(36),
        sa.ForeignKey('stored_template_version.id', ondelete='RESTRICT'),
        nullable=False)
    # ``<parent stack id>/<resource name>``: the same for a resource and
    # its replacements, so a replacement finds the pin it keeps.
    consumer_key = sa.Column(sa.String(320), nullable=False)
    # Heat's uuid of the resource holding this row.
    resource_id = sa.Column(sa.String(36), nullable=False)
    state = sa.Column(sa.String(16), nullable=False, default='pinned')
    # What the resource asked for when the pin was made: an update that
    # asks for the same keeps the pin.
    template_ref = sa.Column(sa.String(255), nullable=False)
    version_constraint = sa.Column(sa.String(255))
    stack_id = sa.Column(sa.String(36))
    parent_stack_id = sa.Column(sa.String(36), nullable=False)
    root_stack_id = sa.Column(sa.String(36))
    resource_name = sa.Column(sa.String(255), nullable=False)
    project_id = sa.Column(sa.String(64), nullable=False)


class StoredTemplateDependency(BASE, StoreBase):
    """A version's bundle builds another stored version: a lock.

    Recorded at publish for every ``OS::Heat::StoredTemplate`` whose
    ``template`` and ``version`` are literal strings, resolved as the
    publisher saw them then. A stack built from ``version_id`` builds that
    reference from exactly ``depends_on_version_id``, whoever builds the
    stack. The foreign key restricts deletes of the depended-on version.
    """

    __tablename__ = 'stored_template_dependency'
    __table_args__ = (
        sa.UniqueConstraint('version_id', 'template_ref',
                            'version_constraint',
                            name='uniq_stored_template_dependency0ref'),
        sa.Index('ix_stored_template_dependency_depends_on',
                 'depends_on_version_id'),
        {'mysql_engine': 'InnoDB', 'sqlite_autoincrement': True},
    )

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    # The dependent: the version whose bundle holds the reference.
    version_id = sa.Column(
        sa.String(36),
        sa.ForeignKey('stored_template_version.id', ondelete='CASCADE'),
        nullable=False)
    # The reference as the bundle writes it.
    template_ref = sa.Column(exact_string(255), nullable=False)
    version_constraint = sa.Column(exact_string(255), nullable=False)
    # What it resolved to at publish.
    depends_on_version_id = sa.Column(
        sa.String(36),
        sa.ForeignKey('stored_template_version.id', ondelete='RESTRICT'),
        nullable=False)
    depends_on_template_id = sa.Column(sa.String(36), nullable=False)


class StoredTemplateProject(BASE, StoreBase):
    """One row per project with a catalog: the lock of its quotas.

    Writers that count a project's usage (templates, bytes) lock this row
    first, so concurrent publishes to different templates of a project
    cannot each see room for one more and overshoot together.
    """

    __tablename__ = 'stored_template_project'
    __table_args__ = StoreBase.__table_args__

    project_id = sa.Column(sa.String(64), primary_key=True)
