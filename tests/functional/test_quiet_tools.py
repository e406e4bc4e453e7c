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

"""The tools print and log what they are asked, and no complaint.

The ``openstack`` executable of this virtualenv, against the embedded
Heat, as a user types it: no plugin's complaint (python-blazarclient
4.6.0's "Could not load 'reservation_host_unset'"), no warning, on
stderr. ``heat-store-dev --keystone``: no deprecated token cache in
heat.log, and Ctrl-C at any moment stops everything it started.
"""

import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import fixtures

from tests import base
from tests.functional import keystone
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
    """Live processes whose command line holds ``text``: 'pid: line'."""
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
            found.append('%s: %s' % (pid, line.replace('\0', ' ')))
    return found


def _memcached_items(pid_path):
    """The items memcached holds, asked by the ``stats`` command."""
    with open('/proc/%s/cmdline' % _pid(pid_path), 'rb') as f:
        words = f.read().decode().split('\0')
    address = (words[words.index('-l') + 1], int(words[words.index('-p') + 1]))
    with socket.create_connection(address, timeout=10) as sock:
        sock.sendall(b'stats\r\n')
        answer = b''
        while not answer.endswith(b'END\r\n'):
            answer += sock.recv(65536)
    for line in answer.decode().splitlines():
        if line.startswith('STAT curr_items '):
            return int(line.split()[2])
    raise AssertionError(answer)


def _pid(pid_path):
    with open(pid_path) as f:
        return int(f.read().strip())


class DevTokenCacheTest(base.TestCase):
    def test_heat_api_caches_tokens_without_a_warning(self):
        # heat-api's auth_token keeps the tokens it validated in the
        # stack's own memcached, or in the cache its paste filter hands
        # it: no deprecated cache, no warning in heat.log, and nothing
        # left running after the stop.
        why = keystone.problem()
        if why:
            raise base.service_missing(why)
        memcached = (shutil.which('memcached') is not None and
                     importlib.util.find_spec('memcache') is not None)
        if not memcached and base.REQUIRE_SERVICES:
            # CI has memcached (tools/ci-services.sh) and the client (the
            # keystone extra): the memcached path is the one it checks.
            raise base.service_missing('memcached or python-memcached is '
                                       'not installed')
        stack = keystone.KeystoneStack()
        self.addCleanup(stack.stop)
        stack.start()
        pid_path = os.path.join(stack.data_dir, 'keystone', 'memcached.pid')
        self.assertEqual(memcached, os.path.exists(pid_path))
        project = stack.project_id('admin')
        path = '/v1/%s/stored_templates' % project
        status, _headers, text = stack.call('GET', path, project, 'admin',
                                            token='not-a-token')
        self.assertEqual(401, status, text)
        for _ in range(2):
            status, _headers, text = stack.call('GET', path, project,
                                                'admin',
                                                token=stack.admin_token())
            self.assertEqual(200, status, text)
        if memcached:
            self.assertGreaterEqual(_memcached_items(pid_path), 1)
        stack.stop(purge=False)
        with open(os.path.join(stack.data_dir, 'heat.log')) as f:
            log = f.read()
        self.assertIn('keystonemiddleware', log)
        self.assertEqual([], [
            line for line in log.splitlines()
            if 'in-process token cache' in line or
            'eventlet-unsafe cache pool' in line])
        deadline = time.monotonic() + 30
        while _processes_mentioning(stack.data_dir):
            self.assertLess(time.monotonic(), deadline,
                            _processes_mentioning(stack.data_dir))
            time.sleep(0.2)


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
