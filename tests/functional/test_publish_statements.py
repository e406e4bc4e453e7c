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

"""What a publish costs the database: a ceiling, so a new query is seen.

A publish is one validation and one transaction (the project's usage row
and the template row locked, the neighbours read for the interface check,
the bytes quota summed, the version inserted, the summary updated), after
the API's read of the template. The statements are counted on Heat's
database engine, the in-process engine's included (its preview looks for
a stack of the preview's name). When a change adds one, raise the ceiling
in the same change and say why.
"""

from heat_store.dev import embedded
from heat_store.dev import statements
from tests.functional import fixtures

HOT = 'heat_template_version: 2018-08-31\n'
CHILD = HOT + '''parameters:
  length: {type: number, default: 16}
resources:
  secret:
    type: OS::Heat::RandomString
    properties: {length: {get_param: length}}
'''
ROOT = HOT + '''parameters:
  length: {type: number, default: 12}
resources:
  child:
    type: child.yaml
    properties: {length: {get_param: length}}
  group:
    type: OS::Heat::ResourceGroup
    properties:
      count: 2
      resource_def: {type: OS::Heat::None}
'''
# BEGIN, the template without its tags (the API's read); BEGIN and the
# stack name lookup, BEGIN and the count of the project's stacks (the
# engine's preview, for a caller who is not an admin); BEGIN, project
# lock, template lock, the major's versions, the neighbours (one SELECT),
# the bytes sum, INSERT, UPDATE.
PUBLISH_CEILING = 14
# The same with an OS::Heat::StoredTemplate of another template: the
# reference resolved for the lock (the API), the resource validated by
# the engine's preview (its own reads of the store), the dependency
# checked and inserted.
PUBLISH_WITH_DEPENDENCY_CEILING = 28


def queries(counter):
    """The statements but SQLite's BEGIN IMMEDIATE (transaction control).

    Where the transactions of the API's thread and the in-process engine's
    begin varies from run to run: in a CI run on Heat 26 one publish sent
    five BEGINs where the same publish sends four, with the same queries.
    The comparisons below are about queries.
    """
    return [s for s in counter.statements
            if not s.upper().startswith('BEGIN')]


class PublishStatementsTest(fixtures.ProjectTestCase):

    def publish(self, name, version, template=ROOT):
        body = {'template': template, 'files': {'child.yaml': CHILD},
                'environment': {'parameter_defaults': {'length': 8}}}
        if version is not None:
            body['version'] = version
        with statements.counting() as counter:
            status, answer = self.call(
                'POST', '/stored_templates/%s/versions' % name, body)
        self.assertEqual(201, status, answer)
        return counter

    def setUp(self):
        super().setUp()
        # The counter hears every thread of the process: an operation an
        # earlier test left running (a stack still deleting) would count
        # as the publish's.
        embedded.wait_for_stacks(60)
        for name in ('app', 'lib'):
            status, answer = self.call('POST', '/stored_templates', {
                'name': name, 'version': {'template': ROOT, 'version':
                                          '1.0.0', 'files': {
                                              'child.yaml': CHILD}}})
            self.assertEqual(201, status, answer)

    def test_a_publish_stays_under_its_ceiling(self):
        counter = self.publish('app', '1.0.1')
        self.assertLessEqual(counter.count, PUBLISH_CEILING,
                             '\n'.join(counter.statements))
        self.assertEqual(1, counter.by_kind().get('INSERT'))
        # One transaction writes; the others only read.
        self.assertEqual(1, counter.by_kind().get('UPDATE'))

    def test_the_next_patch_costs_no_more(self):
        first = self.publish('app', None)
        second = self.publish('app', None)
        self.assertLessEqual(first.count, PUBLISH_CEILING + 1)
        self.assertEqual(len(queries(first)), len(queries(second)),
                         '\n'.join(queries(second)))

    def test_two_neighbours_cost_what_one_does(self):
        # 1.0.1 between 1.0.0 and 1.0.2: both are read for the interface
        # check, in the one SELECT that reads 1.0.0 alone for 1.0.2.
        above = self.publish('app', '1.0.2')
        between = self.publish('app', '1.0.1')
        self.assertEqual(len(queries(above)), len(queries(between)),
                         '\n'.join(queries(between)))

    def test_a_dependency_adds_its_own_statements_only(self):
        template = ROOT + ('  lib:\n    type: OS::Heat::StoredTemplate\n'
                           '    properties: {template: lib, version: '
                           '"^1.0"}\n')
        counter = self.publish('app', '1.0.1', template)
        self.assertLessEqual(
            counter.count, PUBLISH_WITH_DEPENDENCY_CEILING,
            '\n'.join(counter.statements))
        self.assertEqual(2, counter.by_kind().get('INSERT'))
