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

"""Opportunistic database tests on SQLite, MariaDB and PostgreSQL.

MariaDB and PostgreSQL are reached with oslo.db's opportunistic test
account (openstack_citest). Where a server is absent these tests skip,
unless HEAT_STORE_REQUIRE_SERVICES is set (as ``.ci/run`` does): then a
missing server is a failure, so CI never skips them.

Each test gets its own provisioned database, and Heat's enginefacade (which
the store shares) is pointed at it for the test's duration.
"""

import os

from oslo_db.sqlalchemy import provision
from oslo_db.sqlalchemy import test_fixtures
import sqlalchemy as sa

from heat.db import api as heat_db_api

from tests import base


class _HeatFacade(object):
    def get_enginefacade(self):
        return heat_db_api.context_manager

    def _get_db_resource_not_available_reason(self):
        """oslo.db's reason ("Backend 'mysql' is unavailable: Could not
        connect"), with the account it tried and what creates it.
        """
        reason = super()._get_db_resource_not_available_reason()
        backend = provision.Backend.backends_by_database_type.get(self.driver)
        if not reason or backend is None:
            return reason
        account = backend.url.render_as_string(hide_password=True)
        if os.environ.get('OS_TEST_DBAPI_ADMIN_CONNECTION'):
            return '%s as %s (OS_TEST_DBAPI_ADMIN_CONNECTION)' % (
                reason, account)
        return ('%s as %s (oslo.db\'s test account): tools/ci-services.sh '
                'starts the server and creates the account, or '
                'OS_TEST_DBAPI_ADMIN_CONNECTION names another' % (
                    reason, account))


class SQLiteFixture(_HeatFacade, test_fixtures.OpportunisticDbFixture):
    pass


class MySQLFixture(_HeatFacade, test_fixtures.MySQLOpportunisticFixture):
    pass


class PostgresFixture(_HeatFacade,
                      test_fixtures.PostgresqlOpportunisticFixture):
    pass


class OpportunisticMixin(test_fixtures.OpportunisticDBTestMixin):
    SKIP_ON_UNAVAILABLE_DB = not base.REQUIRE_SERVICES
    FIXTURE = SQLiteFixture

    def setUp(self):
        super().setUp()
        self.engine = heat_db_api.context_manager.writer.get_engine()


class MySQLMixin(OpportunisticMixin):
    FIXTURE = MySQLFixture


class PostgresMixin(OpportunisticMixin):
    FIXTURE = PostgresFixture


# Tests that need the schema but not an empty database: Heat's and the
# store's migrations run once per database and test process, and every
# row is deleted after each test. Modules using these mixins need
# ``load_tests = test_fixtures.optimize_module_test_loader()`` so that
# their tests share the database.

class _SchemaOnce(test_fixtures.GeneratesSchemaFromMigrations,
                  test_fixtures.DeletesFromSchema):

    def generate_schema_migrations(self, engine):
        heat_and_store_schema(engine)

    def delete_from_schema(self, engine):
        delete_all_rows(engine)


class SQLiteSchemaFixture(_SchemaOnce, SQLiteFixture):
    pass


class MySQLSchemaFixture(_SchemaOnce, MySQLFixture):
    pass


class PostgresSchemaFixture(_SchemaOnce, PostgresFixture):
    pass


class SQLiteSchemaMixin(OpportunisticMixin):
    FIXTURE = SQLiteSchemaFixture


class MySQLSchemaMixin(OpportunisticMixin):
    FIXTURE = MySQLSchemaFixture


class PostgresSchemaMixin(OpportunisticMixin):
    FIXTURE = PostgresSchemaFixture


def delete_all_rows(engine):
    """Empty every table but the migration version tables."""
    tables = [t for t in sa.inspect(engine).get_table_names()
              if not t.endswith('alembic_version')]
    with engine.begin() as conn:
        if engine.dialect.name == 'postgresql':
            # NOTE: bounded, so that a connection a test left open fails
            # the clean-up instead of hanging it.
            conn.exec_driver_sql("SET LOCAL lock_timeout = '20s'")
            conn.exec_driver_sql('TRUNCATE %s CASCADE' % ', '.join(
                '"%s"' % t for t in tables))
            return
        if engine.dialect.name == 'mysql':
            conn.exec_driver_sql('SET SESSION lock_wait_timeout = 20')
            conn.exec_driver_sql('SET FOREIGN_KEY_CHECKS = 0')
        for table in tables:
            conn.exec_driver_sql('DELETE FROM %s' % table)
        if engine.dialect.name == 'mysql':
            conn.exec_driver_sql('SET FOREIGN_KEY_CHECKS = 1')


def heat_and_store_schema(engine):
    """Heat's tables and the store's, each by its own migrations."""
    from heat.db import migration as heat_migration

    from heat_store.db import migration as store_migration

    heat_migration.db_sync(engine=engine)
    store_migration.db_sync(engine=engine)
