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

"""The panel imports inside Horizon, and imports nothing from Heat.

The panel reaches the store only through ``heat_store.client`` (over
heat-dashboard's Heat client); Horizon's hosts have no ``heat`` package.
Each of its modules is imported in a fresh interpreter with Horizon's
settings (those ``heat-store-dev --dashboard`` writes) and ``heat``
blocked.
"""

import importlib.util
import os
import subprocess
import sys

import fixtures

import heat_store
from tests import base

_PROBE = '''
import importlib, os, sys
sys.modules['heat'] = None
from heat_store.dev import dashboard
top = dashboard.write_settings(sys.argv[1], 'http://127.0.0.1:5999/v3')
sys.path.insert(0, top)
os.environ['DJANGO_SETTINGS_MODULE'] = 'openstack_dashboard.settings'
import django
django.setup()
from django import urls
# Horizon registers its panels when the URLs load (the panel's place),
# and then runs its customization module (the Stacks panel's URLs).
index = urls.reverse('horizon:project:template_store:index')
for name in sys.argv[2:]:
    importlib.import_module(name)
print(urls.resolve('/project/stacks/select_template').func.view_class)
print(index)
print(sorted(m for m in sys.modules if m == 'heat' or m.startswith('heat.')))
'''


def _panel_modules():
    top = os.path.dirname(os.path.dirname(os.path.abspath(
        heat_store.__file__)))
    folder = os.path.join(top, 'heat_store', 'dashboard')
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d != '__pycache__']
        for name in sorted(files):
            if name.endswith('.py') and name != '__init__.py':
                rel = os.path.relpath(os.path.join(root, name[:-3]), top)
                yield rel.replace(os.sep, '.')


class PanelImportsTest(base.TestCase):
    def test_panel_imports_in_horizon_without_heat(self):
        if importlib.util.find_spec('horizon') is None:
            raise base.service_missing(
                'Horizon is not installed (the dashboard extra)')
        modules = list(_panel_modules())
        self.assertIn('heat_store.dashboard.template_store.views', modules)
        self.assertIn('heat_store.dashboard.api', modules)
        data_dir = self.useFixture(fixtures.TempDir()).path
        result = subprocess.run(
            [sys.executable, '-W', 'ignore', '-c', _PROBE, data_dir] +
            modules, capture_output=True, text=True, timeout=300)
        self.assertEqual(0, result.returncode, result.stderr[-3000:])
        lines = result.stdout.strip().splitlines()
        self.assertEqual(
            ["<class 'heat_store.dashboard.stacks.views."
             "SelectTemplateView'>", '/project/template_store/', "['heat']"],
            lines[-3:])
