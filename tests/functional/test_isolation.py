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

"""Isolation: every route, for every project, role and visibility.

One matrix, built from a small rule table that mirrors the contract
(doc/source/user/api.rst, "Policies" and "Errors"):

- a path whose tenant is not the caller's project is 403 for non-admins
  (Heat's check); an admin's request acts in its own project;
- reads need ``reader``, writes ``member``, making a template public and
  listing with ``global_tenant=true`` need ``admin``: 403 otherwise;
- a template the caller's project may not see is 404, exactly as if it did
  not exist, for admins too; a name always means the caller's project's;
- only the owner changes a template, its versions and its members: 403 for
  a project that sees it shared or public.

Sharing is by consent: a member the owner adds is pending until it
accepts; a pending or rejected member sees the template exactly as a
project it was never offered to; only the member project sets its own
status (by the template's id), not the owner, not another project.

The dimensions are the template's visibility (private, shared with the
calling project as an accepted member, as a pending one, as a rejected
one, shared with some other project only, public), the
calling project (the owner's, or another one), its role (reader, member,
admin), how the template is named (id or name), and the path's tenant
(the caller's own or the other project's), over every route and method of
``heat_store.api.routes.ROUTES``. Each cell is one test, named after it.

Where the caller may not see the template, the response must leak
nothing: no name, id, description, tag, version id, digest, template
content, owner project or user, or member project appears in its headers
or body (but what the caller itself sent), and the same request for a
template that does not exist answers the same status and body. A refused
write changes nothing in the database.

Consumers (real stacks built from a shared template by its own project
and by a member project, one of them nested) are checked apart: a project
lists only its own stacks, and the owner's 409 names only its own and
counts the others.
"""

import collections
import functools
import itertools
import json
import re
import time
from urllib import parse
import uuid

import sqlalchemy as sa
import webob

from tests import base
from tests.functional import fixtures

HOT = '2021-04-16'
JSON = 'application/json'

VISIBILITIES = ('private', 'shared_member', 'shared_pending',
                'shared_rejected', 'shared_other', 'public')
# The other project's member status in each shared world (beside it, the
# third project is an accepted member, and two more a pending and a
# rejected one).
OTHER_STATUS = {'shared_member': 'accepted', 'shared_pending': 'pending',
                'shared_rejected': 'rejected'}
SIDES = ('owner', 'other')
ROLES = {'reader': 'reader', 'member': 'member,reader', 'admin': 'admin'}
REFS = ('id', 'name')
PATHS = ('own', 'foreign')

# What a route needs of the caller's role.
READ, WRITE, ADMIN = 'read', 'write', 'admin'

V = '1.1.0'   # the version the version routes address

Route = collections.namedtuple(
    'Route', 'name method path query body needs owner_only ok ghost')
# name: the cell's route name; method, path (after /stored_templates, with
# {t} for the template's id or name, {v}, {other} for the other project);
# query and body: formatted like the path ({name}, {id}, {tag}, {target},
# {fresh}); needs: READ, WRITE or ADMIN; owner_only: only the owner's
# project may do it; ok: the status when everything is allowed (a number, or a
# function of the world and the side); ghost: compare a hidden template's
# answer with one for a template that does not exist.


def _member_remove_ok(world, side):
    # The other project is a member (of any status) only of the templates
    # offered to it.
    return 204 if world.visibility in OTHER_STATUS else 404


def _create_same_name_ok(world, side):
    # Names are unique in a project, not across projects.
    return 409 if side == 'owner' else 201


