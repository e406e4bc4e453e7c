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

"""Database access of the template store.

Every public function is one transaction (its enginefacade decorator);
private helpers run inside the caller's. Queries are scoped here: what a
project may see is decided by :func:`_visibility_parts`, and nowhere else.
"""

import itertools
import operator
import types

from oslo_db import api as oslo_db_api
from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import utils as db_utils
from oslo_utils import timeutils
import sqlalchemy as sa
from sqlalchemy import orm

from heat.common.i18n import _
from heat.db import api as heat_db_api

from heat_store.db import consumers
from heat_store.db import models
from heat_store.db import query as db_query
from heat_store import exception
from heat_store import names
from heat_store import quotas
from heat_store import versioning

context_manager = heat_db_api.context_manager

SORT_KEYS = {'name': 'name', 'creation_time': 'created_at',
             'updated_time': 'updated_at'}
VERSION_BATCH = 50


def _visible(context, query, global_tenant=False, project_id=None):
    """Limit a query of stored templates to those a project may see.

    A project (the caller's unless ``project_id`` is given) sees its own
    templates, public ones and shared ones it is a member of; an admin
    sees everything only when asking for it.
    """
    if global_tenant:
        return query
    return query.where(sa.or_(*_visibility_parts(context, project_id)))


def _visibility_parts(context, project_id=None):
    """What a project sees, as disjoint conditions: the one visibility rule.

    Its own templates, others' public ones, and others' shared ones it has
    accepted as a member (a pending or rejected member sees nothing of
    them). :func:`_visible` takes them together; a page of the catalog
    reads each from its own index (``template_get_all``).
    """
    T = models.StoredTemplate
    project = project_id or context.project_id
    return [T.project_id == project,
            sa.and_(T.visibility == 'public', T.project_id != project),
            _offered(project, [models.MEMBER_ACCEPTED])]


def _offered(project, statuses):
    """Others' shared templates offered to a project, by its member status.

    What ``?member_status=`` lists, and what a member may answer (accept
    or reject); only an accepted offer is visible (:func:`_visibility_parts`).
    """
    T = models.StoredTemplate
    M = models.StoredTemplateMember
    offered = sa.select(M.template_id).where(M.project_id == project,
                                             M.status.in_(statuses))
    return sa.and_(T.visibility == 'shared', T.project_id != project,
                   T.id.in_(offered))


def _tag_filter(query, tags, match_all, negate):
    T = models.StoredTemplate
    Tag = models.StoredTemplateTag

    def has(tag):
        return sa.exists().where(Tag.template_id == T.id, Tag.tag == tag)

    conds = [has(t) for t in tags]
    cond = sa.and_(*conds) if match_all else sa.or_(*conds)
    return query.where(sa.not_(cond) if negate else cond)


def _get_template(context, ident, global_tenant=False, project_id=None,
                  with_tags=True):
    """By id if visible, or by name in the project (the caller's).

    Without ``with_tags`` the tags are not read (reading them raises).
    """
    T = models.StoredTemplate
    project = project_id or context.project_id
    query = sa.select(T)
    if not with_tags:
        query = query.options(orm.raiseload(T.tags))
    if names.is_id(ident):
        query = query.where(T.id == ident)
    else:
        query = query.where(T.name == ident, T.project_id == project)
    query = _visible(context, query, global_tenant, project)
    template = context.session.scalars(query).first()
    if template is None:
        raise exception.StoredTemplateNotFound(ident)
    return template


@context_manager.reader
def template_get(context, ident, global_tenant=False):
    return _get_template(context, ident, global_tenant)


@context_manager.reader
def template_get_owned(context, ident, with_tags=True):
    """A template the caller may change (see :func:`_get_owned`)."""
    return _get_owned(context, ident, with_tags)


def _get_owned(context, ident, with_tags=True):
    """A template the caller may change: visible and of its own project.

    Without ``with_tags`` the tags are not read (see :func:`_get_template`).
    """
    template = _get_template(context, ident, with_tags=with_tags)
    if template.project_id != context.project_id:
        # NOTE: it is visible (shared or public), so "not found" would be
        # a lie; only the owner changes a template.
        raise exception.heat_exc.Forbidden(
            action=_('changing stored template %s of another project') %
            template.name)
    return template


