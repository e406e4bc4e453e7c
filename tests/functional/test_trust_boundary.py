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

"""Trust boundary: a stack reads with its own project's rights only.

Project A owns a private template ``asecret``; project C shares a template
with A alone; B sees neither. A publishes public templates whose nested
``OS::Heat::StoredTemplate`` references are computed from parameters, so
that B chooses what they name. Every way B tried to reach A's private
content through them (by name, by id, a template shared with A only,
through a ResourceGroup, a stale owner across an update, after A made
the wrapper private again) must now fail exactly as a reference to a
template that does not exist fails, and leave nothing of A's in B's
stacks, outputs, events or errors.

Literal references are recorded at publish and locked: a stack built from
a version builds exactly the version its bundle was locked to, whoever
builds it, and a new version of the wrapper locks anew.

All of it runs on the in-process embedded Heat (real engine, real nested
stacks), with identities from headers (see test_isolation).
"""

import json
import re
import uuid

import sqlalchemy as sa
import yaml

from tests import base
from tests.functional import test_isolation as iso

HOT = iso.HOT
FINAL = ('COMPLETE', 'FAILED')


def secret_template(marker):
    """A small template whose only output is ``marker``."""
    return {'heat_template_version': HOT,
            'resources': {'pw': {'type': 'OS::Heat::RandomString',
                                 'properties': {'length': 4}}},
            'outputs': {'marker': {'value': marker}}}


def computed_wrapper(default):
    """Builds whatever stored template the stack's parameters name."""
    return {'heat_template_version': HOT,
            'parameters': {
                'inner': {'type': 'string', 'default': default},
                'constraint': {'type': 'string', 'default': '*'}},
            'resources': {'built': {
                'type': 'OS::Heat::StoredTemplate',
                'properties': {'template': {'get_param': 'inner'},
                               'version': {'get_param': 'constraint'}}}},
            'outputs': {'marker': {'value': {
                'get_attr': ['built', 'outputs', 'marker']}}}}


def group_wrapper():
    """A ResourceGroup whose member type and properties are parameters."""
    return {'heat_template_version': HOT,
            'parameters': {
                'member_type': {'type': 'string',
                                'default': 'OS::Heat::None'},
                'inner': {'type': 'string', 'default': 'nothing-here'}},
            'resources': {'group': {
                'type': 'OS::Heat::ResourceGroup',
                'properties': {'count': 1, 'resource_def': {
                    'type': {'get_param': 'member_type'},
                    'properties': {'template': {'get_param': 'inner'}}}}}},
            'outputs': {'marker': {'value': {
                'get_attr': ['group', 'outputs']}}}}


def literal_wrapper(name, constraint='^1'):
    """Uses ``name`` four ways: directly, in a group, in a chain, in a
    child file.
    """
    reference = {'type': 'OS::Heat::StoredTemplate',
                 'properties': {'template': name, 'version': constraint}}
    child = {'heat_template_version': HOT,
             'resources': {'deep': reference},
             'outputs': {'marker': {'value': {
                 'get_attr': ['deep', 'marker']}}}}
    template = {'heat_template_version': HOT,
                'resources': {
                    'direct': reference,
                    'group': {'type': 'OS::Heat::ResourceGroup',
                              'properties': {'count': 1,
                                             'resource_def': reference}},
                    'chain': {'type': 'OS::Heat::ResourceChain',
                              'properties': {
                                  'resources': [reference['type']],
                                  'resource_properties': dict(
                                      reference['properties'])}},
                    'child': {'type': 'lib/child.yaml'}},
                'outputs': {
                    'direct': {'value': {'get_attr': ['direct', 'marker']}},
                    'group': {'value': {'get_attr': ['group', 'marker']}},
                    'chain': {'value': {'get_attr': ['chain', 'marker']}},
                    'child': {'value': {'get_attr': ['child', 'marker']}}}}
    return template, {'lib/child.yaml': json.dumps(child)}


