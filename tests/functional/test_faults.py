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

"""Every heat-engine killed mid-operation, in the production-shaped Heat.

A deployment of its own (``tools/deploy_production.py``), not the one the
tests in ``test_production`` share: this module kills its engines. It
skips where MariaDB or RabbitMQ is absent, unless
HEAT_STORE_REQUIRE_SERVICES is set; ``.stestr.conf`` keeps the module in
one worker. With HEAT_STORE_PRODUCTION_DIR=DIR it uses a deployment
started by hand, and leaves it running (with restarted engines).
"""

import json
import os
import subprocess
import sys
import time

import sqlalchemy as sa
from testtools import content

from tests.functional import test_production as production

HOT = production.HOT
# Each resource of the child takes this long to create (and to update, in
# the versions that say so): three of them, one after another, so that a
# nested stack is busy for several seconds.
WAIT_SECS = 4
CHAIN = 3
STACKS = 4


def child(value, wait):
    """A child of CHAIN TestResources, created one after the other."""
    resources = {}
    for i in range(CHAIN):
        resources['r%d' % i] = {
            'type': 'OS::Heat::TestResource',
            'properties': {
                'value': '%s-%d' % (value, i),
                'action_wait_secs': {'create': wait, 'update': wait,
                                     'delete': 0}}}
        if i:
            resources['r%d' % i]['depends_on'] = 'r%d' % (i - 1)
    return {'heat_template_version': HOT,
            'resources': resources,
            'outputs': {'last': {'value': {
                'get_attr': ['r%d' % (CHAIN - 1), 'output']}}}}


_deployment = production.SharedDeployment('heat-store-faults-')


def tearDownModule():
    _deployment.stop()


