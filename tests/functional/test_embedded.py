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

"""heat-store-dev as a user runs it: start, answer, Ctrl-C, start again."""

import signal


from tests import base
from tests.functional import server as server_mod


class EmbeddedCommandTest(base.TestCase):

    def test_ctrl_c_stops_cleanly_and_data_survives_a_restart(self):
        first = server_mod.EmbeddedServer()
        self.addCleanup(first.stop)
        first.start()
        self.assertIn('ready in', first.output())
        self.assertIn(first.endpoint, first.output())
        status, _h, body = first.request(
            'POST', '/stored_templates', {'name': 'kept', 'tags': ['a']})
        self.assertEqual(201, status, body)

        first.process.send_signal(signal.SIGINT)
        self.assertEqual(0, first.process.wait(30))
        self.assertIn('Stopped.', first.output())

        # Same data directory, new process (and port): the template is there.
        second = server_mod.EmbeddedServer(data_dir=first.data_dir)
        self.addCleanup(second.stop)
        second.start()
        status, _h, body = second.request('GET', '/stored_templates/kept')
        self.assertEqual(200, status, body)
        self.assertEqual(['a'], body['stored_template']['tags'])