MATRIX_ROUTES = (
    # GET /stored_templates and its filters
    Route('list', 'GET', '', {'limit': '1000'}, None, READ, False, 200,
          False),
    Route('list_by_name', 'GET', '', {'name': '{name}'}, None, READ, False,
          200, True),
    Route('list_by_tag', 'GET', '', {'tags': '{tag}'}, None, READ, False,
          200, True),
    Route('list_after_marker', 'GET', '', {'marker': '{id}'}, None, READ,
          False, 200, True),
    Route('list_global', 'GET', '', {'global_tenant': 'true',
                                     'name': '{name}'}, None, ADMIN, False,
          200, True),
    # POST /stored_templates
    Route('create_same_name', 'POST', '', None, {'name': '{name}'}, WRITE,
          False, _create_same_name_ok, False),
    Route('create_public', 'POST', '', None,
          {'name': '{fresh}', 'visibility': 'public'}, ADMIN, False, 201,
          False),
    # /stored_templates/{template}
    Route('show', 'GET', '/{t}', None, None, READ, False, 200, True),
    Route('update', 'PATCH', '/{t}', None, {'description': 'hijacked'},
          WRITE, True, 200, True),
    Route('publicize', 'PATCH', '/{t}', None, {'visibility': 'public'},
          ADMIN, True, 200, True),
    Route('delete', 'DELETE', '/{t}', None, None, WRITE, True, 204, True),
    # versions
    Route('versions', 'GET', '/{t}/versions', None, None, READ, False, 200,
          True),
    Route('publish', 'POST', '/{t}/versions', None,
          {'template': 'PUBLISHED'}, WRITE, True, 201, True),
    Route('publish_dry_run', 'POST', '/{t}/versions', None,
          {'template': 'PUBLISHED', 'dry_run': True, 'impact': True},
          WRITE, True, 200, True),
    Route('resolve', 'GET', '/{t}/resolve', {'version': '^1'}, None, READ,
          False, 200, True),
    Route('version_show', 'GET', '/{t}/versions/{v}', None, None, READ,
          False, 200, True),
    Route('version_update', 'PATCH', '/{t}/versions/{v}', None,
          {'status': 'deprecated'}, WRITE, True, 200, True),
    Route('version_delete', 'DELETE', '/{t}/versions/{v}', None, None,
          WRITE, True, 204, True),
    Route('version_template', 'GET', '/{t}/versions/{v}/template', None,
          None, READ, False, 200, True),
    Route('version_stacks', 'GET', '/{t}/versions/{v}/stacks', None, None,
          READ, False, 200, True),
    Route('version_dependents', 'GET', '/{t}/versions/{v}/dependents', None,
          None, READ, False, 200, True),
    # A member's action, as Heat's update preview (PUT .../preview) is.
    Route('version_impact', 'GET', '/{t}/versions/{v}/impact', None, None,
          WRITE, False, 200, True),
    # members
    Route('members', 'GET', '/{t}/members', None, None, READ, True, 200,
          True),
    Route('member_add', 'POST', '/{t}/members', None,
          {'project_id': '{target}'}, WRITE, True, 201, True),
    Route('member_remove', 'DELETE', '/{t}/members/{other}', None, None,
          WRITE, True, _member_remove_ok, True),
    # The other project's status, set by the owner or by itself.
    Route('member_status', 'PUT', '/{t}/members/{other}', None,
          {'status': '{answer}'}, WRITE, False, None, True),
)

ROUTES_BY_NAME = {r.name: r for r in MATRIX_ROUTES}

Cell = collections.namedtuple('Cell', 'route visibility side role ref path')


def addressed(route):
    return '{t}' in route.path


def expected_status(cell, world):
    """The rule table: what the contract says a cell answers."""
    route = ROUTES_BY_NAME[cell.route]
    if cell.path == 'foreign' and cell.role != 'admin':
        return 403
    if route.needs == WRITE and cell.role == 'reader':
        return 403
    if route.needs == ADMIN and cell.role != 'admin':
        return 403
    if route.name == 'member_status':
        if cell.side == 'owner':
            return 403   # only the member project answers
        if cell.ref == 'id' and world.visibility in OTHER_STATUS:
            return 200   # by id, whatever its answer was
        return 404
    if addressed(route):
        if cell.ref == 'name' and cell.side == 'other':
            return 404   # a name means the caller's project's
        if not world.visible_to(cell.side):
            return 404
        if route.owner_only and cell.side != 'owner':
            return 403
    elif route.name == 'list_after_marker' and not world.visible_to(
            cell.side):
        return 400   # as for a marker that does not exist
    ok = route.ok
    return ok(world, cell.side) if callable(ok) else ok


def sees(cell, world):
    """Whether the caller may see the template at all."""
    if cell.route == 'list_global' and cell.role == 'admin':
        return True
    return world.visible_to(cell.side)


def cells():
    for route in MATRIX_ROUTES:
        refs = REFS if addressed(route) else ('any',)
        for visibility, side, role, ref, path in itertools.product(
                VISIBILITIES, SIDES, ROLES, refs, PATHS):
            yield Cell(route.name, visibility, side, role, ref, path)


# -- the embedded Heat ------------------------------------------------------

_users = {}


def user_of(project):
    return _users.setdefault(project, 'user-%s' % uuid.uuid4().hex[:12])


def new_project():
    return uuid.uuid4().hex


Answer = collections.namedtuple('Answer', 'status headers text')


def call(method, path, project, role, body=None, query=None):
    """One request to the embedded Heat; ``path`` is under /v1/{tenant}."""
    url = path
    if query:
        url += '?' + parse.urlencode(query)
    headers = {'X-Project-Id': project, 'X-User-Id': user_of(project),
               'X-Roles': ROLES[role], 'Accept': JSON,
               # Heat stores these for a stack's deferred auth.
               'X-Auth-User': user_of(project), 'X-Auth-Key': 'secret'}
    kwargs = {}
    if body is not None:
        headers['Content-Type'] = JSON
        kwargs['body'] = json.dumps(body).encode('utf-8')
    res = webob.Request.blank(url, method=method, headers=headers,
                              **kwargs).get_response(fixtures.embedded_heat())
    return Answer(res.status_int, dict(res.headers),
                  res.body.decode('utf-8'))


