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

"""The embedded Heat's SQLite, as Heat's engine connects to it."""

from heat_store.dev import embedded
from tests import base
from tests.functional import fixtures


class EmbeddedSQLiteTest(base.TestCase):

    def test_a_connection_queues_for_the_write_lock(self):
        # Writers queue for the lock (BEGIN IMMEDIATE); on loaded cores
        # Python's default 5 s wait ended in "database is locked" for a
        # stack building four nested stacks at once.
        from heat.db import api as heat_db_api

        fixtures.embedded_heat()
        with heat_db_api.get_engine().connect() as conn:
            self.assertEqual(
                embedded.SQLITE_BUSY_SECONDS * 1000,
                conn.exec_driver_sql('PRAGMA busy_timeout').scalar())