class Project(object):
    """One project of the story, calling the embedded Heat as a member."""

    def __init__(self, label):
        self.label = label
        self.id = iso.new_project()

    def call(self, method, path, body=None, query=None, role='member'):
        answer = iso.call(method, '/v1/%s%s' % (self.id, path), self.id,
                          role, body, query)
        payload = json.loads(answer.text) if answer.text else None
        return answer.status, payload

    def expect(self, status, method, path, body=None, query=None):
        got, payload = self.call(method, path, body, query)
        if got != status:
            raise AssertionError('%s %s %s as %s: %s, not %s: %s' % (
                method, path, json.dumps(body)[:300] if body else '',
                self.label, got, status, payload))
        return payload

    def create_template(self, name, template, visibility='private',
                        files=None, version='1.0.0'):
        body = {'name': name, 'visibility': visibility, 'version': {
            'version': version, 'template': template,
            'files': files or {}}}
        # Making a template public is an admin's action.
        role = 'admin' if visibility == 'public' else 'member'
        status, created = self.call('POST', '/stored_templates', body,
                                    role=role)
        if status != 201:
            raise AssertionError('POST /stored_templates %s as %s: %s %s' % (
                name, self.label, status, created))
        return created['stored_template']

    def answer(self, template_id, status='accepted'):
        """This project's answer to a template offered to it."""
        # NOTE: as a member of the project: a reader may not answer.
        path = '/stored_templates/%s/members/%s' % (template_id, self.id)
        got, payload = self.call('PUT', path, {'status': status},
                                 role='member')
        if got != 200:
            raise AssertionError('PUT %s as %s: %s %s' % (
                path, self.label, got, payload))
        return payload['member']

    def publish(self, name, version, template, files=None):
        return self.expect(201, 'POST', '/stored_templates/%s/versions' %
                           name, {'version': version, 'template': template,
                                  'files': files or {}})[
            'stored_template_version']

    # -- stacks ------------------------------------------------------------

    @staticmethod
    def stack_template(template, parameters):
        return {'heat_template_version': HOT,
                'parameters': {name: {'type': 'string'}
                               for name in parameters or {}},
                'resources': {'top': template},
                'outputs': {'all': {'value': {
                    'get_attr': ['top', 'outputs']}}}}

    def start_create_stack(self, template, parameters=None):
        """``(status, stack or fault)``, not waiting for the build.

        Heat answers a create it accepts at once and builds in the
        engine's threads: the stack is ``{'stack_name', 'id'}``, for
        ``wait``.
        """
        name = 'st%s' % uuid.uuid4().hex[:12]
        body = {'stack_name': name, 'parameters': parameters or {},
                'template': self.stack_template(template, parameters)}
        status, created = self.call('POST', '/stacks', body)
        if status != 201:
            return status, created
        return status, {'stack_name': name, 'id': created['stack']['id']}

    def try_create_stack(self, template, parameters=None):
        """``(status, stack or fault)``: a refused create is no stack."""
        status, started = self.start_create_stack(template, parameters)
        if status != 201:
            return status, started
        return status, self.wait(started['stack_name'], started['id'])

    def create_stack(self, template, parameters=None):
        status, stack = self.try_create_stack(template, parameters)
        if status != 201:
            raise AssertionError('POST /stacks as %s: %s %s' % (
                self.label, status, stack))
        return stack

    def try_update_stack(self, stack, template=None, parameters=None,
                         existing=False):
        """``(status, stack or fault)``: a refused update changes nothing."""
        body = {'parameters': parameters or {}}
        if template is not None:
            body['template'] = self.stack_template(template, parameters)
        done_before = self.stack_events_done(stack)
        status, payload = self.call(
            'PATCH' if existing else 'PUT',
            '/stacks/%s/%s' % (stack['stack_name'], stack['id']), body)
        if status != 202:
            return status, payload
        return status, self.wait(stack['stack_name'], stack['id'],
                                 done_before=done_before)

    def update_stack(self, stack, template=None, parameters=None,
                     existing=False):
        body = {'parameters': parameters or {}}
        if template is not None:
            body['template'] = self.stack_template(template, parameters)
        status, answer = self.try_update_stack(stack, template, parameters,
                                               existing)
        if status != 202:
            raise AssertionError('update as %s: %s %s' % (
                self.label, status, answer))
        return answer

    def stack_events_done(self, stack):
        """How many operations on the stack itself have finished."""
        events = self.expect(200, 'GET', '/stacks/%s/%s/events' % (
            stack['stack_name'], stack['id']),
            query={'resource_name': stack['stack_name']})['events']
        return sum(1 for e in events
                   if e['resource_status'].endswith(FINAL))

    def wait(self, name, stack_id, done_before=None, timeout=90):
        """The stack once its create, or the update after it, is over.

        Timestamps have a resolution of a second, so an update is known
        to be over by its stack-level event.
        """
        stack = {'stack_name': name, 'id': stack_id}
        path = '/stacks/%s/%s' % (name, stack_id)

        def look(outputs):
            query = None if outputs else {'resolve_outputs': 'false'}
            return self.expect(200, 'GET', path, query=query)['stack']

        def is_over(shown):
            return shown['stack_status'].endswith(FINAL) and (
                done_before is None or
                self.stack_events_done(stack) > done_before)

        return base.wait_for_stack(look, is_over, name, timeout)

    def outputs(self, stack):
        """The outputs of the stored template the stack's ``top`` built."""
        outputs = {o['output_key']: o.get('output_value')
                   for o in stack.get('outputs') or []}
        return outputs.get('all') or {}

    def everything_seen(self):
        """All this project reads of its stacks, nested ones included.

        Heat lists an admin every project's stacks (Heat's own rule, not
        the store's): only this project's are read.
        """
        _status, listed = self.call('GET', '/stacks',
                                    query={'show_nested': 'true'})
        stacks = [s for s in listed['stacks']
                  if s.get('project', self.id) == self.id]
        texts = [json.dumps(stacks)]
        for stack in stacks:
            base = '/stacks/%s/%s' % (stack['stack_name'], stack['id'])
            for suffix, query in (('', None), ('/template', None),
                                  ('/environment', None), ('/files', None),
                                  ('/resources', {'nested_depth': 5}),
                                  ('/events', {'nested_depth': 5})):
                status, payload = self.call('GET', base + suffix,
                                            query=query)
                texts.append('%s %s' % (status, json.dumps(payload)))
        return '\n'.join(texts)


