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

"""The resource type on the embedded Heat with PostgreSQL as its database.

A failed update's rollback is where Heat's database handling matters most
(SQLite needed its row ids fixed for it), so it runs on PostgreSQL too.
Skips without a PostgreSQL server unless HEAT_STORE_REQUIRE_SERVICES is
set, as in CI.
"""

import atexit
import os
import threading
import uuid

import sqlalchemy as sa

from tests import base
from tests.functional import server as server_mod
from tests.functional import test_stored_template_resource as resource_tests

ADMIN_URL = os.environ.get(
    'HEAT_STORE_TEST_POSTGRES',
    'postgresql+psycopg2://openstack_citest:openstack_citest@127.0.0.1/'
    'openstack_citest')
_lock = threading.Lock()
_server = {}


def _admin_engine():
    return sa.create_engine(ADMIN_URL, isolation_level='AUTOCOMMIT',
                            poolclass=sa.pool.NullPool)


def postgres_server():
    """heat-store-dev on a fresh PostgreSQL database, once per process."""
    with _lock:
        if 'server' in _server:
            return _server['server']
        name = 'heat_store_%s' % uuid.uuid4().hex[:12]
        try:
            with _admin_engine().connect() as conn:
                conn.execute(sa.text('CREATE DATABASE %s' % name))
        except sa.exc.OperationalError as exc:
            _server['server'] = None
            _server['error'] = str(exc).splitlines()[0]
            return None
        url = ADMIN_URL.rsplit('/', 1)[0] + '/' + name
        server = server_mod.EmbeddedServer(extra_args=['--database', url])

        def cleanup():
            server.stop()
            with _admin_engine().connect() as conn:
                conn.execute(sa.text('DROP DATABASE IF EXISTS %s' % name))

        atexit.register(cleanup)
        _server['server'] = server.start()
        return _server['server']


class PostgresStoredTemplateTest(resource_tests.StackTestMixin,
                                 base.TestCase):

    def get_server(self):
        server = postgres_server()
        if server is None:
            message = 'PostgreSQL unavailable: %s' % _server.get('error')
            raise base.service_missing(message)
        return server

    test_failed_update_rolls_back_to_the_old_pin = (
        resource_tests.StoredTemplateResourceTest.
        test_failed_update_rolls_back_to_the_old_pin)
    test_update_keeps_pin_until_version_changes = (
        resource_tests.StoredTemplateResourceTest.
        test_update_keeps_pin_until_version_changes)
    test_pinned_version_cannot_be_deleted_until_stack_is = (
        resource_tests.StoredTemplateResourceTest.
        test_pinned_version_cannot_be_deleted_until_stack_is)
