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

"""Isolation through a stack: what another project reaches by nesting.

The isolation matrix (test_isolation) asks the store's routes and
top-level stack builds; here project B asks for project A's template T
from inside a stack built from one of A's public wrappers, one cell per
visibility of T x B's role x how the wrapper reaches T x what B reads.

How B reaches T:

- ``computed_id``: A's public wrapper builds the stored template its
  parameters name; B passes T's id, and the exact version A's literal
  wrapper locks (B can read both on that wrapper's ``dependencies``);
- ``computed_name``: the same, B passes T's name (B has none of that name);
- ``group``: A's public wrapper with a ResourceGroup whose member type and
  ``template`` are parameters; B makes the members OS::Heat::StoredTemplate
  of T's id at that same version;
- ``literal``: A's public wrapper whose bundle names T literally
  (``template: <T name>``, ``version: '^1'``): a recorded dependency;
  one wrapper, a major version of it for each T, B asks for T's.

The rule table (doc/source/user/resource.rst, "Stored templates inside
stored templates"; doc/source/user/api.rst, "Policies"): whether B may
create a stack at all is Heat's ``stacks:create`` policy for B's role
(the embedded Heat runs with ``enforce_new_defaults = False``, see
doc/source/admin/deploy.rst, under which Heat's deprecated rule lets a
reader create stacks: its cells then answer as a member's); a reference
computed by a function resolves in B's catalog only, so it reaches T
only when B may see T (public, or shared with B; admins included, as an
admin acts in its own project), and a name never reaches another
project's template; a literal reference builds exactly the version it
was locked to at publish, whoever builds it (A was warned at publish),
even after A published a newer one.

What B reads:

- ``stack``: the create's status and the stack's; an allowed cell's
  output is exactly T's locked marker and T's pin is the only row the
  build wrote of T; a refused one fails exactly as the same request
  naming a template that does not exist (status, reason and every
  resource, with what B sent made neutral), writes nothing of T, and
  nothing of T (markers, id, name, versions, digests, A's project and
  user) appears anywhere B can read: stacks listed with their nested
  ones, each one's show, template, environment, files, and its resources
  and events at every depth;
- ``nested_template``: B follows the resources down to the stack built
  from T and reads its template (``GET /stacks/<nested>/template``): an
  allowed cell gets exactly T's locked template, a refused one finds no
  such stack, at the same step as for a template that does not exist.

Each build is made once per process (a fresh project B for each
visibility, role and path), and both cells of it read that build. The
builds of one visibility (its 12 trials, with the ghosts of the refused
ones) are made together when a cell of that visibility first needs one,
as Heat's scheduler mostly sleeps while nested stacks build (it polls
them each second): B and its share are made for every trial first, then
every create is sent, then each is waited for. Running together, the
builds are told apart by project: a pin belongs to the trial whose B
owns the pin's stack (every stack B's create builds, nested ones
included, is in B's project). Each cell checks its batch: every row of
T from before is still there unchanged, and every new row of T is a pin
of one of the batch's trials; and its trial: an allowed build's pins of
T are all on the locked version, a refused one has none.
``.stestr.conf`` keeps the module in one worker, so that each batch is
built once per run.

Mutation-checked: resolving computed references by id in every
project's catalog, and honouring a lock whatever version the asking
stack was built from (any recorded dependency, whoever asks), each fail
48 cells (computed_id and group, on the four visibilities B may not
see); not rewriting literal references fails the 36 literal cells.
"""

import collections
import itertools
import json
from urllib import parse
import uuid


from tests import base
from tests.functional import fixtures
from tests.functional import test_isolation as iso
from tests.functional import test_trust_boundary as tb

HOT = iso.HOT
VISIBILITIES = iso.VISIBILITIES
ROLES = tuple(iso.ROLES)
PATHS = ('computed_id', 'computed_name', 'group', 'literal')
LOOKS = ('stack', 'nested_template')

# The version literal wrappers lock, and computed references ask for; A
# publishes a newer one after locking.
LOCKED, NEWER = '1.0.0', '1.1.0'

# What a cell answers.
BUILT, MISSING, FORBIDDEN = 'built', 'missing', 'forbidden'

Cell = collections.namedtuple('Cell', 'visibility role path look')

# B's computed references name T's id at the exact version a public
# version of A records as a dependency: a lock-shaped reference, which the
# in-memory validation of a stack not yet stored cannot judge and leaves to
# the build (held to consumers.locked_version). A template id that does not
# exist at that version must then fail exactly the same way.