def _row_lock_owned(context, ident):
    """Like :func:`_get_owned`, with the template's row locked.

    Writers that recount a template's versions take this lock, as
    publishes do, before anything else: on MariaDB/MySQL the
    transaction's snapshot is only taken at its first plain read, so
    the count then includes every publish committed before the lock was
    granted, and no publish commits before this transaction ends.
    """
    T = models.StoredTemplate
    query = sa.select(T).where(T.project_id == context.project_id)
    if names.is_id(ident):
        query = query.where(T.id == ident)
    else:
        query = query.where(T.name == ident)
    template = context.session.scalars(query.with_for_update()).first()
    if template is None:
        # Not the caller's: not found, or forbidden if it may see it.
        return _get_owned(context, ident)
    return template


@context_manager.reader
def template_get_all(context, filters=None, sort_keys=None, sort_dir='asc',
                     limit=None, marker=None, global_tenant=False):
    T = models.StoredTemplate
    filters = filters or {}
    query = sa.select(T)
    if filters.get('name'):
        query = query.where(T.name.in_(filters['name']))
    if filters.get('visibility'):
        query = query.where(T.visibility.in_(filters['visibility']))
    for key, match_all, negate in (('tags', True, False),
                                   ('tags_any', False, False),
                                   ('not_tags', True, True),
                                   ('not_tags_any', False, True)):
        if filters.get(key):
            query = _tag_filter(query, filters[key], match_all, negate)

    keys = [SORT_KEYS[k] for k in (sort_keys or ['creation_time'])]
    if 'id' not in keys:
        keys.append('id')
    if filters.get('member_status'):
        # What was offered to the caller's project, whatever it may see.
        global_tenant = False
        conditions = [_offered(context.project_id,
                               filters['member_status'])]
    else:
        conditions = _visibility_parts(context)
    marker_row = None
    if marker is not None:
        query_marker = sa.select(T).where(T.id == marker)
        if not global_tenant:
            query_marker = query_marker.where(sa.or_(*conditions))
        marker_row = context.session.scalars(query_marker).first()
        if marker_row is None:
            raise exception.InvalidRequest(
                reason=_('The marker %s is not a stored template you can '
                         'see.') % marker)
    if global_tenant:
        page = db_utils.paginate_query(query, T, limit, keys,
                                       marker=marker_row, sort_dir=sort_dir)
        return _with_member_status(context,
                                   context.session.scalars(page).all())
    # NOTE: one query with the whole visibility rule makes the database
    # sort every visible row before it can take a page. Each part of the
    # rule alone reads in sort order from its own index, so the page is the
    # first rows of up to three bounded range scans (oslo.db builds the
    # keyset condition from the marker row). The database merges them, so
    # the order is its collation's, as the marker condition is.
    columns = [T.id] + [getattr(T, k) for k in keys if k != 'id']
    parts = [
        db_utils.paginate_query(
            query.where(cond).with_only_columns(*columns), T, limit, keys,
            marker=marker_row, sort_dir=sort_dir).subquery().select()
        for cond in conditions]
    candidates = sa.union_all(*parts).subquery('candidates')
    page = db_utils.paginate_query(
        sa.select(T).join(candidates, T.id == candidates.c.id), T, limit,
        keys, sort_dir=sort_dir)
    return _with_member_status(context, context.session.scalars(page).all())


def _with_member_status(context, templates):
    """Set ``member_status`` on the templates shared with the caller.

    The caller's own answer to each offer in the page (None where it is
    not a member); one query for the page.
    """
    M = models.StoredTemplateMember
    ids = [t.id for t in templates if t.project_id != context.project_id]
    statuses = dict(context.session.execute(
        sa.select(M.template_id, M.status).where(
            M.project_id == context.project_id,
            M.template_id.in_(ids))).all()) if ids else {}
    for template in templates:
        template.member_status = statuses.get(template.id)
    return templates


# A project's usage (quotas)

@context_manager.writer.independent
def _project_row_create(context, project_id):
    """Insert a project's stored_template_project row, if it has none.

    In a transaction of its own, committed at once, so that every writer
    of the project then locks the same row; a concurrent creator may win
    the insert (DBDuplicateEntry).
    """
    P = models.StoredTemplateProject
    if context.session.get(P, project_id) is None:
        context.session.add(P(project_id=project_id))


@context_manager.reader.independent
def _template_project(context, template_id):
    T = models.StoredTemplate
    return context.session.scalar(
        sa.select(T.project_id).where(T.id == template_id))