class _World(object):
    """A, B and C with their templates, built once per test process."""

    def __init__(self):
        self.a, self.b, self.c = (Project('A'), Project('B'),
                                  Project('C'))
        self.marker = 'asecret-%s' % uuid.uuid4().hex
        self.c_marker = 'cshared-%s' % uuid.uuid4().hex
        self.secret = self.a.create_template(
            'asecret', secret_template(self.marker))
        cshared = self.c.create_template(
            'cshared', secret_template(self.c_marker), visibility='shared')
        self.c.expect(201, 'POST', '/stored_templates/%s/members' %
                      cshared['id'], {'project_id': self.a.id})
        self.a.answer(cshared['id'])
        self.cshared = cshared
        self.harmless = self.a.create_template(
            'harmless', secret_template('harmless'), visibility='public')
        self.wrapper = self.a.create_template(
            'wrapper', computed_wrapper(self.harmless['id']),
            visibility='public')
        self.group = self.a.create_template(
            'groupwrap', group_wrapper(), visibility='public')
        # B has a template of the same name as A's private one.
        self.decoy_marker = 'decoy-%s' % uuid.uuid4().hex
        self.decoy = self.b.create_template(
            'asecret', secret_template(self.decoy_marker))

    def secrets(self):
        """What of A's and C's B must never read."""
        return {self.marker, self.c_marker, self.secret['id'],
                self.cshared['id'], self.a.id, self.c.id}


_world = {}


def world():
    if 'w' not in _world:
        _world['w'] = _World()
    return _world['w']


def stored(template, version=None, parameters=None):
    props = {'template': template}
    if version is not None:
        props['version'] = version
    if parameters is not None:
        props['parameters'] = parameters
    return {'type': 'OS::Heat::StoredTemplate', 'properties': props}