def heat_lets_create(role, project):
    """Heat's own ``stacks:create`` policy for a caller of this role."""
    from heat.common import context as heat_context
    from heat.common import exception
    from heat.common import policy

    fixtures.embedded_heat()   # Heat's configuration, loaded
    context = heat_context.RequestContext(
        project_id=project, user_id=iso.user_of(project),
        roles=iso.ROLES[role].split(','))
    try:
        policy.get_enforcer().enforce(context, 'create', scope='stacks',
                                      target={'project_id': project},
                                      is_registered_policy=True)
    except exception.Forbidden:
        return False
    return True


def expected(cell, project):
    """The rule table: how a cell ends (see the module's docstring)."""
    if not heat_lets_create(cell.role, project):
        return FORBIDDEN
    if cell.path == 'literal':
        return BUILT
    if cell.path == 'computed_name':
        return MISSING
    if cell.visibility in ('public', 'shared_member'):
        return BUILT   # a pending or rejected member sees nothing
    return MISSING


def cells():
    for values in itertools.product(VISIBILITIES, ROLES, PATHS, LOOKS):
        yield Cell(*values)


# -- A's templates ---------------------------------------------------------

def marked_template(marker):
    """T: a small template whose only output is ``marker``."""
    return tb.secret_template(marker)


def group_wrapper():
    """A ResourceGroup whose member type and properties are parameters."""
    return {'heat_template_version': HOT,
            'parameters': {
                'member_type': {'type': 'string',
                                'default': 'OS::Heat::None'},
                'inner': {'type': 'string', 'default': 'nothing-here'},
                'constraint': {'type': 'string', 'default': '*'}},
            'resources': {'group': {
                'type': 'OS::Heat::ResourceGroup',
                'properties': {'count': 1, 'resource_def': {
                    'type': {'get_param': 'member_type'},
                    'properties': {
                        'template': {'get_param': 'inner'},
                        'version': {'get_param': 'constraint'}}}}}},
            'outputs': {'marker': {'value': {
                'get_attr': ['group', 'marker']}}}}


def literal_wrapper(name):
    """Names ``name`` literally: a dependency recorded at publish."""
    return {'heat_template_version': HOT,
            'resources': {'built': {
                'type': 'OS::Heat::StoredTemplate',
                'properties': {'template': name, 'version': '^1'}}},
            'outputs': {'marker': {'value': {
                'get_attr': ['built', 'marker']}}}}


class Target(object):
    """A's template T of one visibility: LOCKED, then NEWER."""

    def __init__(self, a, third, visibility):
        self.a, self.visibility = a, visibility
        self.name = 'nested%s' % uuid.uuid4().hex
        self.markers = {v: 'tmark-%s' % uuid.uuid4().hex
                        for v in (LOCKED, NEWER)}
        self.templates = {v: marked_template(m)
                          for v, m in self.markers.items()}
        public = visibility == 'public'
        created = a.create_template(
            self.name, self.templates[LOCKED],
            visibility='public' if public else 'private', version=LOCKED)
        self.id = created['id']
        self.shared_with = set()
        if visibility.startswith('shared'):
            a.expect(200, 'PATCH', '/stored_templates/%s' % self.id,
                     {'visibility': 'shared'})
        if visibility == 'shared_other':
            self.share_with(third)
        self.versions = {}

    def share_with(self, project, status='accepted'):
        """Offer T to a project, which answers with ``status``."""
        self.a.expect(201, 'POST', '/stored_templates/%s/members' % self.id,
                      {'project_id': project.id})
        if status != 'pending':
            project.answer(self.id, status)
        self.shared_with.add(project.id)

    def publish_newer(self):
        self.a.publish(self.id, NEWER, self.templates[NEWER])
        for v in (LOCKED, NEWER):
            self.versions[v] = self.a.expect(
                200, 'GET', '/stored_templates/%s/versions/%s' % (
                    self.id, v))['stored_template_version']

    def secrets(self):
        """What B must not read of T when it may not reach it."""
        found = {self.id, self.name, self.a.id, iso.user_of(self.a.id)}
        found.update(self.markers.values())
        found.update(self.shared_with)
        for version in self.versions.values():
            found.update((version['id'], version['digest']))
        return found

    def rows(self):
        """The store's rows of T: template, members, versions, pins."""
        mine = {self.id} | {v['id'] for v in self.versions.values()}
        return [row for row in iso.db_state([self.a.id])
                if mine & set(row)]