def store_path(project, suffix=''):
    return '/v1/%s/stored_templates%s' % (project, suffix)


def template(marker):
    """A small valid template whose resource name carries ``marker``."""
    return {'heat_template_version': HOT,
            'parameters': {'length': {'type': 'number', 'default': 8}},
            'resources': {marker: {
                'type': 'OS::Heat::RandomString',
                'properties': {'length': {'get_param': 'length'}}}},
            'outputs': {'out': {'value': {'get_attr': [marker, 'value']}}}}


def db_state(projects):
    """Every stored row of these projects' templates, as comparable data."""
    from heat.common import context as heat_context
    from heat.db import api as heat_db_api

    ctx = heat_context.get_admin_context()
    with heat_db_api.context_manager.reader.using(ctx) as session:
        return [tuple(row) for statement in _state_statements()
                for row in session.execute(statement,
                                           {'projects': list(projects)})]


@functools.lru_cache(maxsize=None)
def _state_statements():
    """The queries of :func:`db_state`, built once.

    The matrix runs them thousands of times, and building a statement
    costs more than running it.
    """
    from heat_store.db import models

    T, Tag = models.StoredTemplate, models.StoredTemplateTag
    M, Ver = models.StoredTemplateMember, models.StoredTemplateVersion
    C = models.StoredTemplateConsumer
    in_projects = T.project_id.in_(sa.bindparam('projects', expanding=True))
    template_ids = sa.select(T.id).where(in_projects).scalar_subquery()
    version_ids = sa.select(Ver.id).where(
        Ver.template_id.in_(template_ids)).scalar_subquery()
    return (
        sa.select(T.id, T.name, T.project_id, T.description, T.visibility,
                  T.latest_version, T.version_count, T.updated_at).where(
            in_projects).order_by(T.id),
        sa.select(Tag.template_id, Tag.tag).where(
            Tag.template_id.in_(template_ids)).order_by(Tag.template_id,
                                                        Tag.tag),
        sa.select(M.template_id, M.project_id, M.status).where(
            M.template_id.in_(template_ids)).order_by(M.template_id,
                                                      M.project_id),
        sa.select(Ver.id, Ver.template_id, Ver.version, Ver.status,
                  Ver.description, Ver.digest, Ver.updated_at).where(
            Ver.template_id.in_(template_ids)).order_by(Ver.id),
        sa.select(C.id, C.version_id, C.parent_stack_id, C.state).where(
            C.version_id.in_(version_ids)).order_by(C.id),
    )


# -- a world: one template, its projects and its secrets ---------------------

