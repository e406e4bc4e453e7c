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

"""Only the objects layer reaches the database layer.

The routes, the resource type, publishing and the impact preview read and
write through ``heat_store.objects``; ``heat_store.db`` is imported only by
itself, by the objects, by ``heat-store-manage`` (migrations) and by the
development server. Checked by reading every production file for an
import of ``heat_store.db`` (function-level imports included).
"""

import fixtures

from tests import base
from tests.unit import test_dev_isolation as scan

DB = 'heat_store.db'
# Modules (or packages, ending in '.') that may import heat_store.db.
ALLOWED = ('heat_store.db.', 'heat_store.objects.',
           'heat_store.cmd.manage')


def _is_db(name):
    return name == DB or name.startswith(DB + '.')


def _allowed(module):
    return any(module == a or (a.endswith('.') and module.startswith(a))
               for a in ALLOWED)


class LayeringTest(base.BaseTestCase):

    def test_only_objects_import_the_database_layer(self):
        found = []
        for module, path in scan._production_files():
            if not _allowed(module):
                found.extend(scan._dev_imports(module, path, _is_db))
        self.assertEqual([], found)

    def test_the_resource_type_is_scanned(self):
        modules = {m for m, _p in scan._production_files()
                   if not _allowed(m)}
        for name in ('heat_store.resources.stored_template',
                     'heat_store.impact', 'heat_store.dependencies',
                     'heat_store.publishing', 'heat_store.api.versions'):
            self.assertIn(name, modules)

    def test_the_scan_does_see_db_imports(self):
        path = self.useFixture(fixtures.TempDir()).join('probe.py')
        with open(path, 'w') as f:
            f.write('from heat_store.db import api as db_api\n'
                    'import heat_store.db.consumers\n'
                    'from heat_store import db\n'
                    'from heat_store import dbx\n'
                    'from heat_store.objects import consumer\n')
        found = scan._dev_imports('heat_store.resources.probe', path, _is_db)
        self.assertEqual(['%s:%d' % (path, n) for n in (1, 2, 3)],
                         sorted(found, key=lambda s: int(s.rsplit(':', 1)[1])))
