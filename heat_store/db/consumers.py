"""Consumer references: the stacks built from a version.

A reference counts only while the stack that holds it exists in Heat's
``stack`` table and is not deleted: a stack that is gone without a delete
(abandoned, purged) holds nothing.
"""

import sqlalchemy as sa

from heat.common.i18n import _
from heat.db import models as heat_models

from heat_store.db import models
from heat_store import exception


def live_consumers(context, version_ids):
    """Consumer rows of these versions whose parent stack still lives."""
    C = models.StoredTemplateConsumer
    S = heat_models.Stack
    query = sa.select(C, S.name).join(S, S.id == C.parent_stack_id).where(
        C.version_id.in_(version_ids), S.deleted_at.is_(None))
    rows = context.session.execute(query).all()
    _forget_dead(context, version_ids, [r[0].id for r in rows])
    return rows


def _forget_dead(context, version_ids, live_ids):
    """Drop references whose stacks are gone, so they block nothing."""
    C = models.StoredTemplateConsumer
    query = sa.delete(C).where(C.version_id.in_(version_ids))
    if live_ids:
        query = query.where(C.id.not_in(live_ids))
    context.session.execute(query)


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
            C.version_id == version_id, S.deleted_at.is_(None)).order_by(
            C.created_at, C.id)).all()
    own = [(c, name) for c, name in rows
           if c.project_id == context.project_id]
    others = len({c.parent_stack_id for c, _n in rows
                  if c.project_id != context.project_id})
    return own, others