class World(object):
    """A stored template of one visibility, with one version (1.1.0).

    ``owner`` owns it; ``other`` is the calling project of the "other"
    side (a member when the visibility is shared_member); ``third`` is the
    member of a template shared with another project only; ``fourth`` is
    the project the owner adds as a member in the matrix.
    """

    def __init__(self, visibility):
        self.visibility = visibility
        self.owner, self.other = new_project(), new_project()
        self.third, self.fourth = new_project(), new_project()
        tag = uuid.uuid4().hex
        self.name = 'iso%s' % uuid.uuid4().hex
        self.description = 'description %s' % uuid.uuid4().hex
        self.tag = 'tag%s' % tag
        self.marker = 'res%s' % uuid.uuid4().hex
        self.dirty = False
        self.version_ids, self.digests = set(), set()
        first = 'public' if visibility == 'public' else 'private'
        created = self.owner_call(
            'POST', '', role='admin' if first == 'public' else 'member',
            body={'name': self.name, 'description': self.description,
                  'tags': [self.tag], 'visibility': first,
                  'version': {'version': V,
                              'template': template(self.marker)}},
            expect=201)
        self.id = created['stored_template']['id']
        self.note_version(self.owner_call(
            'GET', '/%s/versions/%s' % (self.id, V))[
            'stored_template_version'])
        self.pending, self.rejected = new_project(), new_project()
        if visibility.startswith('shared'):
            self.owner_call('PATCH', '/%s' % self.id,
                            body={'visibility': 'shared'}, expect=200)
            members = {self.third: 'accepted', self.pending: 'pending',
                       self.rejected: 'rejected'}
            if visibility in OTHER_STATUS:
                members[self.other] = OTHER_STATUS[visibility]
            for member, status in members.items():
                self.owner_call('POST', '/%s/members' % self.id,
                                body={'project_id': member}, expect=201)
                if status != 'pending':
                    self.answer(member, status)

    def answer(self, member, status):
        """A member project's answer to the offer."""
        answer = call('PUT', store_path(member, '/%s/members/%s' % (
            self.id, member)), member, 'member', {'status': status})
        if answer.status != 200:
            raise RuntimeError('setting up %s: %s answering %s: %s %s' % (
                self.visibility, member, status, answer.status,
                answer.text))

    def changed_status(self):
        """A status other than the other project's (its PUT changes it)."""
        return ('pending' if OTHER_STATUS.get(self.visibility) != 'pending'
                else 'accepted')

    def owner_call(self, method, suffix, role='member', body=None,
                   expect=200):
        answer = call(method, store_path(self.owner, suffix), self.owner,
                      role, body)
        if answer.status != expect:
            problem = 'setting up %s: %s %s answered %s: %s' % (
                self.visibility, method, suffix, answer.status, answer.text)
            raise RuntimeError(problem)
        return json.loads(answer.text) if answer.text else None

    def republish_latest(self):
        shown = self.owner_call(
            'POST', '/%s/versions' % self.id, expect=201,
            body={'version': V, 'template': template(self.marker)})
        self.note_version(shown['stored_template_version'])

    def note_version(self, version):
        self.version_ids.add(version['id'])
        self.digests.add(version['digest'])

    def visible_to(self, side):
        return (side == 'owner' or
                self.visibility in ('public', 'shared_member'))

    def caller_project(self, side):
        return self.owner if side == 'owner' else self.other

    def secrets(self):
        """What a project that may not see the template must never read."""
        found = {self.name, self.id, self.description, self.tag,
                 self.marker, self.owner, user_of(self.owner)}
        if self.visibility.startswith('shared'):
            found.update((self.third, self.pending, self.rejected))
        return found | self.version_ids | self.digests

    def projects(self):
        return [self.owner, self.other, self.third, self.fourth]


_worlds = {}


def world_of(visibility):
    world = _worlds.get(visibility)
    if world is None or world.dirty:
        world = _worlds[visibility] = World(visibility)
    return world


# -- one cell -----------------------------------------------------------------

def _format(value, values):
    if isinstance(value, dict):
        return {k: _format(v, values) for k, v in value.items()}
    if value == 'PUBLISHED':
        return template('published')
    if isinstance(value, str):
        return value.format(**values)
    return value


def build_request(cell, world, ident, name, tag, fresh):
    """(method, path, project, query, body, sent) of a cell's request.

    ``ident``, ``name`` and ``tag`` stand for the template's (or a ghost's).
    ``sent`` is every string the caller itself put in the request.
    """
    route = ROUTES_BY_NAME[cell.route]
    caller = world.caller_project(cell.side)
    tenant = caller
    if cell.path == 'foreign':
        tenant = world.other if cell.side == 'owner' else world.owner
    # The owner adds a project of no consequence; another project tries to
    # add itself.
    target = world.fourth if cell.side == 'owner' else world.other
    values = {'t': ident if cell.ref != 'name' else name, 'v': V,
              'other': world.other, 'name': name, 'id': ident, 'tag': tag,
              'target': target, 'fresh': fresh,
              'answer': world.changed_status()}
    path = store_path(tenant, route.path.format(**values))
    query = _format(route.query, values) if route.query else None
    body = _format(route.body, values) if route.body else None
    sent = {s for s in path.split('/') if s}
    sent.update((query or {}).values())
    sent.update(v for v in (body or {}).values() if isinstance(v, str))
    return route.method, path, caller, query, body, sent


def scrub(text, replacements):
    """``text`` with each string replaced, longest first."""
    for old in sorted(replacements, key=len, reverse=True):
        text = text.replace(old, '<%s>' % replacements[old])
    return text


def describe(cell):
    return ('%s by a %s of the %s project (by %s, %s path) on a %s '
            'template' % (cell.route, cell.role, cell.side, cell.ref,
                          cell.path, cell.visibility))


