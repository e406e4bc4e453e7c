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

"""Heat's own API keeps working on a server that has the store."""

import os
import subprocess
import sys
import time


from tests import base
from tests.functional import server as server_mod

RANDOM_STRING = '''heat_template_version: 2018-08-31
resources:
  pw: {type: OS::Heat::RandomString, properties: {length: 10}}
outputs:
  pw: {value: {get_attr: [pw, value]}}
'''


class HeatAPITest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.server = server_mod.shared_server()

    def test_openstack_stack_create_reaches_create_complete(self):
        path = os.path.join(self.useFixture(
            __import__('fixtures').TempDir()).path, 'pw.yaml')
        with open(path, 'w') as f:
            f.write(RANDOM_STRING)
        openstack = os.path.join(os.path.dirname(sys.executable),
                                 'openstack')
        result = subprocess.run(
            [openstack, '--os-auth-type', 'none', '--os-endpoint',
             self.server.endpoint, 'stack', 'create', '--wait', '-t', path,
             '-f', 'value', '-c', 'stack_status', 'plain-heat'],
            capture_output=True, text=True, timeout=120)
        self.assertEqual(0, result.returncode, result.stderr)
        # --wait prints the events, then the requested column.
        self.assertEqual('CREATE_COMPLETE',
                         result.stdout.strip().splitlines()[-1])
        status, _h, body = self.server.request('GET', '/stacks/plain-heat')
        if status == 302:
            status, _h, body = self.server.request('GET', _h['Location'])
        deadline = time.monotonic() + 30
        while status != 200 and time.monotonic() < deadline:
            time.sleep(0.1)
            status, _h, body = self.server.request('GET',
                                                   '/stacks/plain-heat')
        outputs = {o['output_key']: o['output_value']
                   for o in body['stack']['outputs']}
        self.assertEqual(10, len(outputs['pw']))
