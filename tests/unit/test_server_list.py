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

"""tests/functional/servers.txt names modules that exist.

tools/test.sh leaves the listed tests out of the previous Heat release's
run, and tox's functional environments split on the list: an entry that
no longer names a module (renamed, moved) would silently run its tests
on both releases, and a regex stestr cannot read stops every run.
"""

import os
import re

from tests import base

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
LIST = os.path.join(TOP, 'tests', 'functional', 'servers.txt')
ENTRY = re.compile(r'^\^tests\\\.functional\\\.(test_[a-z0-9_]+)\\\.$')


def _entries():
    """The regexes of the list, as stestr reads them (``#`` comments)."""
    with open(LIST) as f:
        return [line.split('#')[0].strip() for line in f
                if line.split('#')[0].strip()]


class ServerListTest(base.BaseTestCase):

    def test_each_entry_is_one_functional_module_that_exists(self):
        entries = _entries()
        self.assertNotEqual([], entries)
        for entry in entries:
            match = ENTRY.match(entry)
            self.assertIsNotNone(match, entry)
            path = os.path.join(TOP, 'tests', 'functional',
                                match.group(1) + '.py')
            self.assertTrue(os.path.isfile(path), entry)

    def test_no_module_is_listed_twice(self):
        entries = _entries()
        self.assertEqual(sorted(set(entries)), sorted(entries))
