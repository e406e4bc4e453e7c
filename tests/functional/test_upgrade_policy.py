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


"""upgrade_policy of OS::Heat::StoredTemplate, on the embedded Heat.

PINNED (the default) keeps the resolved version across stack updates
that change neither ``template`` nor ``version``; LATEST_MATCHING moves
to the highest active version its constraint matches on every stack
update, ``openstack stack update --existing`` included. A failed update
rolls back to the version pinned before it, whatever the policy.
"""

import uuid

from tests import base
from tests.functional import test_trust_boundary as tb

HOT = tb.HOT


def marked(version, fail=False):
    template = tb.secret_template('v%s' % version)
    if fail:
        template['resources']['broken'] = {
            'type': 'OS::Heat::TestResource', 'properties': {'fail': True}}
    return template


def resource(name, version, policy=None):
    props = {'template': name, 'version': version}
    if policy is not None:
        props['upgrade_policy'] = policy
    return {'type': 'OS::Heat::StoredTemplate', 'properties': props}


class UpgradePolicyTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.project = tb.Project('owner')
        self.name = 'up%s' % uuid.uuid4().hex[:8]
        self.project.create_template(self.name, marked('1.0.0'))

    def create(self, with_pinned=True):
        """A stack with one resource of each policy, both on ^1.0."""
        resources = {'moving': resource(self.name, '^1.0',
                                        'LATEST_MATCHING')}
        outputs = {'moving': {'value': {'get_attr': ['moving', 'marker']}},
                   'moving_version': {'value': {
                       'get_attr': ['moving', 'resolved_version']}}}
        if with_pinned:
            resources['pinned'] = resource(self.name, '^1.0')
            outputs['pinned'] = {'value': {'get_attr': ['pinned', 'marker']}}
        body = {
            'stack_name': 'st%s' % uuid.uuid4().hex[:10],
            'template': {'heat_template_version': HOT,
                         'resources': resources, 'outputs': outputs}}
        created = self.project.expect(201, 'POST', '/stacks', body)
        return self.project.wait(body['stack_name'],
                                 created['stack']['id'])

    def outputs(self, stack):
        return {o['output_key']: o.get('output_value')
                for o in stack.get('outputs') or []}

    def update_existing(self, stack):
        done = self.project.stack_events_done(stack)
        self.project.expect(202, 'PATCH', '/stacks/%s/%s' % (
            stack['stack_name'], stack['id']), {})
        return self.project.wait(stack['stack_name'], stack['id'],
                                 done_before=done)

    def test_existing_update_moves_only_latest_matching(self):
        stack = self.create()
        self.assertEqual('CREATE_COMPLETE', stack['stack_status'],
                         stack['stack_status_reason'])
        self.project.publish(self.name, '1.1.0', marked('1.1.0'))
        self.project.publish(self.name, '2.0.0', marked('2.0.0'))
        stack = self.update_existing(stack)
        self.assertEqual('UPDATE_COMPLETE', stack['stack_status'],
                         stack['stack_status_reason'])
        out = self.outputs(stack)
        self.assertEqual(('v1.0.0', 'v1.1.0', '1.1.0'),
                         (out['pinned'], out['moving'],
                          out['moving_version']))
        # Each holds its own version: 1.0.0 still in use by the pinned one.
        status, payload = self.project.call(
            'DELETE', '/stored_templates/%s/versions/1.0.0' % self.name)
        self.assertEqual(409, status, payload)
        self.project.expect(204, 'DELETE', '/stored_templates/%s/versions/'
                            '2.0.0' % self.name)

    def test_failed_move_rolls_back_to_the_pinned_version(self):
        # NOTE: one resource only: a sibling's failure cancels the other
        # nested update mid-way, and how Heat rolls a cancelled nested
        # update back is not what this test is about.
        stack = self.create(with_pinned=False)
        self.project.publish(self.name, '1.1.0', marked('1.1.0', fail=True))
        done = self.project.stack_events_done(stack)
        self.project.expect(202, 'PATCH', '/stacks/%s/%s' % (
            stack['stack_name'], stack['id']), {'disable_rollback': False})
        stack = self.project.wait(stack['stack_name'], stack['id'],
                                  done_before=done)
        # The update fails, then rolls back (a second stack event).
        if stack['stack_status'] == 'UPDATE_FAILED':
            stack = self.project.wait(stack['stack_name'], stack['id'],
                                      done_before=done + 1)
        self.assertEqual('ROLLBACK_COMPLETE', stack['stack_status'],
                         stack['stack_status_reason'])
        out = self.outputs(stack)
        self.assertEqual(('v1.0.0', '1.0.0'),
                         (out['moving'], out['moving_version']))
        # Nothing is left holding the version the update moved to.
        self.project.expect(204, 'DELETE', '/stored_templates/%s/versions/'
                            '1.1.0' % self.name)

    def test_bad_policy_is_refused(self):
        body = {'stack_name': 'st%s' % uuid.uuid4().hex[:10],
                'template': {'heat_template_version': HOT, 'resources': {
                    'r': resource(self.name, '^1.0', 'SOMETIMES')}}}
        status, payload = self.project.call('POST', '/stacks', body)
        self.assertEqual(400, status, payload)
        self.assertIn('upgrade_policy', payload['error']['message'])
