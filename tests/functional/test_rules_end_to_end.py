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

"""Second, end-to-end tests of rules that had only one test each.

On the in-process embedded Heat, through the API: a stack built after the
newest version is deprecated gets the highest active one; a digest changes
when only a file changes (and comes back when the file does); and a
constraint with two comparators on one side is pushed into SQL as its
tightest bounds, so resolving reads only the versions that can match.
"""

import uuid

from oslo_config import cfg
import sqlalchemy as sa

from tests import base
from tests.functional import test_trust_boundary as tb

HOT = tb.HOT


def with_file(text):
    template = {'heat_template_version': HOT,
                'resources': {'c': {'type': 'OS::Heat::SoftwareConfig',
                                    'properties': {'config': {
                                        'get_file': 'boot.sh'}}}},
                'outputs': {'marker': {'value': 'm'}}}
    return template, {'boot.sh': text}


class RulesEndToEndTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.project = tb.Project('owner')
        self.name = 'e2e%s' % uuid.uuid4().hex[:8]

    def test_stack_after_the_newest_is_deprecated_gets_the_next(self):
        p = self.project
        p.create_template(self.name, tb.secret_template('v1.0.0'))
        p.publish(self.name, '1.1.0', tb.secret_template('v1.1.0'))
        p.expect(200, 'PATCH', '/stored_templates/%s/versions/1.1.0' %
                 self.name, {'status': 'deprecated'})
        stack = p.create_stack(tb.stored(self.name, '^1'))
        self.assertEqual('CREATE_COMPLETE', stack['stack_status'],
                         stack['stack_status_reason'])
        self.assertEqual({'marker': 'v1.0.0'}, p.outputs(stack))
        shown = p.expect(200, 'GET', '/stored_templates/%s' % self.name)
        self.assertEqual('1.0.0', shown['stored_template']['latest_version'])

    def test_an_output_the_version_lacks_is_an_invalid_attribute(self):
        p = self.project
        p.create_template(self.name, tb.secret_template('v1.0.0'))
        name = 'st%s' % uuid.uuid4().hex[:10]
        created = p.expect(201, 'POST', '/stacks', {
            'stack_name': name,
            'template': {'heat_template_version': HOT,
                         'resources': {'top': tb.stored(self.name)},
                         'outputs': {
                             'good': {'value': {
                                 'get_attr': ['top', 'marker']}},
                             'bad': {'value': {
                                 'get_attr': ['top', 'nope']}}}}})
        stack = p.wait(name, created['stack']['id'])
        self.assertEqual('CREATE_COMPLETE', stack['stack_status'],
                         stack['stack_status_reason'])
        outputs = {o['output_key']: o for o in stack['outputs']}
        self.assertEqual('v1.0.0', outputs['good']['output_value'])
        self.assertIsNone(outputs['bad']['output_value'])
        self.assertIn('The Referenced Attribute (top nope) is incorrect',
                      outputs['bad']['output_error'])

    def test_digest_follows_a_file_alone(self):
        p = self.project
        template, files = with_file('echo one\n')
        first = p.create_template(self.name, template, files=files)
        one = p.expect(200, 'GET', '/stored_templates/%s/versions/1.0.0' %
                       first['name'])['stored_template_version']['digest']
        template, files = with_file('echo two\n')
        two = p.publish(self.name, '1.0.1', template, files)['digest']
        self.assertNotEqual(one, two)
        template, files = with_file('echo one\n')
        again = p.publish(self.name, '1.0.2', template, files)['digest']
        self.assertEqual(one, again)

    def test_two_comparators_on_a_side_bound_the_versions_read(self):
        # 1.2.0 and 1.9.0 match '>=1.0.0 >=1.2.0 <3.0.0 <2.0.0'; a page of
        # 2.0.x versions lies under the loose upper bound (<3.0.0) only.
        # With the tightest bounds in SQL, resolving reads one batch of
        # versions; with the loose one it would read the 2.0.x first.
        from heat.db import api as heat_db_api

        from heat_store.db import api as db_api

        cfg.CONF.set_override('max_versions_per_template', 200,
                              group='template_store')
        self.addCleanup(cfg.CONF.clear_override,
                        'max_versions_per_template', group='template_store')
        p = self.project
        p.create_template(self.name, tb.secret_template('v1.1.0'),
                          version='1.1.0')
        for version in ['1.2.0', '1.9.0'] + [
                '2.0.%d' % n for n in range(db_api.VERSION_BATCH + 5)]:
            p.publish(self.name, version, tb.secret_template('v' + version))
        statements = []

        def count(conn, cursor, statement, *args):
            if 'FROM stored_template_version' in statement:
                statements.append(statement)

        engine = heat_db_api.get_engine()
        sa.event.listen(engine, 'before_cursor_execute', count)
        self.addCleanup(sa.event.remove, engine, 'before_cursor_execute',
                        count)
        resolved = p.expect(200, 'GET', '/stored_templates/%s/resolve' %
                            self.name, query={
                                'version': '>=1.0.0 >=1.2.0 <3.0.0 <2.0.0'})
        self.assertEqual('1.9.0',
                         resolved['stored_template_version']['version'])
        # One read of the candidate versions, and one of the dependencies
        # the answer shows.
        reads = [s for s in statements
                 if 'stored_template_dependency' not in s]
        self.assertEqual(1, len(reads), statements)
        listed = p.expect(200, 'GET', '/stored_templates/%s/versions' %
                          self.name, query={
                              'constraint': '>=1.0.0 >=1.2.0 <3.0.0 <2.0.0'})
        self.assertEqual(['1.9.0', '1.2.0'], [
            v['version'] for v in listed['stored_template_versions']])