class IsolationMatrixTest(base.TestCase):
    """One test per cell of the matrix; see the module's docstring."""

    def check_cell(self, cell):
        world = world_of(cell.visibility)
        route = ROUTES_BY_NAME[cell.route]
        want = expected_status(cell, world)
        fresh = 'fresh%s' % uuid.uuid4().hex
        method, path, caller, query, body, sent = build_request(
            cell, world, world.id, world.name, world.tag, fresh)
        writes = method != 'GET'
        before = db_state(world.projects()) if writes else None
        answer = call(method, path, caller, cell.role, body, query)
        if writes:
            # Built anew for the next cell unless this one ends well.
            world.dirty = True
        where = '%s: %s %s answered %s: %s' % (
            describe(cell), method, path, answer.status, answer.text[:2000])
        self.assertEqual(want, answer.status, where)
        self.check_form(answer, where)
        if answer.status >= 400 and writes:
            self.assertEqual(before, db_state(world.projects()),
                             '%s; the refused request wrote' % where)
        if cell.route == 'publish_dry_run':
            self.assertEqual(before, db_state(world.projects()),
                             '%s; the dry run wrote' % where)
        if not sees(cell, world):
            self.check_no_leak(world, answer, sent, where)
            # NOTE: a pending or rejected member answering the offer by id
            # is the one success of a caller that does not see it.
            if route.ghost and answer.status >= 400:
                self.check_as_if_absent(cell, world, answer, fresh, where)
        elif answer.status < 300:
            self.check_shows(cell, world, answer, where)
        if answer.status < 300 and writes:
            self.restore(cell, world, answer, caller)
        world.dirty = cell.route == 'delete' and answer.status < 300

    def check_form(self, answer, where):
        self.assertLess(answer.status, 500, where)
        if answer.status >= 400:
            self.assertTrue(answer.headers.get('Content-Type', '')
                            .startswith(JSON), where)
            self.assertTrue(fixtures._is_fault(answer.text.encode()), where)
            self.assertEqual(answer.status, json.loads(answer.text)['code'],
                             where)

    def check_no_leak(self, world, answer, sent, where):
        """Nothing of the template, but what the caller sent, comes back."""
        secrets = world.secrets()
        hidden = {s: 'sent' for s in sent}
        text = scrub(answer.text, hidden)
        headers = scrub(json.dumps(answer.headers), hidden)
        for secret in secrets - set(sent):
            self.assertNotIn(secret, text, '%s; leaks %s' % (where, secret))
            self.assertNotIn(secret, headers,
                             '%s; leaks %s in a header' % (where, secret))

    def check_as_if_absent(self, cell, world, answer, fresh, where):
        """The same request about a template that does not exist."""
        ghost_id = str(uuid.uuid4())
        ghost_name = 'iso%s' % uuid.uuid4().hex
        ghost_tag = 'tag%s' % uuid.uuid4().hex
        method, path, caller, query, body, _sent = build_request(
            cell, world, ghost_id, ghost_name, ghost_tag, fresh)
        ghost = call(method, path, caller, cell.role, body, query)
        same = {world.id: 'id', ghost_id: 'id', world.name: 'name',
                ghost_name: 'name', world.tag: 'tag', ghost_tag: 'tag'}
        self.assertEqual(
            (ghost.status, scrub(ghost.text, same)),
            (answer.status, scrub(answer.text, same)),
            '%s; not as for a template that does not exist' % where)

    def check_shows(self, cell, world, answer, where):
        """A caller that may see the template finds it where it should."""
        body = json.loads(answer.text) if answer.text else None
        if cell.route in ('list_by_name', 'list_by_tag', 'list_global'):
            self.assertEqual([world.id], [t['id'] for t in
                                          body['stored_templates']], where)
        elif cell.route == 'show':
            self.assertEqual(world.id, body['stored_template']['id'], where)
        elif cell.route in ('version_show', 'resolve'):
            shown = body['stored_template_version']
            self.assertEqual((world.id, V),
                             (shown['template_id'], shown['version']), where)
        elif cell.route == 'version_template':
            self.assertIn(world.marker, body['resources'], where)
        elif cell.route == 'version_stacks':
            self.assertEqual({'stacks': []}, body, where)
        elif cell.route == 'publish_dry_run':
            shown = body['stored_template_version']
            self.assertEqual(
                (world.id, None, [], 0),
                (shown['template_id'], shown['id'], body['impact'],
                 body['other_consumers']), where)
        elif cell.route == 'version_impact':
            self.assertEqual({'impact': [], 'other_consumers': 0}, body,
                             where)

    def restore(self, cell, world, answer, caller):
        """Undo a change the matrix made (a deleted template is built anew)."""
        body = json.loads(answer.text) if answer.text else None
        ident = '/%s' % world.id
        if cell.route in ('create_same_name', 'create_public'):
            created = body['stored_template']
            self.assertEqual(caller, created['project_id'])
            answer = call('DELETE', store_path(caller, '/' + created['id']),
                          caller, 'member')
            self.assertEqual(204, answer.status, answer.text)
        elif cell.route == 'update':
            world.owner_call('PATCH', ident,
                             body={'description': world.description})
        elif cell.route == 'publicize':
            if world.visibility != 'public':
                world.owner_call('PATCH', ident, role='admin', body={
                    'visibility': ('private' if world.visibility ==
                                   'private' else 'shared')})
        elif cell.route == 'publish':
            version = body['stored_template_version']
            world.note_version(version)
            world.owner_call('DELETE', '%s/versions/%s' % (
                ident, version['version']), expect=204)
        elif cell.route == 'version_update':
            world.owner_call('PATCH', '%s/versions/%s' % (ident, V),
                             body={'status': 'active'})
        elif cell.route == 'version_delete':
            world.republish_latest()
        elif cell.route == 'member_add':
            world.owner_call('DELETE', '%s/members/%s' % (
                ident, world.fourth), expect=204)
        elif cell.route == 'member_remove':
            world.owner_call('POST', '%s/members' % ident,
                             body={'project_id': world.other}, expect=201)
            if OTHER_STATUS[world.visibility] != 'pending':
                world.answer(world.other, OTHER_STATUS[world.visibility])
        elif cell.route == 'member_status':
            self.assertEqual(
                (world.id, caller, world.changed_status()),
                (body['member']['template_id'], body['member']['project_id'],
                 body['member']['status']))
            world.answer(world.other, OTHER_STATUS[world.visibility])

    def test_matrix_covers_every_route(self):
        from heat_store.api import routes

        served = {(path.replace('/{tenant_id}/stored_templates', ''),
                   method)
                  for _f, path, actions in routes.ROUTES
                  for method in actions}
        covered = set()
        for r in MATRIX_ROUTES:
            path = r.path
            for ours, theirs in (('{t}', '{template}'), ('{v}', '{version}'),
                                 ('{other}', '{project_id}')):
                path = path.replace(ours, theirs)
            covered.add((path, r.method))
        self.assertEqual(served, covered)
        self.assertEqual(len(list(cells())),
                         len([n for n in dir(self)
                              if n.startswith('test_cell__')]))