class TrustBoundaryTest(base.TestCase):
    """Each attack of the probe, kept as a test."""

    def setUp(self):
        super().setUp()
        self.world = world()

    def assert_nothing_of_a(self, sent=()):
        seen = iso.scrub(self.world.b.everything_seen(),
                         {s: 'sent' for s in sent})
        for secret in self.world.secrets() - set(sent):
            self.assertNotIn(secret, seen)

    def assert_no_pin_of_b_on(self, template_id):
        from heat.common import context as heat_context
        from heat.db import api as heat_db_api

        from heat_store.db import models

        C, V = models.StoredTemplateConsumer, models.StoredTemplateVersion
        ctx = heat_context.get_admin_context()
        with heat_db_api.context_manager.reader.using(ctx) as session:
            rows = session.execute(sa.select(C.id).join(
                V, V.id == C.version_id).where(
                V.template_id == template_id,
                C.project_id == self.world.b.id)).all()
        self.assertEqual([], rows)

    def failure(self, stack):
        """A failed stack's reason, with the names B sent made neutral."""
        self.assertEqual('CREATE_FAILED', stack['stack_status'],
                         stack['stack_status_reason'])
        return stack['stack_status_reason']

    def refusal(self, status, answer, sent):
        """What B is told of a failed build, with what it sent neutral."""
        if status == 201:
            text = self.failure(answer)
        else:
            self.assertEqual(400, status, answer)
            text = answer['error']['message']
        return status, iso.scrub(text, {sent: 'ref'})

    def attack(self, top, sent):
        """B builds ``top`` with ``inner=sent``: it fails as for a ghost.

        The same stack asking for a template id that does not exist must
        fail at the same step with the same message.
        """
        b = self.world.b
        ghost = str(uuid.uuid4())
        status, stack = b.try_create_stack(top, {'inner': sent})
        answer = self.refusal(status, stack, sent)
        ghost_status, ghost_stack = b.try_create_stack(top, {'inner': ghost})
        self.assertEqual(self.refusal(ghost_status, ghost_stack, ghost),
                         answer)
        self.assertIn('could not be found', answer[1])
        self.assertNotIn(self.world.marker, json.dumps(stack))
        self.assert_nothing_of_a(sent={sent})
        self.assert_no_pin_of_b_on(self.world.secret['id'])
        return stack

    def test_computed_reference_by_name_resolves_in_b_catalog(self):
        # B's own 'asecret' is what B gets: never A's.
        stack = self.world.b.create_stack(
            stored(self.world.wrapper['id'], '^1'), {})
        self.assertEqual('CREATE_COMPLETE', stack['stack_status'])
        b = self.world.b
        top = stored(self.world.wrapper['id'], '^1',
                     {'inner': 'asecret'})
        stack = b.create_stack(top)
        self.assertEqual('CREATE_COMPLETE', stack['stack_status'],
                         stack['stack_status_reason'])
        self.assertEqual(self.world.decoy_marker,
                         b.outputs(stack)['marker'])
        self.assert_nothing_of_a()
        self.assert_no_pin_of_b_on(self.world.secret['id'])

    def test_computed_reference_by_id_fails_as_missing(self):
        self.attack(stored(self.world.wrapper['id'], '^1',
                           {'inner': {'get_param': 'inner'}}),
                    self.world.secret['id'])

    def test_template_shared_with_a_only_fails_as_missing(self):
        self.attack(stored(self.world.wrapper['id'], '^1',
                           {'inner': {'get_param': 'inner'}}),
                    self.world.cshared['id'])

    def test_resource_group_member_fails_as_missing(self):
        self.attack(stored(self.world.group['id'], '^1',
                           {'member_type': 'OS::Heat::StoredTemplate',
                            'inner': {'get_param': 'inner'}}),
                    self.world.secret['id'])

    def test_update_to_own_template_resolves_in_own_catalog(self):
        # The stale-owner probe: a stack first built from A's public
        # template, then moved to B's template naming 'asecret'.
        b = self.world.b
        stack = b.create_stack(stored(self.world.harmless['id'], '^1'))
        self.assertEqual('CREATE_COMPLETE', stack['stack_status'])
        bwrap = b.create_template('bwrap%s' % uuid.uuid4().hex[:6],
                                  literal_wrapper('asecret')[0],
                                  files=literal_wrapper('asecret')[1])
        stack = b.update_stack(stack, stored(bwrap['id'], '^1'))
        self.assertEqual('UPDATE_COMPLETE', stack['stack_status'],
                         stack['stack_status_reason'])
        decoy = self.world.decoy_marker
        self.assertEqual({'direct': decoy, 'group': [decoy],
                          'chain': [decoy], 'child': decoy},
                         b.outputs(stack))
        self.assert_nothing_of_a()
        self.assert_no_pin_of_b_on(self.world.secret['id'])

    def test_update_after_wrapper_made_private(self):
        a, b = self.world.a, self.world.b
        name = 'wrap%s' % uuid.uuid4().hex[:6]
        wrapper = a.create_template(
            name, computed_wrapper(self.world.harmless['id']),
            visibility='public')
        stack = b.create_stack(stored(wrapper['id'], '^1',
                                      {'inner': {'get_param': 'inner'}}),
                               {'inner': 'asecret'})
        self.assertEqual(self.world.decoy_marker, b.outputs(stack)['marker'])
        a.expect(200, 'PATCH', '/stored_templates/%s' % wrapper['id'],
                 {'visibility': 'private'})
        # The pinned wrapper keeps serving B's stack (visibility changes
        # never break a pinned stack), but its computed reference still
        # resolves in B's catalog only: refused as a missing template.
        status, answer = b.try_update_stack(stack, parameters={
            'inner': self.world.secret['id']}, existing=True)
        self.assertEqual(400, status, answer)
        self.assertIn('stored template "<ref>" could not be found',
                      iso.scrub(answer['error']['message'],
                                {self.world.secret['id']: 'ref'}))
        self.assertNotIn(self.world.marker, json.dumps(answer))
        stack = b.update_stack(stack, parameters={'inner': 'asecret'},
                               existing=True)
        self.assertEqual('UPDATE_COMPLETE', stack['stack_status'],
                         stack['stack_status_reason'])
        self.assertEqual(self.world.decoy_marker, b.outputs(stack)['marker'])
        self.assert_nothing_of_a(sent={self.world.secret['id']})
        self.assert_no_pin_of_b_on(self.world.secret['id'])

    def test_b_cannot_name_a_locked_version_itself(self):
        # A lock is honoured only inside a stack built from the version
        # that recorded it: B naming the id and exact version at the top
        # level fails as for a missing template.
        a, b = self.world.a, self.world.b
        base = a.create_template('base%s' % uuid.uuid4().hex[:6],
                                 secret_template(self.world.marker))
        template, files = literal_wrapper(base['name'])
        a.create_template('lw%s' % uuid.uuid4().hex[:6], template,
                          visibility='public', files=files)
        status, answer = b.try_create_stack(stored(base['id'], '1.0.0'))
        self.assertEqual(400, status, answer)
        self.assertIn('could not be found', answer['error']['message'])
        self.assertNotIn(self.world.marker, json.dumps(answer))


