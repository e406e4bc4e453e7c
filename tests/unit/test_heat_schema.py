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

"""Heat's schema is the one the store's database tests were run against.

The store's tables sit beside Heat's and refer to its ``stack`` table.
The database tests on MariaDB and PostgreSQL run on the current Heat
release only (tests/functional/release_independent.txt), because both
releases tools/test.sh runs (27.0.1 and 26.0.2) build the same schema:
the same alembic revisions, one after the other. This test runs on both
releases; a release whose migrations differ fails it, and those database
tests must then run on both again.
"""

import os

from alembic import script as alembic_script

from heat.db import migration as heat_migration

from tests import base

# Heat's alembic revisions, oldest first.
REVISIONS = ['c6214ca60943', 'd2db381e3324', '88be64598c0f', '97b2a986f922']


class HeatSchemaTest(base.BaseTestCase):

    def test_heat_builds_the_schema_the_database_tests_know(self):
        scripts = alembic_script.ScriptDirectory(os.path.join(
            os.path.dirname(heat_migration.__file__), 'migrations'))
        chain = [revision.revision for revision in scripts.walk_revisions()]
        self.assertEqual(REVISIONS, chain[::-1])
