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

"""The pure parts of the impact report (heat_store.impact)."""

import collections

from heat.rpc import api as rpc_api

from heat_store import impact
from tests import base

Row = collections.namedtuple('Row', 'consumer_key state')
Version = collections.namedtuple('Version', 'interface environment')


def parent(*functions):
    return {'heat_template_version': '2018-08-31',
            'resources': {'r': {'type': 'OS::Heat::StoredTemplate',
                                'properties': {'template': 'lib'}}},
            'outputs': {'o%d' % i: {'value': f}
                        for i, f in enumerate(functions)}}


class OutputsReadTest(base.TestCase):

    def test_outputs_by_name_and_through_outputs(self):
        template = parent({'get_attr': ['r', 'x']},
                          {'get_attr': ['r', 'outputs', 'y', 'deep']},
                          {'Fn::GetAtt': ['r', 'z']},
                          {'list_join': [',', [{'get_attr': ['r', 'w']}]]})
        self.assertEqual({'x', 'y', 'z', 'w'},
                         impact.outputs_read(template, 'r'))

    def test_own_attributes_other_resources_and_odd_shapes(self):
        template = parent({'get_attr': ['r', 'resolved_version']},
                          {'get_attr': ['r', 'outputs']},
                          {'get_attr': ['other', 'x']},
                          {'get_attr': ['r']},
                          {'get_attr': ['r', {'get_param': 'p'}]},
                          {'get_attr': 'r.x'})
        self.assertEqual(set(), impact.outputs_read(template, 'r'))


class BreaksTest(base.TestCase):

    def version(self, parameters, environment=None, outputs=('x',)):
        return Version({'parameters': parameters,
                        'outputs': {o: {} for o in outputs}},
                       environment or {})

    def test_a_default_anywhere_counts(self):
        version = self.version(
            {'a': {}, 'b': {'default': 1}, 'c': {}, 'd': {}, 'e': None},
            {'parameter_defaults': {'c': 1}, 'parameters': {'d': 2}})
        self.assertEqual({'a', 'e'}, impact.parameters_required(version))

    def test_what_the_parent_reads_and_does_not_pass(self):
        template = parent({'get_attr': ['r', 'x']},
                          {'get_attr': ['r', 'gone']})
        version = self.version({'size': {}, 'zone': {}})
        self.assertEqual(
            {'outputs': ['gone'], 'parameters': ['zone']},
            impact.breaks(template, 'r', {'parameters': {'size': 1}},
                          version))

    def test_parameters_computed_by_a_function_are_not_judged(self):
        version = self.version({'size': {}})
        self.assertEqual(
            {'outputs': [], 'parameters': []},
            impact.breaks(parent(), 'r',
                          {'parameters': {'get_param': 'all'}}, version))


class ConsumersTest(base.TestCase):

    def test_a_committed_pin_wins_over_a_pending_one(self):
        rows = [(Row('s/a', 'pending'), 'st', '1.1.0'),
                (Row('s/a', 'pinned'), 'st', '1.0.0'),
                (Row('s/b', 'pending'), 'st', '2.0.0')]
        chosen = impact._by_consumer(rows)
        self.assertEqual([('s/a', 'pinned'), ('s/b', 'pending')],
                         sorted((r.consumer_key, r.state)
                                for r, _n, _c in chosen))

    def test_a_constraint_that_does_not_parse_admits_nothing(self):
        self.assertTrue(impact._admits('^1.0', '1.2.0'))
        self.assertFalse(impact._admits('^1.0', '2.0.0'))
        self.assertFalse(impact._admits('not a constraint', '1.0.0'))


class SummaryTest(base.TestCase):

    def test_only_the_levels_below_the_parent_sorted(self):
        def entry(stack, name, parent_resource):
            return {rpc_api.RES_STACK_ID: {'stack_id': stack},
                    'resource_name': name, 'resource_type': 'T',
                    'parent_resource': parent_resource}

        entries = [entry('parent', 'r', None), entry('nested', 'b', 'r'),
                   entry('deeper', 'x', 'b'), entry('nested', 'a', 'r')]
        self.assertEqual(
            [('b', 'x'), ('r', 'a'), ('r', 'b')],
            [(e['parent_resource'], e['resource_name'])
             for e in impact._summary(entries, 'parent')])

    def test_definition_in_hot_and_cfn(self):
        hot = parent()
        definition, props = impact._definition(hot, 'r')
        self.assertIs(hot['resources']['r']['properties'], props)
        cfn = {'Resources': {'r': {'Type': 'T'}}}
        definition, props = impact._definition(cfn, 'r')
        self.assertEqual(({}, {'Type': 'T', 'Properties': {}}),
                         (props, definition))
        self.assertEqual((None, None), impact._definition(hot, 'nope'))


class EnvironmentTest(base.TestCase):

    def test_hidden_values_are_not_sent_as_heats_mask(self):
        class Engine(object):
            def get_environment(self, context, identity):
                return {'parameters': {'a': '******', 'b': 'v'},
                        'parameter_defaults': {'c': '******'},
                        'resource_registry': {}}

        self.assertEqual({'parameters': {'b': 'v'},
                          'parameter_defaults': {},
                          'resource_registry': {}},
                         impact._environment(Engine(), None, None))