class DependencyLockTest(base.TestCase):
    """Literal references are recorded at publish and locked."""

    def setUp(self):
        super().setUp()
        self.a, self.b = Project('A'), Project('B')
        self.base_name = 'base'
        self.a.create_template(self.base_name, secret_template('base-1.0.0'))
        template, files = literal_wrapper(self.base_name)
        self.template, self.files = template, files
        created = self.a.create_template('lockwrap', template,
                                         visibility='public', files=files)
        self.wrapper = created

    def version(self, project, template, version):
        return project.expect(200, 'GET', '/stored_templates/%s/versions/%s'
                              % (template, version))[
            'stored_template_version']

    def markers(self, stack):
        out = self.b.outputs(stack)
        return out['direct'], out['group'], out['chain'], out['child']

    def test_version_records_its_dependencies_with_a_warning(self):
        shown = self.version(self.a, 'lockwrap', '1.0.0')
        [dep] = shown['dependencies']
        self.assertEqual(
            (self.base_name, self.base_name, '^1', '1.0.0'),
            (dep['template_name'], dep['template'], dep['constraint'],
             dep['version']))
        base = self.version(self.a, self.base_name, '1.0.0')
        self.assertEqual(base['digest'], dep['digest'])
        self.assertEqual(base['template_id'], dep['template_id'])
        # Public, locked to a private version: said at publish.
        self.assertEqual(1, len(shown['warnings']), shown['warnings'])
        self.assertIn(self.base_name, shown['warnings'][0])
        self.assertIn('private', shown['warnings'][0])

    def test_other_project_sees_a_private_dependency_by_id_only(self):
        base = self.version(self.a, self.base_name, '1.0.0')
        path = '/stored_templates/%s/versions' % self.wrapper['id']
        shown = self.version(self.b, self.wrapper['id'], '1.0.0')
        listed = self.b.expect(200, 'GET', path)[
            'stored_template_versions'][0]
        for version in (shown, listed):
            [dep] = version['dependencies']
            self.assertEqual(
                (base['template_id'], '1.0.0', '^1', None, None, None),
                (dep['template_id'], dep['version'], dep['constraint'],
                 dep['template_name'], dep['template'], dep['digest']))
        self.assertNotIn(base['digest'], json.dumps(listed))
        # The owner keeps the whole entry, on the list too.
        [dep] = self.a.expect(200, 'GET', path)[
            'stored_template_versions'][0]['dependencies']
        self.assertEqual((self.base_name, base['digest']),
                         (dep['template_name'], dep['digest']))

    def test_a_public_dependency_is_shown_whole(self):
        status, body = self.a.call('PATCH', '/stored_templates/%s' %
                                   self.base_name, {'visibility': 'public'},
                                   role='admin')
        self.assertEqual(200, status, body)
        [dep] = self.version(self.b, self.wrapper['id'],
                             '1.0.0')['dependencies']
        self.assertEqual(self.base_name, dep['template_name'])
        self.assertIsNotNone(dep['digest'])

    def test_stack_gets_exactly_the_locked_version(self):
        stack = self.b.create_stack(stored(self.wrapper['id'], '^1'))
        self.assertEqual('CREATE_COMPLETE', stack['stack_status'],
                         stack['stack_status_reason'])
        self.assertEqual(('base-1.0.0', ['base-1.0.0'], ['base-1.0.0'],
                          'base-1.0.0'),
                         self.markers(stack))
        # A newer base changes nothing for the locked wrapper version,
        # for a new stack nor for an update of the old one.
        self.a.publish(self.base_name, '1.1.0', secret_template('base-1.1.0'))
        second = self.b.create_stack(stored(self.wrapper['id'], '^1'))
        self.assertEqual(('base-1.0.0', ['base-1.0.0'], ['base-1.0.0'],
                          'base-1.0.0'),
                         self.markers(second))
        stack = self.b.update_stack(stack, existing=True)
        self.assertEqual('UPDATE_COMPLETE', stack['stack_status'],
                         stack['stack_status_reason'])
        self.assertEqual(('base-1.0.0', ['base-1.0.0'], ['base-1.0.0'],
                          'base-1.0.0'),
                         self.markers(stack))
        # A new wrapper version locks anew, and a stack moving to it
        # moves its nested ones too.
        shown = self.a.publish('lockwrap', '1.1.0', self.template,
                               self.files)
        self.assertEqual('1.1.0', shown['dependencies'][0]['version'])
        third = self.b.create_stack(stored(self.wrapper['id'], '^1'))
        self.assertEqual(('base-1.1.0', ['base-1.1.0'], ['base-1.1.0'],
                          'base-1.1.0'),
                         self.markers(third))
        stack = self.b.update_stack(stack, stored(self.wrapper['id'],
                                                  '^1.1'))
        self.assertEqual('UPDATE_COMPLETE', stack['stack_status'],
                         stack['stack_status_reason'])
        self.assertEqual(('base-1.1.0', ['base-1.1.0'], ['base-1.1.0'],
                          'base-1.1.0'),
                         self.markers(stack))

    def test_depended_on_version_cannot_be_deleted(self):
        status, payload = self.a.call(
            'DELETE', '/stored_templates/%s/versions/1.0.0' % self.base_name)
        self.assertEqual(409, status, payload)
        self.assertIn('lockwrap 1.0.0', payload['error']['message'])
        status, payload = self.a.call(
            'DELETE', '/stored_templates/%s' % self.base_name)
        self.assertEqual(409, status, payload)
        dependents = self.a.expect(
            200, 'GET', '/stored_templates/%s/versions/1.0.0/dependents' %
            self.base_name)
        self.assertEqual(
            [('lockwrap', '1.0.0')],
            [(d['template_name'], d['version'])
             for d in dependents['dependents']])
        self.assertEqual(0, dependents['other_dependents'])
        # Deprecation does not break dependents.
        self.a.expect(200, 'PATCH', '/stored_templates/%s/versions/1.0.0' %
                      self.base_name, {'status': 'deprecated'})
        stack = self.b.create_stack(stored(self.wrapper['id'], '^1'))
        self.assertEqual('CREATE_COMPLETE', stack['stack_status'],
                         stack['stack_status_reason'])
        self.assertEqual('base-1.0.0', self.b.outputs(stack)['direct'])

    def test_computed_reference_borrows_no_lock_in_preview(self):
        # B names the (id, exact version) that the public wrapper's lock
        # records, through A's computed wrapper: the preview (and the
        # create) must say nothing of base, exactly as for a template id
        # that does not exist at that version.
        wrapper = self.a.create_template(
            'cwrap', computed_wrapper(self.wrapper['id']),
            visibility='public')
        base_id = self.version(self.a, self.base_name, '1.0.0')[
            'template_id']
        ghost_id = str(uuid.uuid4())

        def preview(inner):
            template = Project.stack_template(
                stored(wrapper['id'], '^1', {'inner': {'get_param': 'inner'},
                                             'constraint': '1.0.0'}),
                {'inner': inner})
            status, answer = self.b.call('POST', '/stacks/preview', {
                'stack_name': 'pv%s' % uuid.uuid4().hex[:8],
                'template': template, 'parameters': {'inner': inner}})
            text = json.dumps(answer)
            self.assertNotIn('base-1.0.0', text)
            # Resource and stack names differ by run; what is there not.
            return status, sorted(re.findall(r'"resource_type": "([^"]+)"',
                                             text))

        self.assertEqual(preview(ghost_id), preview(base_id))
        status, stack = self.b.try_create_stack(
            stored(wrapper['id'], '^1', {'inner': {'get_param': 'inner'},
                                         'constraint': '1.0.0'}),
            {'inner': base_id})
        ghost_status, ghost = self.b.try_create_stack(
            stored(wrapper['id'], '^1', {'inner': {'get_param': 'inner'},
                                         'constraint': '1.0.0'}),
            {'inner': ghost_id})
        self.assertEqual(ghost_status, status)
        self.assertNotIn('base-1.0.0', json.dumps(stack))

    def test_a_replacement_of_another_type_inherits_no_lock(self):
        # B's stack is built from the public wrapper (locked to A's
        # private base). B then replaces that resource with its own
        # provider template naming base's id and exact version, under the
        # same resource name: the lock stays with the wrapper's stack.
        stack = self.b.create_stack(stored(self.wrapper['id'], '^1'))
        self.assertEqual('CREATE_COMPLETE', stack['stack_status'],
                         stack['stack_status_reason'])
        base_id = self.version(self.a, self.base_name, '1.0.0')[
            'template_id']
        evil = {'heat_template_version': HOT,
                'resources': {'steal': stored(base_id, '1.0.0')},
                'outputs': {'marker': {'value': {
                    'get_attr': ['steal', 'marker']}}}}
        body = {'template': {'heat_template_version': HOT,
                             'resources': {'top': {'type': 'evil.yaml'}},
                             'outputs': {'all': {'value': {
                                 'get_attr': ['top', 'marker']}}}},
                'files': {'evil.yaml': json.dumps(evil)}}
        done = self.b.stack_events_done(stack)
        status, answer = self.b.call('PUT', '/stacks/%s/%s' % (
            stack['stack_name'], stack['id']), body)
        if status == 202:
            answer = self.b.wait(stack['stack_name'], stack['id'],
                                 done_before=done)
            self.assertEqual('UPDATE_FAILED', answer['stack_status'])
            reason = answer['stack_status_reason']
        else:
            self.assertEqual(400, status, answer)
            reason = answer['error']['message']
        self.assertIn('could not be found', reason)
        self.assertNotIn('base-1.0.0', json.dumps(answer))

    def test_dependents_of_other_projects_are_counted(self):
        # B publishes its own wrapper over A's public base: A sees one
        # dependent it may not see, counted.
        a, b = self.a, self.b
        shared = a.create_template('pubbase', secret_template('pub'),
                                   visibility='public')
        template, files = literal_wrapper(shared['id'])
        b.create_template('bwrap', template, files=files)
        dependents = a.expect(
            200, 'GET', '/stored_templates/pubbase/versions/1.0.0/'
            'dependents')
        self.assertEqual(([], 1), (dependents['dependents'],
                                   dependents['other_dependents']))
        status, payload = a.call('DELETE', '/stored_templates/pubbase')
        self.assertEqual(409, status, payload)
        self.assertIn('1 of them in other projects',
                      payload['error']['message'])
        self.assertNotIn('bwrap', payload['error']['message'])
        self.assertNotIn(b.id, payload['error']['message'])

    def test_an_unquoted_integer_version_is_locked_as_its_text(self):
        # Heat reads `version: 2` (a YAML integer, a JSON number) as the
        # text '2': recorded, locked and protected as `version: '2'` is.
        self.a.publish(self.base_name, '2.0.0',
                       secret_template('base-2.0.0'))
        template, files = literal_wrapper(self.base_name, 2)
        files = {path: yaml.safe_dump(json.loads(text))
                 for path, text in files.items()}
        self.assertIn('version: 2\n', files['lib/child.yaml'])
        wrapper = self.a.create_template('intwrap', template,
                                         visibility='public', files=files)
        [dep] = self.version(self.a, 'intwrap', '1.0.0')['dependencies']
        self.assertEqual(('2', '2.0.0'), (dep['constraint'], dep['version']))
        status, payload = self.a.call(
            'DELETE', '/stored_templates/%s/versions/2.0.0' % self.base_name)
        self.assertEqual(409, status, payload)
        self.assertIn('intwrap 1.0.0', payload['error']['message'])
        self.a.publish(self.base_name, '2.1.0',
                       secret_template('base-2.1.0'))
        stack = self.b.create_stack(stored(wrapper['id'], '^1'))
        self.assertEqual('CREATE_COMPLETE', stack['stack_status'],
                         stack['stack_status_reason'])
        self.assertEqual(('base-2.0.0', ['base-2.0.0'], ['base-2.0.0'],
                          'base-2.0.0'),
                         self.markers(stack))

    def test_literal_reference_that_does_not_resolve_is_400(self):
        template, files = literal_wrapper('no-such-template')
        status, payload = self.a.call('POST', '/stored_templates', {
            'name': 'broken', 'version': {'template': template,
                                          'files': files}})
        self.assertEqual(400, status, payload)
        self.assertIn("'no-such-template'", payload['error']['message'])
        template, files = literal_wrapper(self.base_name, '^7')
        status, payload = self.a.call('POST', '/stored_templates', {
            'name': 'broken', 'version': {'template': template,
                                          'files': files}})
        self.assertEqual(400, status, payload)
        self.assertIn("'^7'", payload['error']['message'])
        self.a.expect(404, 'GET', '/stored_templates/broken')


