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

"""The store behind a real Keystone, with real tokens.

One ``heat-store-dev --keystone`` per test process (see
``tests/functional/keystone.py``): Heat behind keystonemiddleware's
auth_token, deferred operations by trusts, Keystone's own roles and
implied roles. What test_isolation and test_trust_boundary check with
identities from headers is checked here again, in its key cells, with
tokens Keystone issued; then a member's stack with a stored template and
an ``OS::Heat::Stack``, a reader's refused create, software deployments,
the ``openstack --os-cloud`` command line, and a second start on the same
data directory.
"""

import itertools
import json
import os
import stat
import subprocess
import sys
import time
from unittest import mock
import uuid

import sqlalchemy as sa
from testtools import content

from tests import base
from tests.functional import fixtures
from tests.functional import keystone as ks_fixture
from tests.functional import test_isolation as iso
from tests.functional import test_trust_boundary as tb

HOT = iso.HOT


def cloud():
    return ks_fixture.keystone_stack()


def call(method, path, project, role, body=None, query=None):
    """iso.call's twin: the same request with a real token."""
    status, headers, text = cloud().call(method, path, project, role, body,
                                         query)
    return iso.Answer(status, headers, text)


# -- the isolation matrix's key cells -----------------------------------------

class KeystoneWorld(iso.World):
    """iso.World with real Keystone projects, set up with real tokens."""

    def __init__(self, visibility):
        with mock.patch.object(iso, 'new_project', cloud().new_project):
            super().__init__(visibility)

    def owner_call(self, method, suffix, role='member', body=None,
                   expect=200):
        answer = call(method, iso.store_path(self.owner, suffix), self.owner,
                      role, body)
        if answer.status != expect:
            raise RuntimeError('setting up %s: %s %s answered %s: %s' % (
                self.visibility, method, suffix, answer.status, answer.text))
        return json.loads(answer.text) if answer.text else None

    def answer(self, member, status):
        answer = call('PUT', iso.store_path(member, '/%s/members/%s' % (
            self.id, member)), member, 'member', {'status': status})
        if answer.status != 200:
            raise RuntimeError('setting up %s: %s answering %s: %s %s' % (
                self.visibility, member, status, answer.status,
                answer.text))


_worlds = {}


def world_of(visibility):
    if visibility not in _worlds:
        _worlds[visibility] = KeystoneWorld(visibility)
    return _worlds[visibility]


KEY_ROUTES = ('list_by_name', 'show', 'version_template', 'update')
KEY_VISIBILITIES = ('private', 'shared_member', 'public')


def key_cells():
    for route, visibility, side, role in itertools.product(
            KEY_ROUTES, KEY_VISIBILITIES, iso.SIDES, iso.ROLES):
        ref = 'id' if iso.addressed(iso.ROUTES_BY_NAME[route]) else 'any'
        yield iso.Cell(route, visibility, side, role, ref, 'own')
    # Heat's own check: a path naming another project.
    for role in iso.ROLES:
        yield iso.Cell('show', 'private', 'owner', role, 'id', 'foreign')


class KeystoneIsolationTest(base.TestCase):
    """Visibility x role x project, with tokens from Keystone."""

    def check_key_cell(self, cell):
        world = world_of(cell.visibility)
        want = iso.expected_status(cell, world)
        fresh = 'fresh%s' % uuid.uuid4().hex
        method, path, caller, query, body, sent = iso.build_request(
            cell, world, world.id, world.name, world.tag, fresh)
        answer = call(method, path, caller, cell.role, body, query)
        where = '%s: %s %s answered %s: %s' % (
            iso.describe(cell), method, path, answer.status,
            answer.text[:2000])
        self.assertEqual(want, answer.status, where)
        if answer.status >= 400:
            self.assertTrue(fixtures._is_fault(answer.text.encode()), where)
        if cell.route == 'update':
            description = world.owner_call('GET', '/%s' % world.id)[
                'stored_template']['description']
            if answer.status == 200:
                self.assertEqual('hijacked', description, where)
                world.owner_call('PATCH', '/%s' % world.id,
                                 body={'description': world.description})
            else:
                self.assertEqual(world.description, description, where)
        if not iso.sees(cell, world):
            hidden = {s: 'sent' for s in sent}
            text = iso.scrub(answer.text, hidden)
            for secret in world.secrets() - set(sent):
                self.assertNotIn(secret, text,
                                 '%s; leaks %s' % (where, secret))
            ghost_id, ghost_name = str(uuid.uuid4()), 'iso%s' % uuid.uuid4(
            ).hex
            ghost_tag = 'tag%s' % uuid.uuid4().hex
            method, path, caller, query, body, _sent = iso.build_request(
                cell, world, ghost_id, ghost_name, ghost_tag, fresh)
            ghost = call(method, path, caller, cell.role, body, query)
            same = {world.id: 'id', ghost_id: 'id', world.name: 'name',
                    ghost_name: 'name'}
            self.assertEqual(
                (ghost.status, iso.scrub(ghost.text, same)),
                (answer.status, iso.scrub(answer.text, same)),
                '%s; not as for a template that does not exist' % where)
        elif answer.status == 200 and cell.route == 'show':
            self.assertEqual(world.id, json.loads(answer.text)[
                'stored_template']['id'], where)
        elif answer.status == 200 and cell.route == 'list_by_name':
            self.assertEqual([world.id], [t['id'] for t in json.loads(
                answer.text)['stored_templates']], where)
        elif answer.status == 200 and cell.route == 'version_template':
            self.assertIn(world.marker, json.loads(answer.text)['resources'],
                          where)