def _row_lock_project(context, project_id):
    """Lock a project's usage until the transaction ends.

    Writers that count a project's templates or bytes take this lock
    first, so that two of them (publishing to different templates, say)
    cannot each see room for one more and overshoot together. It must be
    the transaction's first statement: the row is created, when missing,
    in a transaction of its own (one that waited for this one's locks
    would never end, and a locking read of a missing row on MariaDB
    locks the gap an insert needs), and on MariaDB the snapshot of plain
    reads is taken at the first plain read, which must come after the
    lock is granted.
    """
    try:
        _project_row_create(context, project_id)
    except db_exc.DBDuplicateEntry:
        pass
    P = models.StoredTemplateProject
    context.session.execute(
        sa.select(P.project_id).where(P.project_id == project_id)
        .with_for_update())


@oslo_db_api.wrap_db_retry(max_retries=5, retry_on_deadlock=True)
@context_manager.writer
def template_create(context, values, tags, first_version=None):
    """Create a template, and its first version in the same transaction."""
    _row_lock_project(context, context.project_id)
    quotas.check_template_count(context, _count_templates(context))
    now = timeutils.utcnow()
    template = models.StoredTemplate(
        project_id=context.project_id, user_id=context.user_id,
        version_count=0, created_at=now, updated_at=now, **values)
    template.tags = [models.StoredTemplateTag(tag=t) for t in tags]
    context.session.add(template)
    try:
        context.session.flush()
    except db_exc.DBDuplicateEntry:
        raise exception.StoredTemplateExists(name=values['name'])
    if first_version is not None:
        _insert_version(context, template, first_version)
    return template


def _count_templates(context):
    T = models.StoredTemplate
    return context.session.scalar(
        sa.select(sa.func.count()).select_from(T).where(
            T.project_id == context.project_id))


@oslo_db_api.wrap_db_retry(max_retries=5, retry_on_deadlock=True)
@context_manager.writer
def template_update(context, ident, values, tags=None):
    template = _get_owned(context, ident)
    for key, value in values.items():
        setattr(template, key, value)
    if tags is not None:
        template.tags = [models.StoredTemplateTag(tag=t) for t in tags]
    template.updated_at = timeutils.utcnow()
    context.session.flush()
    return template


@oslo_db_api.wrap_db_retry(max_retries=5, retry_on_deadlock=True)
@context_manager.writer
def template_delete(context, ident):
    template = _get_owned(context, ident)
    V = models.StoredTemplateVersion
    version_ids = context.session.scalars(
        sa.select(V.id).where(V.template_id == template.id)).all()
    name = template.name
    what = _('Stored template %s') % name
    _check_unused(context, version_ids, what)
    _check_not_depended_on(context, version_ids, what)
    _delete_dependencies(context, version_ids)
    try:
        context.session.execute(
            sa.delete(V).where(V.template_id == template.id))
    except db_exc.DBReferenceError:
        # A stack took a reference after the check: the database's foreign
        # key refused the delete, as it should.
        raise exception.VersionInUse(what=_('Stored template %s') % name,
                                     count=1, detail='')
    # NOTE: SQLite runs no ON DELETE CASCADE (oslo.db leaves its foreign
    # keys off); the tags go with the template through the ORM.
    M = models.StoredTemplateMember
    context.session.execute(sa.delete(M).where(M.template_id == template.id))
    context.session.delete(template)
    context.session.flush()


def _check_unused(context, version_ids, what):
    """409 while any of the versions has consumers."""
    if not version_ids:
        return
    live = consumers.live_consumers(context, version_ids)
    if live:
        raise consumers.in_use_error(context, what, live)


# Dependencies between versions

def _check_not_depended_on(context, version_ids, what):
    """409 while a version outside ``version_ids`` depends on any of them.

    The caller's own dependent versions are named; others are counted.
    """
    if not version_ids:
        return
    D = models.StoredTemplateDependency
    V = models.StoredTemplateVersion
    T = models.StoredTemplate
    rows = context.session.execute(
        sa.select(T.name, T.project_id, V.version).select_from(D).join(
            V, V.id == D.version_id).join(T, T.id == V.template_id).where(
            D.depends_on_version_id.in_(version_ids),
            D.version_id.not_in(version_ids)).order_by(
            T.name, V.major, V.minor, V.patch, V.version)).all()
    if not rows:
        return
    own = ['%s %s' % (r.name, r.version) for r in rows
           if r.project_id == context.project_id]
    others = len(rows) - len(own)
    detail = []
    if own:
        detail.append(_(': %s') % ', '.join(own))
    if others:
        detail.append(_(' (%d of them in other projects)') % others)
    raise exception.VersionDependedOn(what=what, count=len(rows),
                                      detail=''.join(detail))


