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

"""The client commands import nothing from Heat's server package.

A client-only install (``pip install heat-store``, without the
``server`` extra) has no ``heat`` package: each module of both command
sets and the ``heat`` wrapper must import with it blocked.
"""

import subprocess
import sys

from tests import base

CLIENT_MODULES = (
    'heat_store.client.bundle',
    'heat_store.client.client',
    'heat_store.client.shell',
    'heat_store.osc.stored_template',
    'heat_store.osc.stored_template_version',
    'heat_store.cmd.heat',
)

# In a fresh interpreter: 'heat' set to None makes any import of it (or of
# a module under it) fail, as it would where Heat is not installed. The
# OSC entry points are loaded as openstack loads them.
_PROBE = '''
import importlib
import importlib.metadata
import sys
sys.modules['heat'] = None
for name in sys.argv[1:]:
    importlib.import_module(name)
for ep in importlib.metadata.entry_points(group='openstack.orchestration.v1'):
    if ep.value.startswith('heat_store.'):
        ep.load()
print(sorted(m for m in sys.modules if m == 'heat' or m.startswith('heat.')))
'''


class ClientImportsTest(base.BaseTestCase):

    def test_client_modules_import_without_heat(self):
        result = subprocess.run(
            [sys.executable, '-c', _PROBE] + list(CLIENT_MODULES),
            capture_output=True, text=True, timeout=120)
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertEqual("['heat']", result.stdout.strip().splitlines()[-1])

    def test_the_probe_does_block_heat(self):
        result = subprocess.run(
            [sys.executable, '-c', _PROBE, 'heat_store.versioning'],
            capture_output=True, text=True, timeout=120)
        self.assertNotEqual(0, result.returncode)
        self.assertIn('ModuleNotFoundError', result.stderr)