iso.add_cell_tests(KeystoneIsolationTest, 'test_cell__', key_cells(),
                   iso.describe, check='check_key_cell')


# -- the trust boundary -------------------------------------------------------

class KeystoneProject(tb.Project):
    """tb.Project as a real Keystone project, called with real tokens.

    A new project, where the test users hold their roles; or, with
    ``user``, an existing project (by name) that user alone calls.
    """

    def __init__(self, label, user=None):
        self.label = label
        self.user = user
        if user is None:
            self.id = cloud().new_project(label)
        else:
            self.id = cloud().project_id(label)

    def call(self, method, path, body=None, query=None, role='member'):
        token = None
        if self.user is not None:
            token = cloud().token(self.user, self.id)
        status, _headers, text = cloud().call(
            method, '/v1/%s%s' % (self.id, path), self.id, role, body, query,
            token=token)
        return status, (json.loads(text) if text else None)


_tb_world = {}


def trust_world():
    if 'w' not in _tb_world:
        with mock.patch.object(tb, 'Project', KeystoneProject):
            _tb_world['w'] = tb._World()
    return _tb_world['w']


class KeystoneTrustBoundaryTest(tb.TrustBoundaryTest):
    """Every attack of test_trust_boundary, with B holding real tokens."""

    def setUp(self):
        # NOTE: not tb.TrustBoundaryTest.setUp, whose world is made of
        # header identities on the in-process Heat.
        base.TestCase.setUp(self)
        self.world = trust_world()

    def assert_no_pin_of_b_on(self, template_id):
        from heat_store.db import models

        C = models.StoredTemplateConsumer.__table__
        V = models.StoredTemplateVersion.__table__
        with cloud().heat_db().connect() as conn:
            rows = conn.execute(sa.select(C.c.id).join(
                V, V.c.id == C.c.version_id).where(
                V.c.template_id == template_id,
                C.c.project_id == self.world.b.id)).all()
        self.assertEqual([], rows)


class KeystoneMemberTest(base.TestCase):
    """Sharing by consent behind Keystone: members are real projects."""

    def test_a_member_is_an_existing_project_other_than_the_owner(self):
        owner, other = KeystoneProject('owner'), KeystoneProject('other')
        offer = owner.create_template(
            'kshared%s' % uuid.uuid4().hex[:6], tb.secret_template('k'),
            visibility='shared')
        members = '/stored_templates/%s/members' % offer['id']
        for project_id, why in ((uuid.uuid4().hex, 'does not exist'),
                                ('no-such-project', 'does not exist'),
                                ('..', 'does not exist'),
                                (owner.id, 'its own')):
            status, payload = owner.call('POST', members,
                                         {'project_id': project_id})
            self.assertEqual(400, status, payload)
            self.assertIn(why, payload['error']['message'])
        self.assertEqual([], owner.expect(200, 'GET', members)['members'])
        added = owner.expect(201, 'POST', members,
                             {'project_id': other.id})['member']
        self.assertEqual('pending', added['status'])
        other.expect(404, 'GET', '/stored_templates/%s' % offer['id'])
        self.assertEqual('accepted', other.answer(offer['id'])['status'])
        other.expect(200, 'GET', '/stored_templates/%s' % offer['id'])


# -- stacks, deployments and clients -----------------------------------------

CHILD = {'heat_template_version': HOT,
         'resources': {'pw': {'type': 'OS::Heat::RandomString',
                              'properties': {'length': 6}}},
         'outputs': {'marker': {'value': 'child-ok'}}}

NESTED = '''heat_template_version: 2021-04-16
resources:
  r: {type: OS::Heat::None}
outputs:
  o: {value: nested-ok}
'''