class EngineKillTest(production.DeploymentTestCase):

    DEPLOYMENT = _deployment
    PREFIX = 'f'
    # NOTE: a test waits on its own bounds (a deployment, two engine
    # restarts, several stack waits) that add up to well over the default
    # limit; the per-test timeout is only for what none of them catches.
    TIMEOUT_SCALING_FACTOR = 3

    def tool(self, command):
        result = subprocess.run(
            [sys.executable, production.TOOL, command, '--dir',
             self.dep.dir], capture_output=True, text=True, timeout=200)
        self.assertEqual(0, result.returncode, result.stderr[-6000:])

    def stack_template(self, template, version):
        return {
            'heat_template_version': HOT,
            'resources': {'w': {'type': 'OS::Heat::StoredTemplate',
                                'properties': {'template': template,
                                               'version': version}}},
            'outputs': {
                'resolved': {'value': {'get_attr': ['w',
                                                    'resolved_version']}},
                'last': {'value': {'get_attr': ['w', 'last']}}}}

    def stack(self, name):
        status, payload = self.api('GET', '/stacks/%s' % name)
        if status == 404:
            return {'stack_status': 'DELETE_COMPLETE',
                    'stack_status_reason': ''}
        self.assertEqual(200, status, payload)
        return payload['stack']

    ANY_STATE = None

    def wait_stacks(self, names, done, timeout):
        """Bounded wait until every stack's status is in ``done``.

        A stack that is not found counts as DELETE_COMPLETE.
        """
        deadline = time.monotonic() + timeout
        while True:
            shown = {n: self.stack(n) for n in names}
            if done is self.ANY_STATE:
                return shown
            if all(s['stack_status'] in done for s in shown.values()):
                return shown
            if time.monotonic() > deadline:
                self.fail('stacks not %s in %ds: %s' % (done, timeout, {
                    n: (s['stack_status'], s['stack_status_reason'])
                    for n, s in shown.items()}))
            time.sleep(0.5)

    def query(self, sql, **params):
        with self.dep.db().connect() as conn:
            return conn.execute(sa.text(sql), params).all()

    def pins(self, stack_ids):
        """(stack id, version, state) of the consumer rows of these stacks."""
        rows = self.query(
            'SELECT c.parent_stack_id, v.version, c.state FROM '
            'stored_template_consumer c JOIN stored_template_version v '
            'ON v.id = c.version_id')
        return sorted(tuple(r) for r in rows if r[0] in stack_ids)

    def busy_nested(self, stack_id):
        """Resources in progress in the nested stacks of a stack."""
        return self.query(
            "SELECT r.name, r.action FROM resource r JOIN stack s ON "
            "s.id = r.stack_id WHERE s.owner_id = :top AND "
            "r.status = 'IN_PROGRESS'", top=stack_id)

    def record(self, name, numbers):
        self.addDetail(name, content.text_content(json.dumps(
            numbers, sort_keys=True, indent=1)))

    def test_stacks_recover_when_every_engine_is_killed(self):
        name = '%s-slow' % self.prefix
        path = '/stored_templates/%s' % name
        self.api('POST', '/stored_templates',
                 {'name': name,
                  'version': {'version': '1.0.0',
                              'template': child('one', WAIT_SECS)}},
                 expect=201)
        self.api('POST', path + '/versions', {
            'version': '2.0.0', 'template': child('two', WAIT_SECS)},
            expect=201)
        # The version the stacks are moved to after the kill: no waits.
        self.api('POST', path + '/versions', {
            'version': '3.0.0', 'template': child('three', 0)},
            expect=201)

        # One stack to be caught in an update, the others in their create.
        updated = '%s-upd' % self.prefix
        self.api('POST', '/stacks', {
            'stack_name': updated,
            'template': self.stack_template(name, '1.0.0')}, expect=201)
        ids = {updated: self.wait_stacks(
            [updated], ('CREATE_COMPLETE',), 120)[updated]['id']}
        created = ['%s-new%d' % (self.prefix, i) for i in range(STACKS)]
        for stack in created:
            _s, payload = self.api('POST', '/stacks', {
                'stack_name': stack,
                'template': self.stack_template(name, '1.0.0')},
                expect=201)
            ids[stack] = payload['stack']['id']
        self.api('PUT', '/stacks/%s/%s' % (updated, ids[updated]), {
            'template': self.stack_template(name, '2.0.0')}, expect=202)

        # Kill when every nested stack has a resource in progress.
        deadline = time.monotonic() + 90
        while True:
            busy = {s: self.busy_nested(i) for s, i in ids.items()}
            if all(busy.values()):
                break
            self.assertLess(time.monotonic(), deadline,
                            'nested stacks not all busy: %s' % busy)
            time.sleep(0.2)
        self.tool('kill-engines')
        at_kill = {s: {'stack': '_'.join(self.query(
            'SELECT action, status FROM stack WHERE id = :i', i=i)[0]),
            'nested_in_progress': [tuple(r) for r in self.busy_nested(i)]}
            for s, i in ids.items()}
        at_kill['pins'] = self.pins(set(ids.values()))
        self.record('at-kill', at_kill)

        # NOTE: Heat resets the stacks of a dead engine when an engine
        # starts (EngineService.reset_stack_status) only for stacks of the
        # legacy engine; convergence stacks stay IN_PROGRESS until a user
        # acts on them. Recover both ways Heat offers: the operator's
        # heat-manage reset_stack_status (while the engines are down, as
        # it advises) for the updated stack and half the new ones, and a
        # plain stack update over the dead traversal for the others.
        reset = [updated] + created[:STACKS // 2]
        taken_over = created[STACKS // 2:]
        started = time.monotonic()
        for stack in reset:
            self.reset_stack_status(ids[stack])
        self.tool('start-engines')
        restart_seconds = time.monotonic() - started
        after_restart = self.wait_stacks(ids, self.ANY_STATE, 0)
        self.assertEqual(
            {s: 'CREATE_FAILED' for s in reset[1:]} |
            {updated: 'UPDATE_FAILED'} |
            {s: 'CREATE_IN_PROGRESS' for s in taken_over},
            {s: st['stack_status'] for s, st in after_restart.items()})

        # The update that died left its pending row behind: it holds
        # nothing, so 2.0.0 can go; 1.0.0 is pinned by every stack.
        pins_after_restart = self.pins(set(ids.values()))
        self.assertIn((ids[updated], '2.0.0', 'pending'),
                      pins_after_restart)
        self.api('DELETE', path + '/versions/2.0.0', expect=204)
        status, payload = self.api('DELETE', path + '/versions/1.0.0',
                                   expect=409)
        for stack in ids:
            self.assertIn(stack, payload['error']['message'])

        # Every stack moves to 3.0.0 and then goes.
        for stack in ids:
            self.api('PUT', '/stacks/%s/%s' % (stack, ids[stack]), {
                'template': self.stack_template(name, '3.0.0')},
                expect=202)
        started = time.monotonic()
        shown = self.wait_stacks(ids, ('UPDATE_COMPLETE',), 180)
        update_seconds = time.monotonic() - started
        for stack in ids:
            outputs = {o['output_key']: o['output_value']
                       for o in shown[stack]['outputs']}
            self.assertEqual({'resolved': '3.0.0',
                              'last': 'three-%d' % (CHAIN - 1)}, outputs)
        self.assertEqual(sorted((i, '3.0.0', 'pinned')
                                for i in ids.values()),
                         self.pins(set(ids.values())))
        self.api('DELETE', path + '/versions/1.0.0', expect=204)
        for stack in ids:
            self.api('DELETE', '/stacks/%s/%s' % (stack, ids[stack]),
                     expect=204)
        started = time.monotonic()
        self.wait_stacks(ids, ('DELETE_COMPLETE',), 180)
        delete_seconds = time.monotonic() - started
        # No reference is left, pending or pinned.
        self.assertEqual([], self.pins(set(ids.values())))
        self.api('DELETE', path + '/versions/3.0.0', expect=204)
        self.api('DELETE', path, expect=204)
        errors = [row for row in self.dep.access_log() if row[3] >= 500]
        self.assertEqual([], errors, 'heat-api answered 5xx')
        self.record('recovery', {
            'stacks': len(ids),
            'restart_seconds': round(restart_seconds, 1),
            'pins_after_restart': pins_after_restart,
            'after_restart': {s: st['stack_status']
                              for s, st in after_restart.items()},
            'update_to_3_seconds': round(update_seconds, 1),
            'delete_seconds': round(delete_seconds, 1)})

    def reset_stack_status(self, stack_id):
        """The operator's recovery step: ``heat-manage reset_stack_status``.

        It marks the stack, its nested stacks and their resources that are
        IN_PROGRESS as FAILED; it asks for confirmation on its input.
        """
        result = subprocess.run(
            [os.path.join(os.path.dirname(sys.executable), 'heat-manage'),
             '--config-file', os.path.join(self.dep.dir, 'heat.conf'),
             'reset_stack_status', stack_id],
            input='y\n', capture_output=True, text=True, timeout=120)
        self.assertEqual(0, result.returncode, result.stderr[-4000:])
