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

"""A stack launched from the panel builds what the version builds alone.

The panel's launch template passes every parameter to its
``OS::Heat::StoredTemplate`` resource, so the defaults its form starts
from must be the values Heat gives the nested stack when nothing is
passed: the stored environment's ``parameters``, else its
``parameter_defaults``, else the template's default. Heat is the judge:
two stacks, one of the bare resource and one of the launch template with
its defaults, and their outputs compared.
"""

import json
import types
import uuid

from heat_store.dashboard import launch
from tests.functional import fixtures

TEMPLATE = {
    'heat_template_version': '2018-08-31',
    'parameters': {
        'count': {'type': 'number', 'default': 2},
        'flavor': {'type': 'string'},
        'name': {'type': 'string'},
        'greeting': {'type': 'string', 'default': 'hi'},
    },
    'resources': {'none': {'type': 'OS::Heat::None'}},
    'outputs': {name: {'value': {'get_param': name}}
                for name in ('count', 'flavor', 'name', 'greeting')},
}
ENVIRONMENT = {'parameter_defaults': {'count': 4, 'name': 'from-defaults'},
               'parameters': {'name': 'from-parameters', 'flavor': 'm'}}


class LaunchDefaultsTest(fixtures.ProjectTestCase):

    def build(self, template):
        """The outputs of a stack of ``template``, created with no value."""
        name = 'launch-%s' % uuid.uuid4().hex[:8]
        res = self.request('POST', '/stacks', json.dumps(
            {'stack_name': name, 'template': template}).encode(), headers={
            'X-Auth-User': self.USER, 'X-Auth-Key': 'secret'})
        self.assertEqual(201, res.status_int, res.body)
        path = '/stacks/%s/%s' % (name, json.loads(res.body)['stack']['id'])
        self.addCleanup(self.call, 'DELETE', path)
        stack = self.wait_stack(path)
        self.assertEqual('CREATE_COMPLETE', stack['stack_status'],
                         stack['stack_status_reason'])
        return {o['output_key']: o['output_value'] for o in stack['outputs']}

    def test_the_form_s_defaults_build_what_the_version_builds(self):
        status, answer = self.call('POST', '/stored_templates', {
            'name': 'vals', 'version': {
                'version': '1.0.0', 'template': TEMPLATE,
                'environment': ENVIRONMENT}})
        self.assertEqual(201, status, answer)
        status, answer = self.call(
            'GET', '/stored_templates/vals/versions/1.0.0')
        self.assertEqual(200, status, answer)
        version = types.SimpleNamespace(**answer['stored_template_version'])

        alone = self.build({
            'heat_template_version': '2018-08-31',
            'resources': {'vals': {'type': 'OS::Heat::StoredTemplate',
                                   'properties': {'template': 'vals',
                                                  'version': '1.0.0'}}},
            'outputs': {name: {'value': {'get_attr': ['vals', name]}}
                        for name in TEMPLATE['outputs']}})
        self.assertEqual({'count': 4, 'flavor': 'm',
                          'name': 'from-parameters', 'greeting': 'hi'},
                         alone)
        self.assertEqual(alone, self.build(launch.stack_template(version)))
