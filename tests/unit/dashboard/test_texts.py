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

"""The panel's Template, Files and Environment tabs show the texts kept.

Run with Horizon's settings in a fresh interpreter, as test_imports does.
"""

import importlib.util
import json
import subprocess
import sys

import fixtures

from tests import base

_PROBE = '''
import json, os, sys, types
from heat_store.dev import dashboard
top = dashboard.write_settings(sys.argv[1], 'http://127.0.0.1:5999/v3')
sys.path.insert(0, top)
os.environ['DJANGO_SETTINGS_MODULE'] = 'openstack_dashboard.settings'
import django
django.setup()
from heat_store.dashboard.template_store import tabs
shown = {}
for name, fields in json.loads(sys.argv[2]).items():
    version = types.SimpleNamespace(template_name='web', **fields)
    shown[name] = [tab.texts(None, version) for tab in (
        tabs.TemplateTab, tabs.FilesTab, tabs.EnvironmentTab)]
print(json.dumps(shown))
'''

ROOT = '# mine\nheat_template_version: 2018-08-31  # unquoted\n'
ENV = '# env\nparameter_defaults: {a: 1}\n'
STORED = {'template': {'heat_template_version': '2018-08-31'},
          'files': {'child.yaml': '{"resources":{}}', 'boot.sh': 'echo\n'},
          'environment': {'parameter_defaults': {'a': 1}}}


class TextTabsTest(base.TestCase):
    def test_texts_kept_are_shown_others_as_before(self):
        if importlib.util.find_spec('horizon') is None:
            raise base.service_missing(
                'Horizon is not installed (the dashboard extra)')
        versions = {
            'kept': dict(STORED, template_text=ROOT, environment_text=ENV,
                         files_text={'child.yaml': '# c\nresources: {}\n'}),
            'older': dict(STORED),
        }
        data_dir = self.useFixture(fixtures.TempDir()).path
        result = subprocess.run(
            [sys.executable, '-W', 'ignore', '-c', _PROBE, data_dir,
             json.dumps(versions)], capture_output=True, text=True,
            timeout=300)
        self.assertEqual(0, result.returncode, result.stderr[-3000:])
        shown = json.loads(result.stdout.strip().splitlines()[-1])
        self.assertEqual([
            [['web.yaml', ROOT]],
            [['boot.sh', 'echo\n'], ['child.yaml', '# c\nresources: {}\n']],
            [['environment.yaml', ENV]]], shown['kept'])
        self.assertEqual([
            [['web.yaml', "heat_template_version: '2018-08-31'\n"]],
            [['boot.sh', 'echo\n'], ['child.yaml', '{"resources":{}}']],
            [['environment.yaml', 'parameter_defaults:\n  a: 1\n']]],
            shown['older'])