def _delete_dependencies(context, version_ids):
    # NOTE: SQLite runs no ON DELETE CASCADE (oslo.db leaves its foreign
    # keys off): a dependent's rows go with it here.
    D = models.StoredTemplateDependency
    context.session.execute(sa.delete(D).where(D.version_id.in_(version_ids)))


@context_manager.reader
def version_dependencies(context, version_ids):
    """The dependencies of these versions, with what they resolved to.

    Returns ``{version_id: [(dependency, template, version, visible),
    ...]}``, ``visible`` telling whether the caller may see the template
    depended on (by the one visibility rule, :func:`_visibility_parts`).
    """
    D = models.StoredTemplateDependency
    V = models.StoredTemplateVersion
    T = models.StoredTemplate
    found = {version_id: [] for version_id in version_ids}
    if not version_ids:
        return found
    visible = sa.or_(*_visibility_parts(context)).label('visible')
    rows = context.session.execute(
        sa.select(D, T, V, visible).join(
            V, V.id == D.depends_on_version_id).join(
            T, T.id == V.template_id).where(
            D.version_id.in_(version_ids)).options(
            orm.raiseload(T.tags)).order_by(D.id)).all()
    for dep, template, version, seen in rows:
        found[dep.version_id].append((dep, template, version, bool(seen)))
    return found


@context_manager.reader
def version_dependents(context, version_id):
    """The versions whose bundles depend on this one.

    Returns ``(visible, others)``: ``(template, version)`` pairs of the
    templates the caller may see, and how many others there are.
    """
    D = models.StoredTemplateDependency
    V = models.StoredTemplateVersion
    T = models.StoredTemplate
    query = sa.select(T, V).select_from(D).join(
        V, V.id == D.version_id).join(T, T.id == V.template_id).where(
        D.depends_on_version_id == version_id).options(orm.raiseload(T.tags))
    rows = context.session.execute(query.order_by(
        T.name, V.major.desc(), V.minor.desc(), V.patch.desc(), V.id)).all()
    visible_ids = set(context.session.scalars(
        _visible(context, sa.select(T.id).where(
            T.id.in_({t.id for t, _v in rows})))).all()) if rows else set()
    visible = [(t, v) for t, v in rows if t.id in visible_ids]
    return visible, len(rows) - len(visible)


# Versions

def _version_order(ascending=False):
    V = models.StoredTemplateVersion
    if ascending:
        return (V.major.asc(), V.minor.asc(), V.patch.asc())
    return (V.major.desc(), V.minor.desc(), V.patch.desc())


def _semver_sorted(rows, ascending=False):
    """Order rows (newest first by default), settling prerelease order in
    Python.
    """
    return sorted(rows, key=lambda r: versioning.sort_key(r.version),
                  reverse=not ascending)


def _triple_beyond(bound, above):
    """Versions whose major.minor.patch is above (or below) a bound."""
    V = models.StoredTemplateVersion
    (major, minor, patch), inclusive = bound
    if above:
        strict, loose = operator.gt, operator.ge
    else:
        strict, loose = operator.lt, operator.le
    last = loose if inclusive else strict
    # NOTE: the plain condition on major first lets the index narrow it.
    return sa.and_(loose(V.major, major), sa.or_(
        strict(V.major, major), strict(V.minor, minor),
        sa.and_(V.minor == minor, last(V.patch, patch))))


def _storable(bound):
    """The bound, or None past the largest part a version may have.

    No stored version lies beyond it, and the number need not reach the
    database driver.
    """
    if bound is not None and max(bound[0]) > versioning.MAX_PART:
        return None
    return bound


def _within(constraint):
    """A condition that every version the constraint matches meets."""
    sets = []
    for low, high in constraint.release_bounds():
        low, high = _storable(low), _storable(high)
        conds = []
        if low is not None:
            conds.append(_triple_beyond(low, above=True))
        if high is not None:
            conds.append(_triple_beyond(high, above=False))
        if not conds:
            return None
        sets.append(sa.and_(*conds))
    return sa.or_(*sets)


