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

"""Every broad ``except`` in heat_store/ logs and says why it is broad.

A broad handler (bare, ``Exception`` or ``BaseException``) must call a
logger somewhere in its body and carry a comment on its ``except`` line
or inside it; anything else should catch something narrower.
"""

import ast
import os

import fixtures

import heat_store
from tests import base

PACKAGE_DIR = os.path.dirname(os.path.abspath(heat_store.__file__))
BROAD = ('Exception', 'BaseException')
LOG_METHODS = ('debug', 'info', 'warning', 'error', 'exception', 'critical')


def _is_broad(handler):
    kinds = handler.type
    if kinds is None:
        return True
    names = kinds.elts if isinstance(kinds, ast.Tuple) else [kinds]
    return any(isinstance(n, ast.Name) and n.id in BROAD for n in names)


def _logs(handler):
    return any(isinstance(node, ast.Call) and
               isinstance(node.func, ast.Attribute) and
               node.func.attr in LOG_METHODS
               for node in ast.walk(handler))


def _findings(path):
    with open(path) as f:
        source = f.read()
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source, path)):
        if not isinstance(node, ast.ExceptHandler) or not _is_broad(node):
            continue
        text = lines[node.lineno - 1:node.end_lineno]
        if not _logs(node):
            found.append('%s:%d: no log line' % (path, node.lineno))
        if not any('#' in line for line in text):
            found.append('%s:%d: no comment' % (path, node.lineno))
    return found


class BroadExceptTest(base.BaseTestCase):

    def test_broad_excepts_log_and_say_why(self):
        found = []
        for root, dirs, files in os.walk(PACKAGE_DIR):
            dirs.sort()
            for name in sorted(files):
                if name.endswith('.py'):
                    found.extend(_findings(os.path.join(root, name)))
        self.assertEqual([], found)

    def test_the_check_sees_a_silent_handler(self):
        path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'probe.py')
        with open(path, 'w') as f:
            f.write('try:\n    pass\nexcept Exception:\n    pass\n'
                    'try:\n    pass\nexcept (ValueError, Exception):\n'
                    '    # why\n    LOG.debug("x")\n'
                    'try:\n    pass\nexcept ValueError:\n    pass\n')
        self.assertEqual(['%s:3: no log line' % path,
                          '%s:3: no comment' % path], _findings(path))