def both_kinds_of_nesting(stored_name):
    return {'heat_template_version': HOT,
            'resources': {
                'stored': {'type': 'OS::Heat::StoredTemplate',
                           'properties': {'template': stored_name,
                                          'version': '^1'}},
                'nested': {'type': 'OS::Heat::Stack',
                           'properties': {'template': NESTED}}},
            'outputs': {
                'stored': {'value': {'get_attr': ['stored', 'marker']}},
                'nested': {'value': {
                    'get_attr': ['nested', 'outputs', 'o']}}}}


class KeystoneStackTest(base.TestCase):
    """Real tokens through to the engine: trusts, roles, nested stacks."""

    def setUp(self):
        super().setUp()
        self.project = KeystoneProject('stacks')

    def user_creds(self, stack_id):
        with cloud().heat_db().connect() as conn:
            return conn.execute(sa.text(
                'SELECT c.trust_id, c.trustor_user_id, c.password, '
                'c.username FROM stack s JOIN user_creds c '
                'ON c.id = s.user_creds_id WHERE s.id = :id'),
                {'id': stack_id}).one()

    def test_member_builds_stored_template_and_nested_stack(self):
        # The demo member of the demo project, as heat-store-demo is.
        p = KeystoneProject('demo', user='demo')
        p.created_name = 'kschild%s' % uuid.uuid4().hex[:6]
        p.create_template(p.created_name, CHILD)
        name = 'ks%s' % uuid.uuid4().hex[:8]
        created = p.expect(201, 'POST', '/stacks', {
            'stack_name': name,
            'template': both_kinds_of_nesting(p.created_name)})
        stack = p.wait(name, created['stack']['id'])
        self.assertEqual('CREATE_COMPLETE', stack['stack_status'],
                         stack['stack_status_reason'])
        outputs = {o['output_key']: o['output_value']
                   for o in stack['outputs']}
        self.assertEqual({'stored': 'child-ok', 'nested': 'nested-ok'},
                         outputs)
        # Deferred auth is a trust from the member to Heat's service
        # user: no password is stored.
        trust_id, trustor, password, username = self.user_creds(
            stack['id'])
        self.assertTrue(trust_id)
        self.assertEqual(cloud().user_id_of('demo'), trustor)
        self.assertEqual((None, None), (password, username))
        # The stored template's stack is a nested stack; OS::Heat::Stack
        # made a top-level stack through Heat's API with the member's
        # trust. Both are the project's own, each with a project of its
        # own in the stack user domain.
        listed = [s for s in p.expect(200, 'GET', '/stacks', query={
            'show_nested': 'true'})['stacks']
            if s['stack_name'].startswith(name)]
        self.assertEqual(3, len(listed), listed)
        by_name = {s['stack_name'].rsplit('-', 1)[0]: s for s in listed}
        self.assertEqual(stack['id'], by_name[name + '-stored']['parent'],
                         listed)
        self.assertIsNone(by_name[name + '-nested']['parent'], listed)
        for shown in listed:
            self.assertIn('/v1/%s/' % p.id, shown['links'][0]['href'])
            self.assertEqual('demo', shown['stack_owner'])
            self.assertTrue(shown['stack_user_project_id'], shown)
        # And the member deletes it all again, through the trust.
        p.expect(204, 'DELETE', '/stacks/%s/%s' % (name, stack['id']))
        deadline = time.monotonic() + 60
        for pause in base.poll_pauses():
            status, shown = p.call('GET', '/stacks/%s/%s' % (
                name, stack['id']), query={'resolve_outputs': 'false'})
            if status == 404 or shown['stack']['stack_status'] in (
                    'DELETE_COMPLETE', 'DELETE_FAILED') or \
                    time.monotonic() > deadline:
                break
            time.sleep(pause)
        self.assertTrue(status == 404 or shown['stack']['stack_status'] ==
                        'DELETE_COMPLETE', shown)

    def test_reader_cannot_create(self):
        p = self.project
        name = 'ks%s' % uuid.uuid4().hex[:8]
        status, fault = p.call('POST', '/stacks', {
            'stack_name': name, 'template': tb.secret_template('r')},
            role='reader')
        self.assertEqual(403, status, fault)
        self.assertIn('stacks:create', fault['error']['message'])
        status, fault = p.call('POST', '/stored_templates', {
            'name': 'byreader', 'version': {
                'template': tb.secret_template('r')}}, role='reader')
        self.assertEqual(403, status, fault)
        # The reader lists (reader is what member and admin imply too).
        listed = p.expect(200, 'GET', '/stacks')['stacks']
        self.assertNotIn(name, [s['stack_name'] for s in listed])
        status, listed = p.call('GET', '/stored_templates', role='reader')
        self.assertEqual(200, status, listed)
        self.assertEqual([], [t for t in listed['stored_templates']
                              if t['project_id'] == p.id])

    def test_software_deployment_metadata_for_a_reader(self):
        # noauth hides this one: Heat's metadata rule wants ``reader``,
        # which Keystone grants a member as an implied role.
        p = self.project
        server = str(uuid.uuid4())
        config = p.expect(200, 'POST', '/software_configs', {
            'name': 'cfg', 'group': 'script', 'config': 'echo ok'})[
            'software_config']
        p.expect(200, 'POST', '/software_deployments', {
            'config_id': config['id'], 'server_id': server,
            'action': 'CREATE', 'status': 'IN_PROGRESS'})
        for role in ('member', 'reader'):
            status, metadata = p.call(
                'GET', '/software_deployments/metadata/%s' % server,
                role=role)
            self.assertEqual(200, status, metadata)
            self.assertEqual(['echo ok'], [m['config'] for m in
                                           metadata['metadata']])