def _iter_versions(context, template_id, status=None, constraint=None,
                   ascending=False, after=None):
    """Yield a template's versions newest first, a batch at a time.

    The database orders by major.minor.patch; rows sharing those differ
    only by prerelease, and are ordered here. With a constraint, the
    database skips the versions outside its bounds (the caller still
    matches each row), so a caller that stops at the first match reads
    one batch however many versions there are, newer majors included.
    ``ascending`` yields oldest first; ``after`` (a version) starts past
    it in that order: the database starts at its major.minor.patch (a
    keyset condition, an index range) and the prereleases sharing those
    are passed over here, so a page boundary inside a release's
    prereleases keeps semver order.
    """
    V = models.StoredTemplateVersion
    query = sa.select(V).where(V.template_id == template_id)
    if status:
        query = query.where(V.status == status)
    within = _within(constraint) if constraint is not None else None
    if within is not None:
        query = query.where(within)
    if after is not None:
        query = query.where(_triple_beyond(
            ((after.major, after.minor, after.patch), True),
            above=ascending))
    query = query.order_by(*_version_order(ascending), V.id)
    offset = 0
    pending = []

    def settled(rows):
        rows = _semver_sorted(rows, ascending)
        if after is None:
            return rows
        beyond = operator.gt if ascending else operator.lt
        return [r for r in rows
                if beyond(versioning.sort_key(r.version), after)]

    while True:
        batch = context.session.scalars(
            query.limit(VERSION_BATCH).offset(offset)).all()
        offset += len(batch)
        for row in batch:
            if pending and (row.major, row.minor, row.patch) != (
                    pending[0].major, pending[0].minor, pending[0].patch):
                yield from settled(pending)
                pending = []
            pending.append(row)
        if len(batch) < VERSION_BATCH:
            break
    yield from settled(pending)


@context_manager.reader
def version_get_all(context, template_id, status=None, constraint=None,
                    limit=None, marker=None, sort_dir='desc'):
    """A page of a template's versions, newest first (``sort_dir`` desc).

    ``marker`` is the last version of the previous page (400 if the
    template has no such version); ``limit`` the most to return.
    """
    after = None
    if marker is not None:
        if _get_version(context, template_id, marker) is None:
            raise exception.InvalidRequest(
                reason=_('The marker %s is not a version of this stored '
                         'template.') % marker)
        after = versioning.parse_version(marker)
    rows = _iter_versions(context, template_id, status, constraint,
                          ascending=sort_dir == 'asc', after=after)
    if constraint is not None:
        rows = (r for r in rows if constraint.match(r.version))
    if limit is not None:
        rows = itertools.islice(rows, limit)
    return list(rows)


@context_manager.reader
def version_resolve(context, template_id, constraint):
    """The highest active version matching ``constraint``, or None."""
    return versioning.resolve(
        constraint,
        _iter_versions(context, template_id, 'active', constraint),
        presorted=True)


def _latest(context, template_id):
    """The template's version ``latest`` names (rows read newest first)."""
    return versioning.latest(
        _iter_versions(context, template_id, 'active'), presorted=True)


def _version_where(context, template_id, version):
    """The condition selecting a version by number, or ``latest``'s."""
    V = models.StoredTemplateVersion
    if version == versioning.LATEST:
        latest = _latest(context, template_id)
        return V.id == (latest.id if latest is not None else None)
    return sa.and_(V.template_id == template_id,
                   V.version == versioning.drop_v(version))


def _get_version(context, template_id, version, with_bundle=False):
    V = models.StoredTemplateVersion
    query = sa.select(V).where(_version_where(context, template_id, version))
    if with_bundle:
        query = db_query.with_bundle(query)
    return context.session.scalars(query).first()


@context_manager.reader
def version_get(context, template_id, version, with_bundle=False):
    return _get_version(context, template_id, version, with_bundle)


@context_manager.reader
def version_get_by_id(context, version_id, with_bundle=False):
    return _get_version_by_id(context, version_id, bundle=with_bundle)


_get_version_by_id = db_query.version_by_id


