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

"""Impact of a version that adds nested stacks, on the embedded Heat.

``lib`` 1.0.0 has one resource ``a``; a stack uses it on ``^1.0``. 1.1.0
replaces ``a`` and adds ``kid`` (a provider template of the bundle, with
a resource of its own) and ``grp`` (an ``OS::Heat::ResourceGroup`` of
two). Heat 27's update preview with ``show_nested`` fails on such a
version (heat-internals.rst, "Dry-run impact"); the report must still
show what would change, at every level, in the usual shape.
"""

import sys
import uuid

from oslo_messaging._drivers import common as rpc_common

from heat_store import impact
from tests import base
from tests.functional import test_dry_run_impact
from tests.functional import test_impact
from tests.functional import test_trust_boundary as tb

HOT = test_impact.HOT
names = test_impact.names


def lib_1_0():
    return {'heat_template_version': HOT,
            'resources': {'a': {'type': 'OS::Heat::RandomString',
                                'properties': {'length': 4}}},
            'outputs': {'x': {'value': {'get_attr': ['a', 'value']}}}}


CHILD = ('heat_template_version: %s\n'
         'resources:\n'
         '  inner:\n'
         '    type: OS::Heat::Value\n'
         '    properties: {value: inside}\n' % HOT)


def lib_1_1():
    template = lib_1_0()
    template['resources']['a']['properties']['length'] = 8
    template['resources']['kid'] = {'type': 'nested/child.yaml'}
    template['resources']['grp'] = {
        'type': 'OS::Heat::ResourceGroup',
        'properties': {'count': 2, 'resource_def': {
            'type': 'OS::Heat::RandomString',
            'properties': {'length': 4}}}}
    return template


def tree(entries):
    """(parent resource, name, type) of each entry."""
    return sorted((e['parent_resource'], e['resource_name'],
                   e['resource_type']) for e in entries)


# The child adds a nested stack of its own: two levels below the resource.
DEEP_CHILD = CHILD + (
    '  pair:\n'
    '    type: OS::Heat::ResourceGroup\n'
    '    properties:\n'
    '      count: 2\n'
    '      resource_def: {type: OS::Heat::Value, properties: {value: v}}\n')


ADDED = [('grp', '0', 'OS::Heat::RandomString'),
         ('grp', '1', 'OS::Heat::RandomString'),
         ('kid', 'inner', 'OS::Heat::Value'),
         ('r', 'grp', 'OS::Heat::ResourceGroup'),
         ('r', 'kid', 'nested/child.yaml')]


