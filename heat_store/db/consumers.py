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

"""Pins: which consumers (resources) are built from which version.

A pin counts only while the stack that holds its consumer exists in
Heat's ``stack`` table and is not deleted: a stack that is gone without a
delete (abandoned, purged) holds nothing. A ``pending`` pin (an update on
its way to a version) counts only while its stack is IN_PROGRESS: once the
stack is not, the update that wrote it is over without committing it.
"""

from oslo_config import cfg
from oslo_db import api as oslo_db_api
from oslo_db import exception as db_exc
from oslo_utils import timeutils
import sqlalchemy as sa

from heat.common.i18n import _
from heat.db import api as heat_db_api
from heat.db import models as heat_models

from heat_store.db import models
from heat_store.db import query as db_query
from heat_store import exception


# The states of a row: the version the resource runs on, and the one an
# update is moving it to.
PINNED = 'pinned'
PENDING = 'pending'
# Heat's stack status while an action runs (heat.engine.stack.Stack).
STACK_IN_PROGRESS = 'IN_PROGRESS'


def _holds(C, S):
    """When the consumer row C (joined to its stack S) holds its version.

    A row holds while its stack lives. A pending row is written by an
    update that moves the stack to another version; the update makes it
    the pin when it completes, or drops it when it rolls back. When the
    stack is no longer IN_PROGRESS and the row is still pending, the update
    that wrote it is over without doing either: its engine died (and the
    stack was reset to FAILED) or it failed with rollback disabled. The
    stack still runs on its committed pin and nothing will ever commit
    that row, so it must not keep the version from being deleted.
    """
    return sa.and_(S.deleted_at.is_(None),
                   sa.or_(C.state != PENDING,
                          S.status == STACK_IN_PROGRESS))


def live_consumers(context, version_ids):
    """Consumer rows of these versions that hold them."""
    C = models.StoredTemplateConsumer
    S = heat_models.Stack
    query = sa.select(C, S.name).join(S, S.id == C.parent_stack_id).where(
        C.version_id.in_(version_ids), _holds(C, S))
    rows = context.session.execute(query).all()
    _forget_dead(context, version_ids)
    return rows


def _forget_dead(context, version_ids):
    """Drop references that hold nothing, so that none survives.

    That is the rows of stacks that are gone, and the stale pending rows
    of updates that are over (see ``_holds``). Which rows hold nothing is
    decided by the DELETE itself, not by the rows read before it: a stack
    that pins one of the versions, or starts an update to one, between
    that read and this statement keeps its reference (and with it, by the
    foreign key, its version).
    """
    C = models.StoredTemplateConsumer
    S = heat_models.Stack
    holding = sa.select(S.id).where(S.id == C.parent_stack_id, _holds(C, S))
    context.session.execute(
        sa.delete(C).where(C.version_id.in_(version_ids),
                           ~holding.exists()),
        execution_options={'synchronize_session': False})


def in_use_error(context, what, rows):
    """A 409 that names only the caller's own stacks, others counted."""
    own = sorted({name for consumer, name in rows
                  if consumer.project_id == context.project_id})
    others = len({c.parent_stack_id for c, _n in rows
                  if c.project_id != context.project_id})
    parts = []
    if own:
        parts.append(_(': %s') % ', '.join(own))
    if others:
        parts.append(_(' (%d of them in other projects)') % others)
    count = len({c.parent_stack_id for c, _n in rows})
    return exception.VersionInUse(what=what, count=count,
                                  detail=''.join(parts))


def visible_consumers(context, version_id):
    """The live consumers of a version that the caller may see.

    Stacks of other projects are never named, only counted.
    """
    C = models.StoredTemplateConsumer
    S = heat_models.Stack
    rows = context.session.execute(
        sa.select(C, S.name).join(S, S.id == C.parent_stack_id).where(
            C.version_id == version_id, _holds(C, S)).order_by(
            C.created_at, C.id)).all()
    own = [(c, name) for c, name in rows
           if c.project_id == context.project_id]
    others = len({c.parent_stack_id for c, _n in rows
                  if c.project_id != context.project_id})
    return own, others


@heat_db_api.context_manager.reader
def template_consumers(context, template_id):
    """The live consumer rows of every version of a template.

    Each is ``(row, stack name, version)``, of every project: the caller
    decides what of other projects it may tell. Read only: what holds
    nothing is left to ``live_consumers`` to forget.
    """
    C = models.StoredTemplateConsumer
    S = heat_models.Stack
    V = models.StoredTemplateVersion
    return context.session.execute(
        sa.select(C, S.name, V.version).join(
            S, S.id == C.parent_stack_id).join(
            V, V.id == C.version_id).where(
            V.template_id == template_id, _holds(C, S)).order_by(
            C.created_at, C.id)).all()


# Pins, written by the OS::Heat::StoredTemplate resource in heat-engine.


