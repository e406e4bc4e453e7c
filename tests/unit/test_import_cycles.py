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

"""No import cycle among the store's modules, at any depth.

Every ``import``/``from ... import`` of a ``heat_store`` module, at module
level or inside a function, is an edge; the graph must have no cycle.
"""

import ast
import os

from tests import base

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
PACKAGE = os.path.join(TOP, 'heat_store')


def module_name(path):
    rel = os.path.relpath(path, TOP)[:-len('.py')].replace(os.sep, '.')
    return rel[:-len('.__init__')] if rel.endswith('.__init__') else rel


def imports_of(path, modules):
    """The heat_store modules a file imports, wherever in the file."""
    with open(path, encoding='utf-8') as f:
        tree = ast.parse(f.read(), path)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + ['%s.%s' % (node.module, alias.name)
                                     for alias in node.names]
        else:
            continue
        found.update(name for name in names if name in modules)
    return found


def graph():
    paths = {}
    for root, _dirs, files in os.walk(PACKAGE):
        for name in files:
            if name.endswith('.py'):
                path = os.path.join(root, name)
                paths[module_name(path)] = path
    modules = set(paths)
    # NOTE: a module imports the packages above it by being imported (a
    # package's __init__ importing its own submodules is the usual shape);
    # those edges are not cycles of the code.
    return {name: {target for target in imports_of(path, modules)
                   if target != name and
                   not name.startswith(target + '.')}
            for name, path in paths.items()}


def find_cycle(edges):
    """One cycle as a list of modules, or None."""
    state = {}

    def visit(node, trail):
        state[node] = 'open'
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 'open':
                return trail[trail.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt, trail + [nxt])
                if cycle:
                    return cycle
        state[node] = 'done'
        return None

    for start in sorted(edges):
        if start not in state:
            cycle = visit(start, [start])
            if cycle:
                return cycle
    return None


class ImportCycleTest(base.TestCase):

    def test_no_cycle(self):
        self.assertIsNone(find_cycle(graph()))

    def test_a_cycle_is_found(self):
        # The check itself, on a graph that has one.
        self.assertEqual(['a', 'b', 'c', 'a'],
                         find_cycle({'a': {'b'}, 'b': {'c'}, 'c': {'a'}}))

    def test_the_db_layers_edge(self):
        edges = graph()
        self.assertIn('heat_store.db.consumers', edges['heat_store.db.api'])
        self.assertNotIn('heat_store.db.api',
                         edges['heat_store.db.consumers'])