def _cell_test(cell, describe_cell, check):
    def test(self):
        getattr(self, check)(cell)
    test.__doc__ = describe_cell(cell)
    return test


def add_cell_tests(test_class, prefix, all_cells, describe_cell,
                   check='check_cell'):
    """One test method per cell, ``<prefix><part>__<part>...``, that calls
    the method ``check`` with the cell; each is documented by
    ``describe_cell(cell)``.
    """
    for cell in all_cells:
        name = prefix + '__'.join(cell)
        assert re.fullmatch(r'[a-z_]+', name), name
        setattr(test_class, name, _cell_test(cell, describe_cell, check))


add_cell_tests(IsolationMatrixTest, 'test_cell__', cells(), describe)


# -- building stacks from the template --------------------------------------

BUILD_ENTRIES = {
    # entry: (method, path under /v1/{tenant}, with a stack name)
    'validate': ('POST', '/validate', False),
    'preview': ('POST', '/stacks/preview', True),
    'stack_create': ('POST', '/stacks', True),
}

BuildCell = collections.namedtuple('BuildCell', 'entry visibility side ref')


def build_cells():
    for entry, visibility, side, ref in itertools.product(
            BUILD_ENTRIES, VISIBILITIES, SIDES, REFS):
        cell = BuildCell(entry, visibility, side, ref)
        # A stack that builds is the resource type's business (and takes
        # seconds); only refused creates are cells here.
        if entry != 'stack_create' or not build_allowed(cell):
            yield cell


def build_allowed(cell):
    if cell.ref == 'name' and cell.side == 'other':
        return False
    return (cell.side == 'owner' or
            cell.visibility in ('public', 'shared_member'))


class BuildIsolationTest(base.TestCase):
    """OS::Heat::StoredTemplate sees what its stack's project may see.

    Validating, previewing or creating a stack that refers to a template
    its project may not see fails as for a template that does not exist,
    and says nothing of it.
    """

    def request(self, cell, world, ident, name):
        method, path, named = BUILD_ENTRIES[cell.entry]
        project = world.caller_project(cell.side)
        ref = ident if cell.ref == 'id' else name
        body = {'template': {
            'heat_template_version': HOT,
            'resources': {'pinned': {
                'type': 'OS::Heat::StoredTemplate',
                'properties': {'template': ref, 'version': '^1'}}}}}
        if named:
            body['stack_name'] = 'build%s' % uuid.uuid4().hex
        answer = call(method, '/v1/%s%s' % (project, path), project,
                      'member', body)
        return answer, {ref, project, body.get('stack_name', project)}

    def check_build_cell(self, cell):
        world = world_of(cell.visibility)
        before = db_state(world.projects())
        answer, sent = self.request(cell, world, world.id, world.name)
        where = '%s by the %s project (by %s) of a %s template: answered ' \
            '%s: %s' % (cell.entry, cell.side, cell.ref, cell.visibility,
                        answer.status, answer.text[:2000])
        self.assertEqual(before, db_state(world.projects()), where)
        if build_allowed(cell):
            self.assertEqual(200, answer.status, where)
            return
        self.assertEqual(400, answer.status, where)
        self.assertTrue(fixtures._is_fault(answer.text.encode()), where)
        text = scrub(answer.text, {s: 'sent' for s in sent})
        for secret in world.secrets() - sent:
            self.assertNotIn(secret, text, '%s; leaks %s' % (where, secret))
        ghost_id = str(uuid.uuid4())
        ghost_name = 'iso%s' % uuid.uuid4().hex
        ghost, ghost_sent = self.request(cell, world, ghost_id, ghost_name)
        self.assertEqual(
            (ghost.status, scrub(ghost.text,
                                 {s: 'sent' for s in ghost_sent})),
            (answer.status, text),
            '%s; not as for a template that does not exist' % where)


