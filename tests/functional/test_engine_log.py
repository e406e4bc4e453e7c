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

"""An expected refusal leaves one line in heat.log, not a traceback.

Publishing asks the engine which of the bundle's resource types this
cloud can create; Heat's ``resource_schema`` logs a traceback for a type
it does not know, so the store must ask in a way that does not.
"""

import uuid


from tests import base
from tests.functional import server as server_mod

UNKNOWN = '''heat_template_version: 2021-04-16
resources:
  thing:
    type: OS::Nowhere::Thing
'''
SERVER = '''heat_template_version: 2021-04-16
resources:
  vm:
    type: OS::Nova::Server
    properties: {image: cirros, flavor: m1.tiny}
'''


class EngineLogTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.server = server_mod.shared_server()
        self.name = 'log-%s' % uuid.uuid4().hex[:8]
        status, _h, body = self.server.request(
            'POST', '/stored_templates', {'name': self.name})
        self.assertEqual(201, status, body)

    def _publish(self, template):
        before = self.server.heat_log()
        status, _h, body = self.server.request(
            'POST', '/stored_templates/%s/versions' % self.name,
            {'template': template})
        added = self.server.heat_log()[len(before):]
        return status, body, added

    def test_unknown_type_is_one_line_without_traceback(self):
        status, body, added = self._publish(UNKNOWN)
        self.assertEqual(400, status, body)
        self.assertIn('OS::Nowhere::Thing', body['error']['message'])
        self.assertNotIn('Traceback', added)
        about = [line for line in added.splitlines()
                 if 'OS::Nowhere::Thing' in line]
        self.assertLessEqual(len(about), 1, added)

    def test_missing_service_is_still_a_warning_without_traceback(self):
        status, body, added = self._publish(SERVER)
        self.assertEqual(201, status, body)
        warnings = body['stored_template_version']['warnings']
        self.assertEqual(1, len(warnings), warnings)
        self.assertIn('HEAT-E99001', warnings[0])
        self.assertIn('OS::Nova::Server', warnings[0])
        self.assertNotIn('Traceback', added)
