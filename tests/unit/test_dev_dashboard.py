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

"""The Horizon settings ``heat-store-dev --dashboard`` writes."""

import os
import stat

import fixtures

from heat_store.dashboard import policy
from heat_store.dev import dashboard
from tests import base

KEYSTONE = 'http://127.0.0.1:5999/v3'


class WriteSettingsTest(base.TestCase):
    def setUp(self):
        super().setUp()
        self.data_dir = self.useFixture(fixtures.TempDir()).path

    def _settings(self, top):
        path = os.path.join(top, 'local', 'local_settings.py')
        with open(path) as f:
            text = f.read()
        code = compile(text, path, 'exec')  # it is Python
        return text, code

    def test_points_horizon_at_keystone_and_the_store_policies(self):
        top = dashboard.write_settings(self.data_dir, KEYSTONE)
        self.assertEqual(os.path.join(self.data_dir, 'dashboard'), top)
        self.assertTrue(os.path.exists(
            os.path.join(top, 'local', '__init__.py')))
        text, _code = self._settings(top)
        self.assertIn("OPENSTACK_KEYSTONE_URL = %r" % KEYSTONE, text)
        self.assertIn("POLICY_DIRS = {'orchestration': "
                      "[_store_policy.POLICY_DIR]}", text)
        self.assertTrue(os.path.exists(policy.POLICY_FILE))
        # Horizon's compiled styles are cached in the data directory.
        self.assertIn(repr(os.path.join(top, 'static')), text)

    def test_secret_key_is_private_and_kept(self):
        top = dashboard.write_settings(self.data_dir, KEYSTONE)
        first, _code = self._settings(top)
        key_file = os.path.join(top, 'secret_key')
        self.assertEqual(0o600, stat.S_IMODE(os.stat(key_file).st_mode))
        dashboard.write_settings(self.data_dir, KEYSTONE)
        second, _code = self._settings(top)
        self.assertEqual(first, second)
        with open(key_file) as f:
            self.assertIn(repr(f.read().strip()), second)

    def test_urls(self):
        d = dashboard.Dashboard(self.data_dir, KEYSTONE, port=8123)
        self.assertEqual('http://127.0.0.1:8123/', d.url)
        self.assertEqual('http://127.0.0.1:8123/project/template_store/',
                         d.panel_url)
