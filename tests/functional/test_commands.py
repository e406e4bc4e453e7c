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

"""The command host runs a command as its executable would.

Each case runs the same command both ways, the installed executable in a
plain subprocess and ``commands.run()``, and compares what a user sees:
exit status, stdout, stderr. No server: the commands read their
configuration or fail to connect.
"""

import os
import subprocess
import sys

import fixtures

from tests import base
from tests.functional import commands

BIN = os.path.dirname(sys.executable)
OPENSTACK = os.path.join(BIN, 'openstack')
HEAT = os.path.join(BIN, 'heat')
# Nothing listens on the discard port.
NOWHERE = 'http://127.0.0.1:9/v1/p'
CLOUDS = """clouds:
  mine:
    auth_type: none
    endpoint: %s
    region_name: %s
"""


class CommandHostTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.tmp = self.useFixture(fixtures.TempDir()).path
        self.home = os.path.join(self.tmp, 'home')
        self.cwd = os.path.join(self.tmp, 'work')
        os.makedirs(self.home)
        os.makedirs(self.cwd)
        self.env = {name: value for name, value in os.environ.items()
                    if not name.startswith(('OS_', 'XDG_'))}
        self.env['HOME'] = self.home

    def both(self, argv, env=None):
        """(plain subprocess, command host) results of the same command."""
        env = env or self.env
        plain = subprocess.run(argv, capture_output=True, text=True,
                               env=env, cwd=self.cwd, timeout=120)
        hosted = commands.run(argv, env, self.cwd)
        return (plain.returncode, plain.stdout, plain.stderr), hosted

    def assertSame(self, argv, env=None):
        plain, hosted = self.both(argv, env)
        self.assertEqual(plain, hosted)
        return hosted

    def test_version_and_failure_as_the_executables_give_them(self):
        code, out, _err = self.assertSame([OPENSTACK, '--version'])
        self.assertEqual((0, 'openstack'), (code, out.split()[0]))
        code, _out, err = self.assertSame(
            [OPENSTACK, '--os-auth-type', 'none', '--os-endpoint', NOWHERE,
             'orchestration', 'template', 'store', 'list'])
        self.assertEqual(1, code)
        self.assertIn('Unable to establish connection', err)
        code, _out, err = self.assertSame(
            [HEAT, '--os-no-client-auth', '--os-auth-token', 'x',
             '--heat-url', NOWHERE, 'template-store-list'])
        self.assertEqual(1, code)
        self.assertIn('Error communicating with %s' % NOWHERE, err)

    def test_environment_and_working_directory_are_the_commands(self):
        env = dict(self.env, OS_AUTH_TYPE='none', OS_ENDPOINT=NOWHERE)
        with open(os.path.join(self.cwd, 'web.yaml'), 'w') as f:
            f.write('heat_template_version: 2018-08-31\n')
        code, _out, err = self.assertSame(
            [OPENSTACK, 'orchestration', 'template', 'store', 'create',
             'web', '-t', 'web.yaml'], env)
        # The relative path was read from the command's directory and the
        # endpoint came from its environment: it got as far as connecting.
        self.assertEqual(1, code)
        self.assertIn(NOWHERE, err)

    def test_a_users_clouds_yaml_is_read_as_the_executable_reads_it(self):
        """Where the host's imports would look in the wrong place (the
        command's directory, its HOME), the command runs as a subprocess.
        """
        argv = [OPENSTACK, '--os-cloud', 'mine', 'configuration', 'show',
                '-f', 'value', '-c', 'region_name']
        self.assertTrue(commands.CommandHost.forkable(argv, self.env,
                                                      self.cwd))
        for where, region in ((self.cwd, 'in-cwd'), (
                os.path.join(self.home, '.config', 'openstack'), 'in-home')):
            os.makedirs(where, exist_ok=True)
            with open(os.path.join(where, 'clouds.yaml'), 'w') as f:
                f.write(CLOUDS % (NOWHERE, region))
            self.assertFalse(commands.CommandHost.forkable(argv, self.env,
                                                           self.cwd))
            code, out, _err = self.assertSame(argv)
            self.assertEqual((0, region), (code, out.strip()))
            if where == self.cwd:
                os.unlink(os.path.join(where, 'clouds.yaml'))

    def test_a_command_that_hangs_is_killed_at_its_timeout(self):
        # heat reads a template from a FIFO that nobody writes.
        fifo = os.path.join(self.cwd, 'never')
        os.mkfifo(fifo)
        self.assertRaises(
            subprocess.TimeoutExpired, commands.run,
            [HEAT, '--os-no-client-auth', '--os-auth-token', 'x',
             '--heat-url', NOWHERE, 'template-validate', '-f', fifo],
            self.env, self.cwd, timeout=2)
        # The host goes on serving.
        code, out, _err = commands.run([OPENSTACK, '--version'], self.env,
                                       self.cwd)
        self.assertEqual((0, 'openstack'), (code, out.split()[0]))