class NestedWorld(object):
    """A's targets and public wrappers, built once per test process."""

    def __init__(self):
        self.a, self.third = tb.Project('A'), tb.Project('C')
        # A pending or rejected B is offered the template an accepted B
        # is (each trial's B is a project of its own).
        built = {v: Target(self.a, self.third, v) for v in VISIBILITIES
                 if v not in ('shared_pending', 'shared_rejected')}
        self.targets = {v: built.get(v, built['shared_member'])
                        for v in VISIBILITIES}
        suffix = uuid.uuid4().hex[:8]
        # What the computed wrapper builds unless told otherwise.
        harmless = self.a.create_template(
            'nharmless%s' % suffix, marked_template('harmless'),
            visibility='public')
        self.computed = self.a.create_template(
            'ncomputed%s' % suffix, tb.computed_wrapper(harmless['id']),
            visibility='public')
        self.group = self.a.create_template(
            'ngroup%s' % suffix, group_wrapper(), visibility='public')
        # One literal wrapper, a major version per visibility of T (the
        # store's quota allows A eight templates).
        self.literal_versions = {
            v: '%d.0.0' % (i + 1) for i, v in enumerate(VISIBILITIES)}
        first = VISIBILITIES[0]
        self.literal = self.a.create_template(
            'nliteral%s' % suffix, literal_wrapper(self.targets[first].name),
            visibility='public', version=self.literal_versions[first])
        for v in VISIBILITIES[1:]:
            self.a.publish(self.literal['id'], self.literal_versions[v],
                           literal_wrapper(self.targets[v].name))
        # Locked before T moved on: a lock must keep building LOCKED.
        for target in built.values():
            target.publish_newer()


_world = {}


def world():
    if 'w' not in _world:
        _world['w'] = NestedWorld()
    return _world['w']


# -- one build: B's request, and everything B sees of it -------------------

class Caller(tb.Project):
    """Project B, calling with one role."""

    def __init__(self, role):
        super().__init__('B as %s' % role)
        self.role = role

    def call(self, method, path, body=None, query=None, role=None):
        return super().call(method, path, body, query, role or self.role)


def request(world, visibility, path, ref):
    """``(top resource, stack parameters)``: B's stack reaching ``ref``.

    ``ref`` is what B names: T's id or name for computed paths, the
    literal wrapper's id for the literal path.
    """
    if path == 'literal':
        return tb.stored(ref, world.literal_versions[visibility]), {}
    if path == 'group':
        wrapper, extra = world.group, {
            'member_type': 'OS::Heat::StoredTemplate'}
    else:
        wrapper, extra = world.computed, {}
    params = dict(extra, inner={'get_param': 'inner'}, constraint=LOCKED)
    return tb.stored(wrapper['id'], '^1', params), {'inner': ref}


def reference(world, cell):
    target = world.targets[cell.visibility]
    if cell.path == 'literal':
        return world.literal['id']
    return target.name if cell.path == 'computed_name' else target.id


def ghost_reference(cell):
    """What B sends instead, for a template that does not exist."""
    if cell.path == 'computed_name':
        return 'nested%s' % uuid.uuid4().hex
    return str(uuid.uuid4())


# The resources from B's stack down to the stack built from T.
HOPS = {'computed_id': ('top', 'built'), 'computed_name': ('top', 'built'),
        'group': ('top', 'group', '0'), 'literal': ('top', 'built')}