@context_manager.reader
def reference_resolve(context, ident, constraint):
    """The template the caller's project may see, and its version to build.

    What a stack's reference (or a bundle's, at publish) gets: returns
    ``(template, version)`` with the version's bundle loaded; version is
    None when no active version matches. Raises StoredTemplateNotFound
    when the project may not see the template. No other project's
    catalog is ever searched. The template's tags are not loaded.
    """
    template = _get_template(context, ident, with_tags=False)
    version = versioning.resolve(
        constraint, _iter_versions(context, template.id, 'active',
                                   constraint),
        presorted=True)
    if version is not None:
        version = _get_version_by_id(context, version.id, bundle=True)
    return template, version


@context_manager.reader
def version_strings(context, template_id):
    V = models.StoredTemplateVersion
    return context.session.scalars(
        sa.select(V.version).where(V.template_id == template_id)).all()


def _refresh_summary(context, template):
    """Recount versions and pick ``latest_version`` after a change."""
    V = models.StoredTemplateVersion
    template.version_count = context.session.scalar(
        sa.select(sa.func.count()).select_from(V).where(
            V.template_id == template.id))
    latest = _latest(context, template.id)
    template.latest_version = latest.version if latest else None
    template.updated_at = timeutils.utcnow()


class _NoProjectRow(Exception):
    """A publish found no usage row to lock for its project."""


def _lock_project_row(context, project_id):
    """Lock a project's usage row, as the transaction's first statement.

    Raises _NoProjectRow when the project has none yet (a project whose
    templates predate the row): the caller's transaction is then rolled
    back, gap lock and all, and the row is made in one of its own.
    """
    P = models.StoredTemplateProject
    if context.session.execute(
            sa.select(P.project_id).where(P.project_id == project_id)
            .with_for_update()).first() is None:
        raise _NoProjectRow()


def version_create(context, template_id, values, check=None,
                   project_id=None):
    """Insert a version, deciding under the template's lock.

    A ``values['version']`` of None is the next patch (npm's ``inc
    patch``) of the highest version. ``check(version, predecessor,
    successor)``, given the versions next to the new one in its major
    (rows with their environments, or None), may refuse it: no concurrent
    publish can come between what it read and the insert.

    ``project_id`` is the template's project, when the caller has read
    the template (a template's project never changes): the publish is
    then one transaction.
    """
    if project_id is None:
        project_id = _template_project(context, template_id)
        if project_id is None:
            raise exception.StoredTemplateNotFound(template_id)
    try:
        return _version_create(context, template_id, project_id, values,
                               check)
    except _NoProjectRow:
        try:
            _project_row_create(context, project_id)
        except db_exc.DBDuplicateEntry:
            pass
        return _version_create(context, template_id, project_id, values,
                               check)


@oslo_db_api.wrap_db_retry(max_retries=5, retry_on_deadlock=True)
@context_manager.writer
def _version_create(context, template_id, project_id, values, check):
    T = models.StoredTemplate
    # NOTE: the project's lock first (its bytes quota), then the template
    # row's, so that concurrent publishes to one template see each
    # other's versions (its version quota, its summary).
    _lock_project_row(context, project_id)
    template = context.session.scalars(
        sa.select(T).where(T.id == template_id)
        .options(orm.raiseload(T.tags)).with_for_update()).first()
    if template is None:
        raise exception.StoredTemplateNotFound(template_id)
    version = _new_version(context, template, values['version'], check)
    return _insert_version(context, template, dict(values, version=version))


@context_manager.reader
def version_create_check(context, template_id, values, check=None):
    """What :func:`version_create` would decide, writing nothing.

    The same decisions (the next patch, a version that exists, ``check``,
    the version and bytes quotas) on what is committed now, without the
    locks: a publish that follows decides again under them. Returns the
    version it would create.
    """
    T = models.StoredTemplate
    template = context.session.scalars(
        sa.select(T).where(T.id == template_id)).first()
    if template is None:
        raise exception.StoredTemplateNotFound(template_id)
    version = _new_version(context, template, values['version'], check)
    quotas.check_version_count(context, template.version_count)
    quotas.check_bytes(context, _project_bytes(context, template.project_id),
                       values['size'] + (values.get('text_size') or 0))
    return version