class NestedImpactTest(base.TestCase):

    stack = test_impact.ImpactTest.stack

    def setUp(self):
        super().setUp()
        self.owner = tb.Project('owner')
        self.name = 'lib%s' % uuid.uuid4().hex[:8]
        self.owner.create_template(self.name, lib_1_0())
        self.mine = self.stack(self.owner, test_impact.consumer(
            self.name, '^1.0', 'LATEST_MATCHING', reads='x'))

    def assertReported(self, entry):
        self.assertEqual((self.mine['id'], None),
                         (entry['stack_id'], entry['error']))
        self.assertEqual(ADDED, tree(entry['added']))
        self.assertEqual([('r', 'a', 'OS::Heat::RandomString')],
                         tree(entry['replaced']))
        self.assertEqual(([], []), (entry['updated'], entry['deleted']))
        self.assertEqual({'outputs': [], 'parameters': []}, entry['breaks'])
        self.assertEqual(('1.0.0', 'LATEST_MATCHING', True),
                         (entry['current_version'], entry['upgrade_policy'],
                          entry['moves_on_update']))

    def test_a_version_that_adds_nested_stacks(self):
        version = {'version': '1.1.0', 'template': lib_1_1(),
                   'files': {'nested/child.yaml': CHILD}}
        before = test_dry_run_impact.row_counts()
        dry = self.owner.expect(
            200, 'POST', '/stored_templates/%s/versions' % self.name,
            dict(version, dry_run=True, impact=True))
        self.assertEqual(before, test_dry_run_impact.row_counts())
        entry, = dry['impact']
        self.assertReported(entry)

        self.owner.expect(201, 'POST', '/stored_templates/%s/versions' %
                          self.name, version)
        real = self.owner.expect(
            200, 'GET', '/stored_templates/%s/versions/1.1.0/impact' %
            self.name)
        self.assertEqual(dry['impact'], real['impact'])

    def test_the_fallback_is_not_taken_when_heat_can_preview(self):
        taken = []
        nested = impact._nested_preview

        def spy(*args, **kwargs):
            taken.append(args)
            return nested(*args, **kwargs)

        self.patch(impact, '_nested_preview', spy)
        self.owner.expect(201, 'POST', '/stored_templates/%s/versions' %
                          self.name, {'version': '1.0.1',
                                      'template': test_impact.lib(
                                          'a', 'x', a_length=8)})
        entry, = self.owner.expect(
            200, 'GET', '/stored_templates/%s/versions/1.0.1/impact' %
            self.name)['impact']
        self.assertEqual((None, [('a', 'OS::Heat::RandomString')]),
                         (entry['error'], names(entry['replaced'])))
        self.assertEqual([], taken)

    def test_a_nested_stack_added_two_levels_below(self):
        answer = self.owner.expect(
            200, 'POST', '/stored_templates/%s/versions' % self.name,
            {'version': '1.1.0', 'template': lib_1_1(),
             'files': {'nested/child.yaml': DEEP_CHILD},
             'dry_run': True, 'impact': True})
        entry, = answer['impact']
        self.assertIsNone(entry['error'])
        # NOTE: Heat fails on show_nested at the resource's own stack too:
        # the report has that level's changes, and none below it.
        self.assertEqual([('r', 'grp', 'OS::Heat::ResourceGroup'),
                          ('r', 'kid', 'nested/child.yaml')],
                         tree(entry['added']))
        self.assertEqual([('r', 'a', 'OS::Heat::RandomString')],
                         tree(entry['replaced']))

    def test_the_values_the_resource_passes_hidden_ones_too(self):
        def secret(version, adds):
            template = lib_1_1() if adds else lib_1_0()
            template['parameters'] = {
                'word': {'type': 'string', 'hidden': True,
                         'constraints': [{'allowed_values': ['s3cret']}]},
                'size': {'type': 'number'}}
            template['resources']['a']['properties']['length'] = {
                'get_param': 'size'}
            return {'version': version, 'template': template,
                    'files': {'nested/child.yaml': CHILD},
                    'environment': {'parameters': {'size': 8 if adds else 4}}}

        name = 'sec%s' % uuid.uuid4().hex[:8]
        self.owner.expect(201, 'POST', '/stored_templates', {
            'name': name, 'version': secret('1.0.0', False)})
        template = test_impact.consumer(name, '^1.0')
        template['resources']['r']['properties']['parameters'] = {
            'word': 's3cret'}
        mine = self.stack(self.owner, template)
        answer = self.owner.expect(
            200, 'POST', '/stored_templates/%s/versions' % name,
            dict(secret('1.1.0', True), dry_run=True, impact=True))
        entry, = answer['impact']
        # The hidden value is the stack's, not Heat's mask of it, and size
        # is the version's: a is replaced (length 4 to 8).
        self.assertEqual((mine['id'], None),
                         (entry['stack_id'], entry['error']))
        self.assertEqual(ADDED, tree(entry['added']))
        self.assertEqual([('r', 'a', 'OS::Heat::RandomString')],
                         tree(entry['replaced']))


class HeatFailureTest(base.BaseTestCase):
    """Which errors are Heat's show_nested failure, in both transports."""

    def failure(self, fail):
        try:
            fail()
        except TypeError:
            return sys.exc_info()

    def test_local_and_remote(self):
        def format_stack_resource():
            dict(None)

        def elsewhere():
            dict(None)

        for fail, expected in ((format_stack_resource, True),
                               (elsewhere, False)):
            info = self.failure(fail)
            self.assertEqual(expected, impact._cannot_show_nested(info[1]))
            # As oslo.messaging hands it over a real transport: the
            # engine's traceback in its text.
            remote = rpc_common.deserialize_remote_exception(
                rpc_common.serialize_remote_exception(info), [])
            self.assertIsInstance(remote, TypeError)
            self.assertEqual(expected, impact._cannot_show_nested(remote))
        self.assertFalse(impact._cannot_show_nested(ValueError(
            'in format_stack_resource')))
