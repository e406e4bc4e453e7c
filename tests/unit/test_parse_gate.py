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

"""Only the parse gate (heat_store/parsing.py) parses YAML or JSON text.

Every call of a YAML loader (PyYAML's ``load``, ``safe_load``,
``compose``... or a ``Loader`` class), of Heat's or heatclient's
``template_format.parse``/``simple_parse``, ``environment_format.parse``,
or of ``json.loads`` on anything but ``json.dumps(...)`` (a deep copy) is
found by reading every file of heat_store/ with ``ast``; outside the gate
each must be listed below with its reason.
"""

import ast
import os

import fixtures

import heat_store
from tests import base

PACKAGE_DIR = os.path.dirname(os.path.abspath(heat_store.__file__))
GATE = 'parsing.py'
# path relative to heat_store/ -> why its parse is not user text
ALLOWED = {
    # The OpenAPI document shipped in the package, read by its tools.
    'api/openapi.py': 'the shipped OpenAPI document',
    # The dev server's own child process reads its parent's arguments.
    'dev/identity.py': "heat-store-dev's own command line",
    # The resource's own data row, JSON the resource wrote itself.
    'resources/stored_template.py': 'resource data the resource wrote',
}
YAML_LOADERS = ('load', 'safe_load', 'full_load', 'unsafe_load',
                'load_all', 'safe_load_all', 'full_load_all',
                'unsafe_load_all', 'compose', 'compose_all', 'parse',
                'scan')
FORMAT_MODULES = ('template_format', 'environment_format')
FORMAT_PARSERS = ('parse', 'simple_parse')
JSON_MODULES = ('json', 'jsonutils')
LOADER_METHODS = ('get_single_data', 'get_single_node',
                  'construct_document', 'get_data', 'get_node')


def _name(node):
    """``a.b.c`` of a Name/Attribute chain, or None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return '.'.join(reversed(parts))
    return None


def _is_deep_copy(call):
    return (len(call.args) == 1 and isinstance(call.args[0], ast.Call) and
            (_name(call.args[0].func) or '').endswith('json.dumps'))


def _is_loader_call(call):
    name = _name(call.func) or ''
    parts = name.split('.')
    owner, attr = (parts[-2] if len(parts) > 1 else ''), parts[-1]
    if owner == 'yaml' and attr in YAML_LOADERS:
        return True
    if owner in FORMAT_MODULES and attr in FORMAT_PARSERS:
        return True
    if owner in JSON_MODULES and attr in ('load', 'loads'):
        return not _is_deep_copy(call)
    if attr.endswith('Loader') or attr in LOADER_METHODS:
        return True
    return False


def _is_loader_import(node):
    if not isinstance(node, ast.ImportFrom):
        return False
    module = node.module or ''
    names = [alias.name for alias in node.names]
    if module == 'yaml':
        return any(n in YAML_LOADERS or n.endswith('Loader') for n in names)
    if module.split('.')[-1] in FORMAT_MODULES:
        return any(n in FORMAT_PARSERS for n in names)
    return module == 'json' and any(n in ('load', 'loads') for n in names)


def _findings(path):
    with open(path) as f:
        source = f.read()
    found = []
    for node in ast.walk(ast.parse(source, path)):
        if ((isinstance(node, ast.Call) and _is_loader_call(node)) or
                _is_loader_import(node)):
            found.append('%s:%d' % (path, node.lineno))
    return found


class ParseGateTest(base.BaseTestCase):

    def test_only_the_gate_calls_a_loader(self):
        found = []
        for root, dirs, files in os.walk(PACKAGE_DIR):
            dirs.sort()
            for name in sorted(files):
                path = os.path.join(root, name)
                rel = os.path.relpath(path, PACKAGE_DIR)
                if (name.endswith('.py') and rel != GATE and
                        rel not in ALLOWED):
                    found.extend(_findings(path))
        self.assertEqual([], found)

    def test_the_gate_is_scanned_and_calls_loaders(self):
        self.assertNotEqual(
            [], _findings(os.path.join(PACKAGE_DIR, GATE)))

    def test_allowed_files_exist(self):
        for rel in ALLOWED:
            self.assertTrue(os.path.exists(os.path.join(PACKAGE_DIR, rel)),
                            rel)

    def test_the_check_sees_every_kind_of_loader(self):
        path = self.useFixture(fixtures.TempDir()).join('probe.py')
        with open(path, 'w') as f:
            f.write('import json\n'
                    'yaml.safe_load(text)\n'                      # 2
                    'yaml.load(text, Loader=yaml.CSafeLoader)\n'  # 3
                    'yaml.compose(text)\n'                        # 4
                    'template_format.parse(text)\n'               # 5
                    'template_format.simple_parse(text)\n'        # 6
                    'environment_format.parse(text)\n'            # 7
                    'json.loads(text)\n'                          # 8
                    'json.loads(json.dumps(data))\n'              # deep copy
                    'loader = yaml.SafeLoader(text)\n'            # 10
                    'from yaml import safe_load\n'                # 11
                    'yaml.safe_dump(data)\n'                      # a dumper
                    'json.dumps(data)\n')
        self.assertEqual(['%s:%d' % (path, n)
                          for n in (2, 3, 4, 5, 6, 7, 8, 10, 11)],
                         sorted(_findings(path),
                                key=lambda s: int(s.rsplit(':', 1)[1])))