def _new_version(context, template, version, check):
    """The version a publish creates: ``version``, or the next patch.

    VersionExists if it exists already; ``check`` (see
    :func:`version_create`) may refuse it. The versions of its major are
    read once, for both.
    """
    if version is None:
        highest = next(_iter_versions(context, template.id), None)
        version = str(versioning.next_patch(
            [highest.version] if highest is not None else []))
    V = models.StoredTemplateVersion
    existing = context.session.scalars(sa.select(V.version).where(
        V.template_id == template.id,
        V.major == versioning.parse_version(version).major)).all()
    if version in existing:
        raise exception.VersionExists(version=version, name=template.name)
    if check is not None:
        check(version, *_neighbours(context, template.id, version,
                                    existing))
    return version


def _neighbours(context, template_id, version, existing):
    """The versions next to ``version`` among ``existing``: below, above.

    ``existing`` are the version strings of its major. Both are read in
    one SELECT, with what the interface check compares (the interface and
    the environment), not the rest of their bundles.
    """
    # Each version text parsed once, for both.
    texts = {versioning.parse_version(text): text for text in existing}
    wanted = tuple(texts.get(found) for found in (
        versioning.predecessor(version, list(texts)),
        versioning.successor(version, list(texts))))
    found = {}
    if any(wanted):
        V = models.StoredTemplateVersion
        query = sa.select(V).options(orm.undefer(V.environment)).where(
            V.template_id == template_id,
            V.version.in_([name for name in wanted if name is not None]))
        found = {row.version: row
                 for row in context.session.scalars(query)}
    return tuple(found.get(name) for name in wanted)


def _insert_version(context, template, values):
    """Insert a version, its project and template locked by the caller."""
    values = dict(values)
    dependencies = values.pop('dependencies', None) or []
    quotas.check_version_count(context, template.version_count)
    quotas.check_bytes(context, _project_bytes(context, template.project_id),
                       values['size'] + (values.get('text_size') or 0))
    parsed = versioning.parse_version(values['version'])
    # NOTE: a failed flush rolls the transaction back and expires every
    # loaded row: read what the error message needs before it.
    name = template.name
    version = models.StoredTemplateVersion(
        template_id=template.id, major=parsed.major, minor=parsed.minor,
        patch=parsed.patch, prerelease='.'.join(parsed.prerelease),
        status='active', created_by_user=context.user_id,
        created_by_project=context.project_id,
        created_at=timeutils.utcnow(), **values)
    context.session.add(version)
    try:
        context.session.flush()
    except db_exc.DBDuplicateEntry:
        raise exception.VersionExists(version=values['version'], name=name)
    _insert_dependencies(context, version, dependencies)
    _count_new_version(template, version)
    context.session.flush()
    return version


def _count_new_version(template, version):
    """The template's summary with one more (active) version.

    Under the template's row lock the stored summary is exact, so the
    new one follows from it and the new version alone: the highest of
    the old ``latest`` and the new version that ``latest`` takes.
    """
    template.version_count = (template.version_count or 0) + 1
    candidates = [version]
    if template.latest_version is not None:
        candidates.append(types.SimpleNamespace(
            version=template.latest_version, status=versioning.ACTIVE))
    latest = versioning.latest(candidates)
    template.latest_version = latest.version if latest else None
    template.updated_at = timeutils.utcnow()


def _insert_dependencies(context, version, dependencies):
    """Record the versions a new version's bundle is locked to.

    Each depended-on version must still exist: the foreign key (and on
    SQLite, the write lock around this check) keeps a concurrent delete of
    it from winning halfway.
    """
    D = models.StoredTemplateDependency
    V = models.StoredTemplateVersion
    for dep in dependencies:
        exists = context.session.scalar(
            sa.select(V.id).where(V.id == dep['depends_on_version_id']))
        if exists is None:
            raise exception.InvalidBundle(reason=_(
                "stored template '%s' changed while publishing; publish "
                "again") % dep['template_ref'])
        context.session.add(D(version_id=version.id,
                              created_at=timeutils.utcnow(), **dep))
    try:
        context.session.flush()
    except db_exc.DBReferenceError:
        raise exception.InvalidBundle(reason=_(
            'a stored template this bundle uses changed while publishing; '
            'publish again'))


def _project_bytes(context, project_id):
    T = models.StoredTemplate
    V = models.StoredTemplateVersion
    return context.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(
            V.size + sa.func.coalesce(V.text_size, 0)), 0)).join(
            T, T.id == V.template_id).where(T.project_id == project_id))


