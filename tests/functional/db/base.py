"""Opportunistic database tests on SQLite, MariaDB and PostgreSQL.

MariaDB and PostgreSQL are reached with oslo.db's opportunistic test
account (openstack_citest). Where a server is absent these tests skip,
unless HEAT_STORE_REQUIRE_SERVICES is set (as ``.ci/run`` does): then a
missing server is a failure, so CI never skips them.

Each test gets its own provisioned database, and Heat's enginefacade (which
the store shares) is pointed at it for the test's duration.
"""

import os

from oslo_db.sqlalchemy import test_fixtures

from heat.db import api as heat_db_api

REQUIRE_SERVICES = bool(os.environ.get('HEAT_STORE_REQUIRE_SERVICES'))


class _HeatFacade(object):
    def get_enginefacade(self):
        return heat_db_api.context_manager


class SQLiteFixture(_HeatFacade, test_fixtures.OpportunisticDbFixture):
    pass


class MySQLFixture(_HeatFacade, test_fixtures.MySQLOpportunisticFixture):
    pass


class PostgresFixture(_HeatFacade,
                      test_fixtures.PostgresqlOpportunisticFixture):
    pass


class OpportunisticMixin(test_fixtures.OpportunisticDBTestMixin):
    SKIP_ON_UNAVAILABLE_DB = not REQUIRE_SERVICES
    FIXTURE = SQLiteFixture

    def setUp(self):
        super().setUp()
        self.engine = heat_db_api.context_manager.writer.get_engine()


class MySQLMixin(OpportunisticMixin):
    FIXTURE = MySQLFixture


class PostgresMixin(OpportunisticMixin):
    FIXTURE = PostgresFixture


def heat_and_store_schema(engine):
    """Heat's tables and the store's, each by its own migrations."""
    from heat.db import migration as heat_migration

    from heat_store.db import migration as store_migration

    heat_migration.db_sync(engine=engine)
    store_migration.db_sync(engine=engine)
