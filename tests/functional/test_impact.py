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

"""The impact preview of a version, on the embedded Heat.

``lib`` 1.0.0 has resources ``a`` and ``b`` and outputs ``x`` and ``y``;
three stacks use it on ``^1.0`` (LATEST_MATCHING, reading ``y``),
``~1.0.0`` and ``1.0.0``. 1.1.0 renames ``b`` to ``c`` and drops ``y``
(published with ``force``): only the ``^1.0`` stack would move to it, and
its report shows Heat's preview of the rename and the broken ``get_attr``.
"""

import json
import os
import time
import uuid

import fixtures
from oslo_config import cfg

from heat_store import impact
from tests import base
from tests.functional import test_trust_boundary as tb

HOT = tb.HOT


def lib(names, outputs, a_length=4):
    return {'heat_template_version': HOT,
            'resources': {n: {'type': 'OS::Heat::RandomString',
                              'properties': {
                                  'length': a_length if n == 'a' else 4}}
                          for n in names},
            'outputs': {o: {'value': o} for o in outputs}}


def consumer(name, constraint, policy=None, reads=None):
    props = {'template': name, 'version': constraint}
    if policy is not None:
        props['upgrade_policy'] = policy
    template = {'heat_template_version': HOT,
                'resources': {'r': {'type': 'OS::Heat::StoredTemplate',
                                    'properties': props}},
                'outputs': {'version': {'value': {
                    'get_attr': ['r', 'resolved_version']}}}}
    if reads:
        template['outputs']['read'] = {'value': {'get_attr': ['r', reads]}}
    return template


def names(resources):
    return sorted((r['resource_name'], r['resource_type'])
                  for r in resources)


class ImpactTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.owner = tb.Project('owner')
        self.name = 'lib%s' % uuid.uuid4().hex[:8]
        self.owner.create_template(self.name, lib('ab', 'xy'))

    def stack(self, project, template):
        body = {'stack_name': 'st%s' % uuid.uuid4().hex[:10],
                'template': template}
        created = project.expect(201, 'POST', '/stacks', body)
        stack = project.wait(body['stack_name'], created['stack']['id'])
        self.assertEqual('CREATE_COMPLETE', stack['stack_status'],
                         stack['stack_status_reason'])
        return stack

    def publish(self, version, template):
        self.owner.expect(201, 'POST', '/stored_templates/%s/versions' %
                          self.name, {'version': version,
                                      'template': template, 'force': True})

    def impact(self, version, project=None, template=None):
        return (project or self.owner).expect(
            200, 'GET', '/stored_templates/%s/versions/%s/impact' % (
                template or self.name, version))

    def test_impact_lists_the_stacks_that_would_move(self):
        caret = self.stack(self.owner, consumer(
            self.name, '^1.0', 'LATEST_MATCHING', reads='y'))
        tilde = self.stack(self.owner, consumer(self.name, '~1.0.0'))
        self.stack(self.owner, consumer(self.name, '1.0.0'))
        # Another project's stack on ^1.0 uses the shared template.
        self.owner.expect(200, 'PATCH', '/stored_templates/%s' % self.name,
                          {'visibility': 'shared'})
        other = tb.Project('other')
        self.owner.expect(201, 'POST', '/stored_templates/%s/members' %
                          self.name, {'project_id': other.id})
        template_id = self.owner.expect(
            200, 'GET', '/stored_templates/%s' % self.name)[
            'stored_template']['id']
        other.answer(template_id)
        other_stack = self.stack(other, consumer(template_id, '^1.0'))

        # b renamed c, y dropped, and a changed in a way that RandomString
        # cannot update in place.
        self.publish('1.1.0', lib('ac', 'x', a_length=8))
        report = self.impact('1.1.0')
        if os.environ.get('IMPACT_SHOW'):
            print(json.dumps(report, indent=2))
        self.assertEqual(1, report['other_consumers'])
        self.assertEqual([caret['id']],
                         [e['stack_id'] for e in report['impact']])
        entry = report['impact'][0]
        self.assertIsNone(entry['error'])
        self.assertEqual(
            (caret['stack_name'], 'r', '1.0.0', '^1.0', 'LATEST_MATCHING',
             True),
            (entry['stack_name'], entry['resource_name'],
             entry['current_version'], entry['constraint'],
             entry['upgrade_policy'], entry['moves_on_update']))
        # Heat previews a renamed resource as one deleted and one added.
        self.assertEqual([('c', 'OS::Heat::RandomString')],
                         names(entry['added']))
        self.assertEqual([('b', 'OS::Heat::RandomString')],
                         names(entry['deleted']))
        self.assertEqual([('a', 'OS::Heat::RandomString')],
                         names(entry['replaced']))
        self.assertEqual([], entry['updated'])
        self.assertEqual({'outputs': ['y'], 'parameters': []},
                         entry['breaks'])
        # The other project sees its own stack, and the owner's counted.
        theirs = self.impact('1.1.0', other, template_id)
        self.assertEqual(([other_stack['id']], 1),
                         ([e['stack_id'] for e in theirs['impact']],
                          theirs['other_consumers']))

        # 1.0.1 is admitted by ^1.0 and ~1.0.0; LATEST_MATCHING would
        # move to 1.1.0, the highest match, rather than to 1.0.1.
        self.publish('1.0.1', lib('ab', 'xy'))
        report = self.impact('1.0.1')
        self.assertEqual(
            sorted([(caret['id'], False), (tilde['id'], False)]),
            sorted((e['stack_id'], e['moves_on_update'])
                   for e in report['impact']))
        for entry in report['impact']:
            self.assertIsNone(entry['error'])
            self.assertEqual(([], [], [], []),
                             (entry['added'], entry['deleted'],
                              entry['replaced'], entry['updated']))
        self.assertEqual(1, report['other_consumers'])

    def test_parameters_the_resource_does_not_pass(self):
        self.stack(self.owner, consumer(self.name, '^1.0'))
        needs = lib('ab', 'xy')
        needs['parameters'] = {'size': {'type': 'number'},
                               'zone': {'type': 'string'},
                               'flavor': {'type': 'string',
                                          'default': 'small'}}
        self.owner.expect(201, 'POST', '/stored_templates/%s/versions' %
                          self.name, {'version': '1.2.0', 'template': needs,
                                      'environment': {'parameter_defaults': {
                                          'zone': 'z1'}},
                                      'force': True})
        report = self.impact('1.2.0')
        self.assertEqual([{'outputs': [], 'parameters': ['size']}],
                         [e['breaks'] for e in report['impact']])
        # NOTE: Heat's update preview does not check parameter values:
        # the break is ours to report.
        self.assertIsNone(report['impact'][0]['error'])

    def test_a_preview_past_the_budget_is_an_error_entry(self):
        self.stack(self.owner, consumer(self.name, '^1.0'))
        self.publish('1.1.0', lib('ac', 'x'))
        cfg.CONF.set_override('impact_timeout', 1, group='template_store')
        self.addCleanup(cfg.CONF.clear_override, 'impact_timeout',
                        group='template_store')
        slow = impact.preview_one

        def late(*args):
            time.sleep(1.5)
            return slow(*args)

        self.useFixture(fixtures.MockPatch('heat_store.impact.preview_one',
                                           late))
        report = self.impact('1.1.0')
        self.assertEqual(1, len(report['impact']))
        self.assertIn('impact_timeout', report['impact'][0]['error'])
