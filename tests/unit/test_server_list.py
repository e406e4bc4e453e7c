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

"""The lists of tests that run on one Heat release name what exists.

tools/test.sh leaves the tests of tests/functional/servers.txt and
tests/functional/release_independent.txt out of the previous Heat
release's run, and tox's functional environments split on servers.txt:
an entry that no longer names a module or class (renamed, moved) would
silently run its tests on both releases, and a regex stestr cannot read
stops every run.
"""

import ast
import os
import re

from tests import base

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
FUNCTIONAL = os.path.join(TOP, 'tests', 'functional')
LISTS = ('servers.txt', 'release_independent.txt')
# A module of tests/functional or tests/unit (in a package of them or
# not), a class of such a module, or a package of tests/unit.
ENTRY = re.compile(r'^\^tests\\\.(functional|unit)\\\.'
                   r'([a-z0-9_]+(?:\\\.[a-z0-9_]+)*)\\\.'
                   r'(?:([A-Z][A-Za-z0-9_]*)\\\.)?$')


def _entries(name):
    """The regexes of a list, as stestr reads them (``#`` comments)."""
    with open(os.path.join(FUNCTIONAL, name)) as f:
        return [line.split('#')[0].strip() for line in f
                if line.split('#')[0].strip()]


def _classes(path):
    with open(path) as f:
        tree = ast.parse(f.read())
    return {node.name for node in tree.body
            if isinstance(node, ast.ClassDef)}


class OneReleaseListsTest(base.BaseTestCase):

    def test_each_entry_names_a_module_or_class_that_exists(self):
        for name in LISTS:
            entries = _entries(name)
            self.assertNotEqual([], entries, name)
            for entry in entries:
                match = ENTRY.match(entry)
                self.assertIsNotNone(match, '%s: %s' % (name, entry))
                kind, module, klass = match.groups()
                where = os.path.join(TOP, 'tests', kind,
                                     *module.split('\\.'))
                if klass or kind == 'functional':
                    self.assertTrue(os.path.isfile(where + '.py'),
                                    '%s: %s' % (name, entry))
                else:
                    self.assertTrue(
                        os.path.isfile(where + '.py') or
                        os.path.isfile(os.path.join(where, '__init__.py')),
                        '%s: %s' % (name, entry))
                if klass:
                    self.assertIn(klass, _classes(where + '.py'),
                                  '%s: %s' % (name, entry))

    def test_nothing_is_listed_twice(self):
        # No entry twice, and no class of a module listed whole.
        listed = []
        for name in LISTS:
            listed.extend(ENTRY.match(entry).groups()
                          for entry in _entries(name))
        self.assertEqual(sorted(set(listed)), sorted(listed))
        whole = {(kind, module) for kind, module, klass in listed
                 if not klass}
        self.assertEqual([], [entry for entry in listed
                              if entry[2] and entry[:2] in whole])

    def test_the_lists_name_no_test_of_the_resource_type(self):
        # The resource type leans on StackResource internals: its tests,
        # and the attacks through it by every path another project has
        # (the nested isolation matrix crosses those paths with every
        # visibility and role on the current release), run on both.
        for name in LISTS:
            for entry in _entries(name):
                self.assertNotIn('stored_template_resource', entry)
                self.assertNotIn('upgrade_policy', entry)
                self.assertNotIn('trust_boundary', entry)