@oslo_db_api.wrap_db_retry(max_retries=5, retry_on_deadlock=True)
@context_manager.writer
def version_update(context, template_ident, version, values):
    template = _row_lock_owned(context, template_ident)
    row = _get_version(context, template.id, version)
    if row is None:
        raise exception.VersionNotFound(template.name, version)
    for key, value in values.items():
        setattr(row, key, value)
    row.updated_at = timeutils.utcnow()
    _refresh_summary(context, template)
    context.session.flush()
    return row


@oslo_db_api.wrap_db_retry(max_retries=5, retry_on_deadlock=True)
@context_manager.writer
def version_delete(context, template_ident, version):
    template = _row_lock_owned(context, template_ident)
    row = _get_version(context, template.id, version)
    if row is None:
        raise exception.VersionNotFound(template.name, version)
    what = _('Version %(v)s of %(t)s') % {'v': version, 't': template.name}
    _check_unused(context, [row.id], what)
    _check_not_depended_on(context, [row.id], what)
    _delete_dependencies(context, [row.id])
    context.session.delete(row)
    try:
        context.session.flush()
    except db_exc.DBReferenceError:
        # A stack took a reference after the check: the foreign key holds.
        raise exception.VersionInUse(what=what, count=1, detail='')
    _refresh_summary(context, template)


# Members

@context_manager.reader
def member_get_all(context, template_ident):
    template = _get_owned(context, template_ident)
    M = models.StoredTemplateMember
    return template, context.session.scalars(
        sa.select(M).where(M.template_id == template.id).order_by(
            M.project_id)).all()


@oslo_db_api.wrap_db_retry(max_retries=5, retry_on_deadlock=True)
@context_manager.writer
def member_create(context, template_ident, project_id):
    """Offer the template to a project: a ``pending`` member.

    Adding a member again changes nothing (its answer is kept).
    """
    template = _get_owned(context, template_ident)
    M = models.StoredTemplateMember
    member = context.session.get(M, (template.id, project_id))
    if member is None:
        member = M(template_id=template.id, project_id=project_id,
                   status=models.MEMBER_PENDING,
                   created_at=timeutils.utcnow())
        context.session.add(member)
        try:
            context.session.flush()
        except db_exc.DBDuplicateEntry:
            member = context.session.get(M, (template.id, project_id))
    return template, member


@oslo_db_api.wrap_db_retry(max_retries=5, retry_on_deadlock=True)
@context_manager.writer
def member_delete(context, template_ident, project_id):
    template = _get_owned(context, template_ident)
    M = models.StoredTemplateMember
    member = context.session.get(M, (template.id, project_id))
    if member is None:
        raise exception.MemberNotFound(template.name, project_id)
    context.session.delete(member)


@oslo_db_api.wrap_db_retry(max_retries=5, retry_on_deadlock=True)
@context_manager.writer
def member_update(context, template_id, status):
    """The caller's project answers an offer: its own member status.

    Only by the template's id (a pending member cannot see it by name or
    otherwise); anything but a ``shared`` template of another project
    with the caller as a member is not found, as a template that does not
    exist.
    """
    T = models.StoredTemplate
    M = models.StoredTemplateMember
    row = None
    if names.is_id(template_id):
        row = context.session.execute(
            sa.select(T, M).join(M, M.template_id == T.id).where(
                T.id == template_id, M.project_id == context.project_id,
                _offered(context.project_id, models.MEMBER_STATUSES))
            .options(orm.raiseload(T.tags))).first()
    if row is None:
        raise exception.StoredTemplateNotFound(template_id)
    template, member = row
    if member.status != status:
        member.status = status
        member.updated_at = timeutils.utcnow()
        context.session.flush()
    return template, member


@context_manager.reader
def version_consumers(context, version_id):
    return consumers.visible_consumers(context, version_id)


@context_manager.reader
def version_template_body(context, ident, version):
    """Only the template body of a version, in one read transaction.

    ``GET .../versions/{version}/template`` serves it; loading the files,
    environment and tags there would cost more than the body itself.
    """
    template = _get_template(context, ident, with_tags=False)
    V = models.StoredTemplateVersion
    body = context.session.scalar(sa.select(V.template).where(
        _version_where(context, template.id, version)))
    if body is None:
        raise exception.VersionNotFound(template.name, version)
    return body