def _make_build_test(cell):
    def test(self):
        self.check_build_cell(cell)
    test.__doc__ = '%s by the %s project (by %s) of a %s template' % (
        cell.entry, cell.side, cell.ref, cell.visibility)
    return test


for _cell in build_cells():
    setattr(BuildIsolationTest, 'test_build__%s' % '__'.join(_cell),
            _make_build_test(_cell))


# -- consumers ----------------------------------------------------------------

CONSUMER_CALLERS = ('owner', 'member', 'stranger')
CONSUMER_ACTIONS = {
    'stacks': ('GET', '/{t}/versions/1.0.0/stacks'),
    'delete_version': ('DELETE', '/{t}/versions/1.0.0'),
    'delete_template': ('DELETE', '/{t}'),
}


def _expect(answer, status):
    if answer.status != status:
        problem = 'answered %s, not %s: %s' % (
            answer.status, status, answer.text)
        raise RuntimeError(problem)


class Consumers(object):
    """A shared template with stacks built from it in two projects.

    ``owner`` owns the template and one stack built from it; ``member``,
    which the template is shared with, has two: one direct, and one whose
    consumer is a nested stack (a provider template). ``stranger`` sees
    nothing.
    """

    def __init__(self):
        self.owner, self.member = new_project(), new_project()
        self.stranger = new_project()
        self.name = 'con%s' % uuid.uuid4().hex
        self.marker = 'res%s' % uuid.uuid4().hex
        created = self.owner_call('POST', '', {
            'name': self.name, 'visibility': 'private',
            'version': {'version': '1.0.0',
                        'template': template(self.marker)}}, 201)
        self.id = created['stored_template']['id']
        self.owner_call('PATCH', '/' + self.id, {'visibility': 'shared'}, 200)
        self.owner_call('POST', '/%s/members' % self.id,
                        {'project_id': self.member}, 201)
        _expect(call('PUT', store_path(self.member, '/%s/members/%s' % (
            self.id, self.member)), self.member, 'member',
            {'status': 'accepted'}), 200)
        self.stack_names = {p: [] for p in (self.owner, self.member)}
        resources = {'pinned': {
            'type': 'OS::Heat::StoredTemplate',
            'properties': {'template': self.id, 'version': '^1'}}}
        direct = {'heat_template_version': HOT, 'resources': resources}
        nested = {'heat_template_version': HOT,
                  'resources': {'inner': {'type': 'inner.yaml'}}}
        pending = [
            self.create_stack(self.owner, 'so', {'template': direct}),
            self.create_stack(self.member, 'sxa', {'template': direct}),
            self.create_stack(self.member, 'sxb', {
                'template': nested,
                'files': {'inner.yaml': json.dumps(direct)}}),
        ]
        for project, name, stack_id in pending:
            self.wait(project, name, stack_id)
        # Every stack id and name of each project, nested ones included.
        self.stacks = {}
        for project in (self.owner, self.member):
            listed = json.loads(call('GET', '/v1/%s/stacks' % project,
                                     project, 'member',
                                     query={'show_nested': 'true'}).text)
            self.stacks[project] = {
                (s['id'], s['stack_name']) for s in listed['stacks']}

    def owner_call(self, method, suffix, body, expect):
        answer = call(method, store_path(self.owner, suffix), self.owner,
                      'member', body)
        _expect(answer, expect)
        return json.loads(answer.text) if answer.text else None

    def create_stack(self, project, base, body):
        name = '%s%s' % (base, uuid.uuid4().hex)
        self.stack_names[project].append(name)
        answer = call('POST', '/v1/%s/stacks' % project, project, 'member',
                      dict(body, stack_name=name))
        _expect(answer, 201)
        return project, name, json.loads(answer.text)['stack']['id']

    @staticmethod
    def wait(project, name, stack_id, timeout=60):
        deadline = time.monotonic() + timeout
        for pause in base.poll_pauses():
            answer = call('GET', '/v1/%s/stacks/%s/%s' % (
                project, name, stack_id), project, 'member',
                query={'resolve_outputs': 'false'})
            stack = json.loads(answer.text)['stack']
            if not stack['stack_status'].endswith('IN_PROGRESS'):
                if stack['stack_status'] != 'CREATE_COMPLETE':
                    problem = 'stack %s: %s' % (name, answer.text)
                    raise RuntimeError(problem)
                return
            if time.monotonic() > deadline:
                break
            time.sleep(pause)
        problem = 'stack %s still in progress' % name
        raise RuntimeError(problem)

    def project_of(self, caller):
        return getattr(self, caller)

    def stack_secrets(self, project):
        """A project's stacks: names (and their prefixes) and ids."""
        found = set(self.stack_names.get(project, ()))
        for stack_id, name in self.stacks.get(project, ()):
            found.update((stack_id, name))
        return found

    def secrets_for(self, caller):
        """What a caller must not read: other projects' consumers.

        A stranger must not read of the template either.
        """
        if caller == 'owner':
            # The consumers' project is never named to the owner.
            return self.stack_secrets(self.member) | {
                self.member, user_of(self.member)}
        if caller == 'member':
            return self.stack_secrets(self.owner)
        return (self.stack_secrets(self.owner) |
                self.stack_secrets(self.member) |
                {self.id, self.name, self.marker, self.owner,
                 user_of(self.owner), self.member, user_of(self.member)})