class ConsentTest(base.TestCase):
    """Sharing by consent, attacked from the offered project.

    Project O offers templates to a project P of its own (P answers
    nothing, or rejects): P's stacks cannot reach them by id, directly or
    through parameters, a group's members or an update, and fail as for a
    template that does not exist; only P's member role answers, for P
    alone. Once P accepts, the same stack builds; once it rejects again,
    its stack already built keeps working and nothing new resolves.
    """

    def setUp(self):
        super().setUp()
        self.w = world()
        self.o, self.p = Project('O'), Project('P')
        self.markers = {s: '%s-%s' % (s, uuid.uuid4().hex)
                        for s in ('pending', 'rejected')}
        self.offers = {}
        for status, marker in self.markers.items():
            offer = self.o.create_template(
                'o%s' % status, secret_template(marker), visibility='shared')
            self.o.expect(201, 'POST', '/stored_templates/%s/members' %
                          offer['id'], {'project_id': self.p.id})
            if status != 'pending':
                self.p.answer(offer['id'], status)
            self.offers[status] = offer['id']

    def secrets(self):
        return set(self.markers.values()) | {self.o.id}

    def assert_refused_as_ghost(self, top, sent):
        """P builds ``top`` with ``inner=sent``: as for a ghost's id."""
        ghost = str(uuid.uuid4())
        status, stack = self.p.try_create_stack(top, {'inner': sent})
        ghost_status, ghost_stack = self.p.try_create_stack(
            top, {'inner': ghost})
        self.assertEqual(ghost_status, status, stack)
        if status == 201:
            texts = (stack['stack_status_reason'],
                     ghost_stack['stack_status_reason'])
            self.assertEqual('CREATE_FAILED', stack['stack_status'])
        else:
            self.assertEqual(400, status, stack)
            texts = (stack['error']['message'],
                     ghost_stack['error']['message'])
        self.assertEqual(iso.scrub(texts[1], {ghost: 'ref'}),
                         iso.scrub(texts[0], {sent: 'ref'}))
        self.assertIn('could not be found', texts[0])
        seen = iso.scrub(self.p.everything_seen(), {sent: 'sent'})
        for secret in self.secrets():
            self.assertNotIn(secret, seen)

    def each_offer(self):
        for status in ('pending', 'rejected'):
            yield status, self.offers[status]

    def test_direct_reference_by_id_fails_as_missing(self):
        for _status, offer in self.each_offer():
            self.assert_refused_as_ghost(
                stored({'get_param': 'inner'}, '^1'), offer)

    def test_computed_reference_by_id_fails_as_missing(self):
        for _status, offer in self.each_offer():
            self.assert_refused_as_ghost(
                stored(self.w.wrapper['id'], '^1',
                       {'inner': {'get_param': 'inner'}}), offer)

    def test_resource_group_member_fails_as_missing(self):
        for _status, offer in self.each_offer():
            self.assert_refused_as_ghost(
                stored(self.w.group['id'], '^1',
                       {'member_type': 'OS::Heat::StoredTemplate',
                        'inner': {'get_param': 'inner'}}), offer)

    def test_the_offers_name_means_p_own_template(self):
        # A name is the caller's project's: the offer's name finds nothing.
        for status, _offer in self.each_offer():
            self.assert_refused_as_ghost(
                stored({'get_param': 'inner'}, '^1'), 'o%s' % status)

    def test_update_to_an_offer_is_refused(self):
        stack = self.p.create_stack(
            stored(self.w.wrapper['id'], '^1',
                   {'inner': {'get_param': 'inner'}}),
            {'inner': self.w.harmless['id']})
        self.assertEqual('harmless', self.p.outputs(stack)['marker'])
        for _status, offer in self.each_offer():
            status, answer = self.p.try_update_stack(
                stack, parameters={'inner': offer}, existing=True)
            self.assertEqual(400, status, answer)
            self.assertIn('could not be found', answer['error']['message'])
        seen = self.p.everything_seen()
        for secret in self.secrets():
            self.assertNotIn(secret, seen)

    def test_accepting_builds_and_rejecting_keeps_the_built_stack(self):
        offer = self.offers['pending']
        top = stored({'get_param': 'inner'}, '^1')
        self.p.answer(offer, 'accepted')
        stack = self.p.create_stack(top, {'inner': offer})
        self.assertEqual('CREATE_COMPLETE', stack['stack_status'],
                         stack['stack_status_reason'])
        self.assertEqual(self.markers['pending'],
                         self.p.outputs(stack)['marker'])
        self.p.answer(offer, 'rejected')
        # The built stack is untouched; an update that keeps it works, a
        # new stack does not resolve.
        stack = self.p.update_stack(stack, parameters={'inner': offer},
                                    existing=True)
        self.assertEqual('UPDATE_COMPLETE', stack['stack_status'],
                         stack['stack_status_reason'])
        status, refused = self.p.try_create_stack(top, {'inner': offer})
        self.assertNotEqual('CREATE_COMPLETE',
                            (refused or {}).get('stack_status'), refused)

    def test_only_the_members_member_role_answers_for_it(self):
        offer = self.offers['pending']
        path = '/stored_templates/%s/members/%s' % (offer, self.p.id)
        body = {'status': 'accepted'}
        # P's reader, the owner, and a third project are refused.
        status, _answer = self.p.call('PUT', path, body, role='reader')
        self.assertEqual(403, status)
        status, _answer = self.o.call('PUT', '/stored_templates/%s/members/%s'
                                      % (offer, self.p.id), body)
        self.assertEqual(403, status)
        third = Project('third')
        status, _answer = third.call(
            'PUT', '/stored_templates/%s/members/%s' % (offer, third.id),
            body)
        self.assertEqual(404, status)
        # The same request for a template that does not exist.
        ghost = str(uuid.uuid4())
        ghost_status, _ = third.call(
            'PUT', '/stored_templates/%s/members/%s' % (ghost, third.id),
            body)
        self.assertEqual(404, ghost_status)
        # Nothing changed: P still answers pending, and sees nothing.
        members = self.o.expect(200, 'GET', '/stored_templates/%s/members'
                                % offer)['members']
        self.assertEqual(['pending'], [m['status'] for m in members])
        self.p.expect(404, 'GET', '/stored_templates/%s' % offer)
        listed = self.p.expect(200, 'GET', '/stored_templates',
                               query={'member_status': 'pending'})
        self.assertEqual([offer], [t['id'] for t in
                                   listed['stored_templates']])
