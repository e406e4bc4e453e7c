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

"""The client commands print their answer and nothing else.

The ``openstack`` executable of this virtualenv, against the embedded
Heat, as a user types it: no plugin's complaint (python-blazarclient
4.6.0's "Could not load 'reservation_host_unset'"), no warning, on
stderr.
"""

import os
import signal
import subprocess
import sys
import time

import fixtures

from tests import base
from tests.functional import server

BIN = os.path.dirname(sys.executable)


class QuietToolsTest(base.TestCase):
    def test_store_list_prints_only_its_answer(self):
        heat = server.shared_server()
        env = dict(os.environ)
        for name in list(env):
            if name.startswith('OS_'):
                del env[name]
        result = subprocess.run(
            [os.path.join(BIN, 'openstack'), '--os-auth-type', 'none',
             '--os-endpoint', heat.endpoint, 'orchestration', 'template',
             'store', 'list', '-f', 'value', '-c', 'name'],
            capture_output=True, text=True, timeout=120, env=env)
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertEqual('', result.stderr)


def _processes_mentioning(text):
    """Pids of live processes whose command line holds ``text``."""
    found = []
    for pid in os.listdir('/proc'):
        if not pid.isdigit():
            continue
        try:
            with open('/proc/%s/cmdline' % pid, 'rb') as f:
                line = f.read().decode('utf-8', 'replace')
        except OSError:
            continue
        if text in line:
            found.append(int(pid))
    return found


class DevCtrlCTest(base.TestCase):
    def test_ctrl_c_while_starting_stops_everything(self):
        # Ctrl-C while Keystone boots and Heat starts, before anything
        # serves: heat-store-dev stops what it started and exits.
        import importlib.util

        if importlib.util.find_spec('keystone') is None:
            raise base.service_missing('Keystone is not installed')
        data_dir = self.useFixture(fixtures.TempDir()).path
        proc = subprocess.Popen(
            [os.path.join(BIN, 'heat-store-dev'), '--keystone',
             '--data-dir', data_dir, '--port', str(server.free_port()),
             '--keystone-port', str(server.free_port())],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        deadline = time.monotonic() + 120
        while not os.path.isdir(os.path.join(data_dir, 'keystone')):
            self.assertIsNone(proc.poll())
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        out, _err = proc.communicate(timeout=90)
        self.assertNotIn('is ready', out)
        self.assertIn('Stopped.', out)
        self.assertNotEqual(0, proc.returncode)
        self.assertNotIn('Traceback', out)
        deadline = time.monotonic() + 30
        while _processes_mentioning(data_dir):
            self.assertLess(time.monotonic(), deadline,
                            _processes_mentioning(data_dir))
            time.sleep(0.2)