class Build(object):
    """B's stack reaching ``ref`` through ``path``, and what B sees of it.

    Made in two steps so that many build at once: the create is sent
    here, and ``finish`` waits for the stack.
    """

    def __init__(self, world, cell, b, ref):
        self.b, self.ref, self.path = b, ref, cell.path
        top, params = request(world, cell.visibility, cell.path, ref)
        self.status, self.answer = b.start_create_stack(top, params)
        self.stack, self.hops = None, None

    def finish(self):
        if self.status == 201:
            self.answer = self.b.wait(self.answer['stack_name'],
                                      self.answer['id'])
            self.stack = self.answer
        self.hops = self.follow(HOPS[self.path])

    def follow(self, names):
        """``[(resource, status, nested stack path)]`` down to T's stack."""
        hops = []
        if self.stack is None:
            return hops
        base = '/stacks/%s/%s' % (self.stack['stack_name'],
                                  self.stack['id'])
        for name in names:
            status, shown = self.b.call('GET', '%s/resources/%s' % (
                base, name))
            if status != 200:
                hops.append((name, status, None))
                return hops
            resource = shown['resource']
            nested = ['/' + parse.urlparse(link['href']).path.split('/', 3)[3]
                      for link in resource['links']
                      if link['rel'] == 'nested']
            base = nested[0] if nested else None
            hops.append((name, resource['resource_status'], base))
            if base is None:
                break
        return hops

    def nested_template(self):
        """``(status, template)`` of the stack built from T, if any."""
        if not self.hops or self.hops[-1][2] is None:
            return None
        return self.b.call('GET', self.hops[-1][2] + '/template')

    def seen(self, names):
        """How it ended, as comparable data, with ``names`` made neutral.

        The create's status and fault, or the stack's status and reason,
        and each resource at every depth: name, type, status and reason.
        """
        def neutral(value):
            return iso.scrub(json.dumps(value, sort_keys=True), names)

        if self.stack is None:
            return self.status, neutral(self.answer)
        base = '/stacks/%s/%s' % (self.stack['stack_name'],
                                  self.stack['id'])
        _status, listed = self.b.call('GET', base + '/resources',
                                      query={'nested_depth': 5})
        resources = sorted(
            (r['resource_name'], r['resource_type'], r['resource_status'],
             neutral(r['resource_status_reason']))
            for r in listed['resources'])
        hops = [(name, status) for name, status, _path in self.hops]
        return (self.status, self.stack['stack_status'],
                neutral(self.stack['stack_status_reason']), resources, hops)


class Trial(object):
    """One visibility, role and path: project B, its build and its ghost.

    ``cell`` is the trial's cell of any look. A refused trial (one whose
    ``expected`` is not BUILT) also builds its ghost: the same request
    naming a template that does not exist.
    """

    def __init__(self, world, cell):
        self.cell, self.world = cell, world
        self.target = world.targets[cell.visibility]
        self.b = Caller(cell.role)
        if cell.visibility in iso.OTHER_STATUS:
            self.target.share_with(self.b, iso.OTHER_STATUS[cell.visibility])
        self.ref = reference(world, cell)
        self.want = expected(cell, self.b.id)
        self.build = self.ghost = None

    def start(self):
        self.build = Build(self.world, self.cell, self.b, self.ref)
        if self.want != BUILT:
            self.ghost = Build(self.world, self.cell, self.b,
                               ghost_reference(self.cell))

    def finish(self):
        for build in (self.build, self.ghost):
            if build is not None:
                build.finish()


def pins_of(target):
    """``{pin: project of its parent stack}`` for T's versions.

    A pin is the store's consumer row, as ``iso.db_state`` gives it; the
    project is the ``tenant`` of the stack holding the pinned resource in
    Heat's own table (None if there is no such stack). Every stack B's
    create builds, nested ones included, is in B's project.
    """
    import sqlalchemy as sa

    from heat.common import context as heat_context
    from heat.db import api as heat_db_api
    from heat.db import models as heat_models

    from heat_store.db import models

    C, Stack = models.StoredTemplateConsumer, heat_models.Stack
    versions = [v['id'] for v in target.versions.values()]
    ctx = heat_context.get_admin_context()
    with heat_db_api.context_manager.reader.using(ctx) as session:
        rows = session.execute(sa.select(
            C.id, C.version_id, C.parent_stack_id, C.state,
            Stack.tenant).outerjoin(
            Stack, Stack.id == C.parent_stack_id).where(
            C.version_id.in_(versions))).all()
    return {tuple(row[:4]): row[4] for row in rows}


class Batch(object):
    """Every trial of one visibility, built at once.

    Each trial's B and share are made one after the other; then every
    create (and ghost) is sent before any is waited for, as Heat's
    scheduler mostly sleeps while it builds nested stacks. The rows of T
    around the whole batch, and who owns each pin, say what each build
    wrote: see ``NestedIsolationTest.check_batch``.
    """

    def __init__(self, world, visibility):
        self.visibility = visibility
        self.target = world.targets[visibility]
        self.trials = {
            (role, path): Trial(world, Cell(visibility, role, path, None))
            for role in ROLES for path in PATHS}
        self.before = self.target.rows()
        for trial in self.trials.values():
            trial.start()
        for trial in self.trials.values():
            trial.finish()
        self.after = self.target.rows()
        self.pins = pins_of(self.target)

    def trial(self, cell):
        return self.trials[cell.role, cell.path]

    def pins_by(self, project):
        return sorted(pin for pin, owner in self.pins.items()
                      if owner == project)