_consumers = {}


def consumers_world():
    if 'world' not in _consumers:
        _consumers['world'] = Consumers()
    return _consumers['world']


ConsumerCell = collections.namedtuple('ConsumerCell', 'action caller role')


def consumer_cells():
    for action, caller, role in itertools.product(
            CONSUMER_ACTIONS, CONSUMER_CALLERS, ROLES):
        yield ConsumerCell(action, caller, role)


class ConsumerIsolationTest(base.TestCase):
    """Consumers of other projects are counted, never named."""

    def request(self, cell, world, ident):
        method, suffix = CONSUMER_ACTIONS[cell.action]
        project = world.project_of(cell.caller)
        return call(method, store_path(project, suffix.format(t=ident)),
                    project, cell.role)

    def check_consumer_cell(self, cell):
        world = consumers_world()
        project = world.project_of(cell.caller)
        before = db_state([world.owner])
        answer = self.request(cell, world, world.id)
        where = '%s by a %s of the %s project: answered %s: %s' % (
            cell.action, cell.role, cell.caller, answer.status,
            answer.text[:2000])
        self.assertEqual(before, db_state([world.owner]), where)
        text = scrub(answer.text, {world.id: 'sent', project: 'sent'})
        for secret in world.secrets_for(cell.caller) - {world.id}:
            self.assertNotIn(secret, text, '%s; leaks %s' % (where, secret))

        writes = cell.action != 'stacks'
        if cell.caller == 'stranger':
            want = 403 if writes and cell.role == 'reader' else 404
        elif writes and cell.role == 'reader':
            want = 403
        elif writes and cell.caller == 'member':
            want = 403   # only the owner changes it
        elif writes:
            want = 409
        else:
            want = 200
        self.assertEqual(want, answer.status, where)
        if answer.status >= 400:
            self.assertTrue(fixtures._is_fault(answer.text.encode()), where)
        if cell.caller == 'stranger':
            ghost_id = str(uuid.uuid4())
            ghost = self.request(cell, world, ghost_id)
            self.assertEqual(
                (ghost.status, scrub(ghost.text, {ghost_id: 'id'})),
                (answer.status, scrub(answer.text, {world.id: 'id'})),
                '%s; not as for a template that does not exist' % where)
        elif want == 200:
            own = {s['stack_name'] for s in json.loads(
                answer.text)['stacks']}
            names = world.stack_names[project]
            # The nested consumer shows as its own (nested) stack.
            self.assertEqual(len(names), len(own), where)
            for name in names:
                self.assertTrue(any(n.startswith(name) for n in own), where)
        elif want == 409:
            message = json.loads(answer.text)['error']['message']
            (own,) = world.stack_names[world.owner]
            self.assertIn('in use by 3 stack(s): %s (2 of them in other '
                          'projects)' % own, message, where)

    def test_consumers_cover_every_caller(self):
        self.assertEqual(
            27, len([n for n in dir(self) if n.startswith('test_consumer__')]))


def _make_consumer_test(cell):
    def test(self):
        self.check_consumer_cell(cell)
    test.__doc__ = '%s by a %s of the %s project' % (cell.action, cell.role,
                                                     cell.caller)
    return test


for _cell in consumer_cells():
    setattr(ConsumerIsolationTest, 'test_consumer__%s' % '__'.join(_cell),
            _make_consumer_test(_cell))