@heat_db_api.context_manager.reader
def locked_version(context, stack_id, owner_id, parent_resource_name,
                   template_id, version):
    """The locked version a nested reference builds, or ``(None, None)``.

    A stack built from a stored version rewrites each literal reference
    its bundle records as a dependency to the exact version it was
    locked to at publish. Such a reference is honoured, whoever builds
    the stack, only inside a stack built from that version: the nearest
    stack above the reference (following Heat's ``owner_id`` and
    ``parent_resource_name`` of each nested stack) whose parent resource
    holds a consumer row of the caller's project for that very nested
    stack names the version, and the version depends on exactly
    ``template_id`` at ``version``.

    ``stack_id`` is the stack holding the reference (None while it is
    validated before being stored). A consumer row names the nested stack
    it built once that stack exists: a resource of the same name that
    replaced the stored template's (another type, in an update) builds
    another nested stack, and inherits no lock.
    """
    C = models.StoredTemplateConsumer
    D = models.StoredTemplateDependency
    V = models.StoredTemplateVersion
    S = heat_models.Stack
    below = stack_id
    for _level in range(cfg.CONF.max_nested_stack_depth + 1):
        if not owner_id or not parent_resource_name:
            break
        query = sa.select(C.version_id).where(
            C.consumer_key == '%s/%s' % (owner_id, parent_resource_name),
            C.project_id == context.project_id)
        if below is not None:
            query = query.where(sa.or_(C.stack_id.is_(None),
                                       C.stack_id == below))
        built_from = context.session.scalars(query).all()
        if built_from:
            locked = context.session.scalar(
                sa.select(V.id).join(D, D.depends_on_version_id == V.id).where(
                    D.version_id.in_(built_from),
                    D.depends_on_template_id == template_id,
                    V.version == version).limit(1))
            if locked is None:
                break
            version_row = db_query.version_by_id(context, locked,
                                                 bundle=True)
            return (context.session.get(models.StoredTemplate,
                                        version_row.template_id),
                    version_row)
        above = context.session.execute(
            sa.select(S.owner_id, S.parent_resource_name).where(
                S.id == owner_id)).first()
        if above is None:
            break
        below = owner_id
        owner_id, parent_resource_name = above
    return None, None


@heat_db_api.context_manager.reader
def pinned_version(context, version_id):
    """A version with its bundle and its template, whatever its status.

    A pinned version keeps serving its stacks after it is deprecated or
    its template stops being visible.
    """
    version = db_query.version_by_id(context, version_id, bundle=True)
    if version is None:
        return None, None
    return context.session.get(models.StoredTemplate,
                               version.template_id), version


@heat_db_api.context_manager.reader
def pins(context, consumer_key):
    """The pins of a consumer key, newest first."""
    C = models.StoredTemplateConsumer
    return context.session.scalars(
        sa.select(C).where(C.consumer_key == consumer_key).order_by(
            C.id.desc())).all()


@oslo_db_api.wrap_db_retry(max_retries=5, retry_on_deadlock=True)
@heat_db_api.context_manager.writer
def pin(context, values):
    """Record a consumer row; the version must still exist.

    The insert and the version's existence are one decision: the foreign
    key (and on SQLite, whose foreign keys oslo.db leaves off, the write
    lock taken by BEGIN IMMEDIATE around the check) keeps a concurrent
    version delete from winning halfway.
    """
    C = models.StoredTemplateConsumer
    V = models.StoredTemplateVersion
    exists = context.session.scalar(
        sa.select(V.id).where(V.id == values['version_id']))
    if exists is None:
        raise exception.VersionNotFound(values['template_ref'],
                                        values['version_id'])
    row = context.session.scalars(sa.select(C).where(
        C.resource_id == values['resource_id'],
        C.version_id == values['version_id'])).first()
    if row is None:
        row = C(created_at=timeutils.utcnow(), **values)
        context.session.add(row)
    else:
        for key, value in values.items():
            setattr(row, key, value)
    try:
        context.session.flush()
    except db_exc.DBReferenceError:
        raise exception.VersionNotFound(values['template_ref'],
                                        values['version_id'])
    return row


@oslo_db_api.wrap_db_retry(max_retries=5, retry_on_deadlock=True)
@heat_db_api.context_manager.writer
def commit_pin(context, consumer_key, resource_id, version_id, stack_id):
    """Make the resource's row for ``version_id`` the key's only pin.

    Rows of the key held by a replaced resource, or for the version an
    update moved away from, go: the kept row protects what is in use.
    """
    C = models.StoredTemplateConsumer
    keep = context.session.scalars(sa.select(C).where(
        C.consumer_key == consumer_key, C.version_id == version_id).order_by(
        (C.resource_id == resource_id).desc(), C.id.desc())).first()
    if keep is None:
        return
    context.session.execute(sa.delete(C).where(
        C.consumer_key == consumer_key, C.id != keep.id))
    keep.state = PINNED
    keep.resource_id = resource_id
    keep.stack_id = stack_id
    keep.updated_at = timeutils.utcnow()


@oslo_db_api.wrap_db_retry(max_retries=5, retry_on_deadlock=True)
@heat_db_api.context_manager.writer
def drop_pending(context, consumer_key, keep_version_id):
    """After a rollback: forget the version the update was moving to."""
    C = models.StoredTemplateConsumer
    context.session.execute(sa.delete(C).where(
        C.consumer_key == consumer_key, C.state == PENDING,
        C.version_id != keep_version_id))


@oslo_db_api.wrap_db_retry(max_retries=5, retry_on_deadlock=True)
@heat_db_api.context_manager.writer
def release(context, resource_id):
    """A resource is really gone: its rows hold nothing any more."""
    C = models.StoredTemplateConsumer
    context.session.execute(sa.delete(C).where(C.resource_id == resource_id))