_batches = {}


def batch_of(visibility):
    """The batch of ``visibility``, built on first need.

    A batch that failed to build fails each of its cells again, rather
    than building once more beside stacks it may have left in progress.
    """
    if visibility not in _batches:
        try:
            _batches[visibility] = Batch(world(), visibility)
        except Exception as error:
            _batches[visibility] = error
            raise
    batch = _batches[visibility]
    if isinstance(batch, Exception):
        raise AssertionError('the batch of %s failed to build: %r' % (
            visibility, batch))
    return batch


def describe(cell):
    return '%s of a %s of B through %s, on a %s template' % (
        cell.look, cell.role, cell.path, cell.visibility)


class NestedIsolationTest(base.TestCase):
    """One test per cell; see the module's docstring."""

    def check_cell(self, cell):
        batch = batch_of(cell.visibility)
        trial = batch.trial(cell)
        target = trial.target
        want = trial.want
        build = trial.build
        where = '%s: created %s: %s' % (describe(cell), build.status,
                                        json.dumps(build.answer)[:2000])
        self.check_batch(batch, where)
        if want == BUILT:
            self.check_built(cell, batch, trial, where)
            return
        if want == FORBIDDEN:
            self.assertEqual(403, build.status, where)
        self.assertEqual([], batch.pins_by(trial.b.id),
                         '%s; the refused build pinned T' % where)
        seen = iso.scrub(build.b.everything_seen(), {trial.ref: 'sent'})
        # NOTE: B's own project (a member of T, pending or rejected) is no
        # secret to B; B's stacks include the ghost's, which sends a
        # made-up reference and so must hold no secret either.
        for secret in target.secrets() - {trial.ref, build.b.id}:
            self.assertNotIn(secret, seen, '%s; leaks %s' % (where, secret))
        ghost = trial.ghost
        if cell.look == 'stack':
            sent = {trial.ref: 'ref', ghost.ref: 'ref'}
            observed, wanted = build.seen(sent), ghost.seen(sent)
        else:
            self.assertIsNone(build.nested_template(),
                              '%s; followed %s' % (where, build.hops))
            observed, wanted = ([(n, s) for n, s, _p in b.hops]
                                for b in (build, ghost))
        self.assertEqual(wanted, observed,
                         '%s; not as for a template that does not exist'
                         % where)

    def check_batch(self, batch, where):
        """Of T, the batch wrote only pins, each of one of its trials.

        The builds of a batch run at once, so what each wrote is told
        apart by the project that owns the pin's stack; each cell then
        checks its own trial's pins (none for a refused build), so that
        a pin where none belongs fails the cells of that trial.
        """
        self.assertEqual(batch.before, [row for row in batch.after
                                        if row in batch.before],
                         '%s; the batch changed rows of T' % where)
        ours = {trial.b.id for trial in batch.trials.values()}
        stray = [(row, batch.pins.get(row)) for row in batch.after
                 if row not in batch.before and batch.pins.get(row) not in
                 ours]
        self.assertEqual([], stray, '%s; the batch wrote of T other than '
                         'pins of its trials' % where)

    def check_built(self, cell, batch, trial, where):
        build, target = trial.build, trial.target
        self.assertEqual(201, build.status, where)
        self.assertEqual('CREATE_COMPLETE', build.stack['stack_status'],
                         where)
        if cell.look == 'nested_template':
            self.assertEqual((200, target.templates[LOCKED]),
                             build.nested_template(),
                             '%s; followed %s' % (where, build.hops))
            return
        marker = target.markers[LOCKED]
        self.assertEqual([marker] if cell.path == 'group' else marker,
                         build.b.outputs(build.stack).get('marker'), where)
        # Of T, the build wrote only B's pin on the locked version.
        mine = batch.pins_by(trial.b.id)
        self.assertEqual([], [pin for pin in mine if pin in batch.before],
                         where)
        self.assertEqual([target.versions[LOCKED]['id']],
                         sorted({pin[1] for pin in mine}), where)

    def test_cells_cover_every_visibility_role_path_and_look(self):
        self.assertEqual(
            len(VISIBILITIES) * len(ROLES) * len(PATHS) * len(LOOKS),
            len([n for n in dir(self) if n.startswith('test_nested__')]))


iso.add_cell_tests(NestedIsolationTest, 'test_nested__', cells(), describe)