class KeystoneCLITest(base.TestCase):
    """``openstack --os-cloud`` with DATA_DIR/clouds.yaml."""

    def openstack(self, *args):
        env = dict(os.environ, OS_CLIENT_CONFIG_FILE=cloud().clouds_path)
        for name in list(env):
            if name.startswith('OS_') and name != 'OS_CLIENT_CONFIG_FILE':
                env.pop(name)
        return subprocess.run(
            [os.path.join(os.path.dirname(sys.executable), 'openstack')] +
            list(args), capture_output=True, text=True, env=env, timeout=120)

    def test_store_commands_with_os_cloud(self):
        ks = cloud()
        for path in (ks.clouds_path, os.path.join(
                ks.data_dir, 'keystone', 'passwords.json')):
            self.assertEqual(0o600, stat.S_IMODE(os.stat(path).st_mode),
                             path)
        template = os.path.join(ks.data_dir, 'cli-child.yaml')
        with open(template, 'w') as f:
            json.dump(CHILD, f)
        name = 'cli%s' % uuid.uuid4().hex[:8]
        created = self.openstack(
            '--os-cloud', 'heat-store-demo', 'orchestration', 'template',
            'store', 'create', '-t', template, name, '-f', 'json')
        self.assertEqual(0, created.returncode, created.stderr)
        listed = self.openstack(
            '--os-cloud', 'heat-store-demo-reader', 'orchestration',
            'template', 'store', 'list', '-f', 'json')
        self.assertEqual(0, listed.returncode, listed.stderr)
        self.assertIn(name, [t['Name'] for t in json.loads(listed.stdout)])
        refused = self.openstack(
            '--os-cloud', 'heat-store-demo-reader', 'orchestration',
            'template', 'store', 'create', '-t', template, name + 'r')
        self.assertNotEqual(0, refused.returncode, refused.stdout)
        self.assertIn('You are not authorized to use '
                      'stored_templates:create', refused.stderr)
        # The admin's cloud is another project: the demo template is not
        # in its catalog.
        admin = self.openstack(
            '--os-cloud', 'heat-store-admin', 'orchestration', 'template',
            'store', 'list', '-f', 'json')
        self.assertEqual(0, admin.returncode, admin.stderr)
        self.assertNotIn(name, [t['Name'] for t in json.loads(admin.stdout)])


class KeystoneRestartTest(base.TestCase):
    """A second start on the same data directory keeps the cloud."""

    def test_second_start_is_quick_and_keeps_everything(self):
        ks = cloud()
        p = KeystoneProject('restart')
        kept = p.create_template('kept', CHILD)
        keystone_dir = os.path.join(ks.data_dir, 'keystone')

        def snapshot():
            found = {}
            for name in ('passwords.json', 'setup.json'):
                with open(os.path.join(keystone_dir, name)) as f:
                    found[name] = f.read()
            for name in ('fernet-keys', 'credential-keys'):
                found[name] = sorted(os.listdir(os.path.join(
                    keystone_dir, name)))
            return found

        before = snapshot()
        ks.stop(purge=False)
        started = time.monotonic()
        ks.start()
        self.addDetail('second start', content.text_content(
            '%.1f s' % (time.monotonic() - started)))
        self.assertEqual(before, snapshot())
        # Tokens issued before the restart still work (same fernet keys),
        # and so does what was stored.
        shown = p.expect(200, 'GET', '/stored_templates/kept')
        self.assertEqual(kept['id'], shown['stored_template']['id'])
        self.assertIn('Keystone:  %s' % ks.auth_url, ks.output())
        self.assertIn(os.path.join(keystone_dir, 'passwords.json'),
                      ks.output())
