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

"""No production module reaches the development server.

``heat_store.dev`` patches Heat and oslo.messaging internals for a
one-process Heat. heat-api and heat-engine load the store's routes,
resource type and configuration; none of them may import it, directly
or through another module. Checked twice: by importing every module
outside ``heat_store/dev/`` in a fresh interpreter, and by reading every
such file for an import of it (which also covers code paths the import
does not run, such as function-level imports).
"""

import ast
import os
import subprocess
import sys

import fixtures

import heat_store
from tests import base

PACKAGE_DIR = os.path.dirname(os.path.abspath(heat_store.__file__))
DEV = 'heat_store.dev'
# alembic runs env.py itself, inside a migration context; importing it
# bare fails. The static scan below still reads it.
NOT_IMPORTABLE = ('heat_store.db.migrations.env',)
# The Horizon panel's modules import Horizon, which needs a configured
# Django (Horizon's settings) to import; the static scan reads them, and
# tests/functional/test_dashboard.py runs them inside Horizon.
NEEDS_HORIZON = ('heat_store.dashboard.api',
                 'heat_store.dashboard.names',
                 'heat_store.dashboard.stacks.',
                 'heat_store.dashboard.template_store.')
# A few of the modules the walk must find, so that a broken walk cannot
# pass by importing nothing.
EXPECTED = (
    'heat_store.api.router', 'heat_store.api.stored_templates',
    'heat_store.bundle', 'heat_store.client.shell', 'heat_store.cmd.heat',
    'heat_store.cmd.manage', 'heat_store.conf', 'heat_store.db.api',
    'heat_store.db.consumers', 'heat_store.dependencies',
    'heat_store.exception', 'heat_store.impact', 'heat_store.names',
    'heat_store.objects.stored_template', 'heat_store.osc.stored_template',
    'heat_store.plugin.heat_store_resources', 'heat_store.policies',
    'heat_store.publishing', 'heat_store.quotas', 'heat_store.references',
    'heat_store.resources.stored_template', 'heat_store.validation',
    'heat_store.versioning',
)

_PROBE = '''
import importlib
import sys
for name in sys.argv[1:]:
    importlib.import_module(name)
print(sorted(m for m in sys.modules if m == %(dev)r or
             m.startswith(%(dev)r + '.')))
''' % {'dev': DEV}


def _production_files():
    """(module name, path) of every .py file outside heat_store/dev/."""
    top = os.path.dirname(PACKAGE_DIR)
    for root, dirs, files in os.walk(PACKAGE_DIR):
        dirs.sort()
        rel = os.path.relpath(root, top).split(os.sep)
        if '.'.join(rel) == DEV:
            dirs[:] = []
            continue
        for name in sorted(files):
            if not name.endswith('.py'):
                continue
            parts = rel + ([] if name == '__init__.py' else [name[:-3]])
            yield '.'.join(parts), os.path.join(root, name)


def _is_dev(name):
    return name == DEV or name.startswith(DEV + '.')


def _dev_imports(module, path, wanted=_is_dev):
    """The imports of heat_store.dev (or of what ``wanted`` accepts) in one
    file, as 'path:line'.
    """
    with open(path) as f:
        tree = ast.parse(f.read(), path)
    package = module if path.endswith('__init__.py') else (
        module.rpartition('.')[0])
    found = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base_name = node.module or ''
            if node.level:
                parent = package.split('.')
                parent = parent[:len(parent) - node.level + 1]
                base_name = '.'.join(parent + ([base_name] if base_name
                                               else []))
            names = [base_name] + ['%s.%s' % (base_name, alias.name)
                                   for alias in node.names]
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and wanted(node.value.split(':')[0])):
            # importlib.import_module('heat_store.dev...') or an entry
            # point string.
            names = [node.value.split(':')[0]]
        if any(wanted(name) for name in names):
            found.append('%s:%d' % (path, node.lineno))
    return found


class DevIsolationTest(base.BaseTestCase):

    def test_walk_finds_the_production_modules(self):
        modules = {name for name, _ in _production_files()}
        for name in EXPECTED:
            self.assertIn(name, modules)
        self.assertFalse([m for m in modules if _is_dev(m)])

    def test_production_imports_never_load_dev(self):
        modules = [name for name, _ in _production_files()
                   if name not in NOT_IMPORTABLE and
                   not name.startswith(NEEDS_HORIZON)]
        result = subprocess.run(
            [sys.executable, '-W', 'ignore', '-c', _PROBE] + modules,
            capture_output=True, text=True, timeout=300)
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertEqual('[]', result.stdout.strip().splitlines()[-1])

    def test_the_probe_does_see_dev(self):
        result = subprocess.run(
            [sys.executable, '-W', 'ignore', '-c', _PROBE,
             'heat_store.dev.wsgi_server'],
            capture_output=True, text=True, timeout=120)
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertIn("'heat_store.dev.wsgi_server'", result.stdout)

    def test_no_production_file_imports_dev(self):
        found = []
        for module, path in _production_files():
            found.extend(_dev_imports(module, path))
        self.assertEqual([], found)

    def test_the_scan_does_see_dev_imports(self):
        path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'probe.py')
        with open(path, 'w') as f:
            f.write(
                'import heat_store.dev.embedded\n'
                'from heat_store import dev\n'
                'from .. import dev as d\n'
                'from heat_store.dev.cmd import main\n'
                "x = 'heat_store.dev.cmd:main'\n"
                'from heat_store import devices\n')
        found = _dev_imports('heat_store.cmd.probe', path)
        self.assertEqual(['%s:%d' % (path, n) for n in (1, 2, 3, 4, 5)],
                         sorted(found, key=lambda s: int(s.rsplit(':', 1)[1])))
