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

"""The store's migrations: they run, coexist with Heat's, and match the
models, on every database the store supports."""

from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import test_migrations
import sqlalchemy as sa

from heat.db import migration as heat_migration

from heat_store.db import migration
from heat_store.db import models
from tests import base as test_base
from tests.functional.db import base


class MigrationsTest(object):

    def test_sync_creates_tables_in_own_version_table(self):
        migration.db_sync(engine=self.engine)
        inspector = sa.inspect(self.engine)
        tables = set(inspector.get_table_names())
        self.assertLessEqual(set(models.BASE.metadata.tables), tables)
        self.assertIn(migration.VERSION_TABLE, tables)
        # NOTE: close the connection: a MariaDB transaction left open holds
        # a metadata lock that blocks the fixture's DROP TABLE for ever.
        with self.engine.connect() as conn:
            current = conn.execute(sa.text(
                'SELECT version_num FROM %s' % migration.VERSION_TABLE)
            ).scalar()
        self.assertEqual(migration.db_version(self.engine), current)

    def test_heat_and_store_syncs_do_not_step_on_each_other(self):
        heat_migration.db_sync(engine=self.engine)
        migration.db_sync(engine=self.engine)
        # Running each again is a no-op, in either order.
        migration.db_sync(engine=self.engine)
        heat_migration.db_sync(engine=self.engine)
        with self.engine.connect() as conn:
            heat_rev = conn.execute(sa.text(
                'SELECT version_num FROM alembic_version')).scalars().all()
            store_rev = conn.execute(sa.text(
                'SELECT version_num FROM %s' % migration.VERSION_TABLE)
            ).scalars().all()
        self.assertEqual(1, len(heat_rev))
        self.assertEqual([migration.db_version(self.engine)], store_rev)
        self.assertNotEqual(heat_rev, store_rev)

    def test_unique_names_are_enforced_by_the_database(self):
        migration.db_sync(engine=self.engine)
        insert = sa.text(
            "INSERT INTO stored_template (id, name, project_id, visibility,"
            " version_count) VALUES (:id, 'web', 'p1', 'private', 0)")
        with self.engine.begin() as conn:
            conn.execute(insert, {'id': 'a' * 36})
        self.assertRaises(db_exc.DBDuplicateEntry, self._insert_again, insert)

    def test_consumer_key_rename_keeps_the_pins(self):
        migration.db_sync('f4d1b8c9e004', engine=self.engine)
        with self.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO stored_template (id, name, project_id,"
                " visibility, version_count)"
                " VALUES (:t, 'web', 'p1', 'private', 1)"), {'t': 't' * 36})
            conn.execute(sa.text(
                "INSERT INTO stored_template_version (id, template_id,"
                " version, major, minor, patch, prerelease, status, digest,"
                " size, template) VALUES (:v, :t, '1.0.0', 1, 0, 0, '',"
                " 'active', 'sha256:x', 2, '{}')"),
                {'v': 'v' * 36, 't': 't' * 36})
            conn.execute(sa.text(
                "INSERT INTO stored_template_consumer (version_id,"
                " resource_key, resource_id, state, template_ref,"
                " parent_stack_id, resource_name, project_id)"
                " VALUES (:v, 's/web', 'r1', 'pinned', 'web', 's', 'web',"
                " 'p1')"), {'v': 'v' * 36})
        migration.db_sync(engine=self.engine)
        with self.engine.connect() as conn:
            keys = conn.execute(sa.text(
                'SELECT consumer_key FROM stored_template_consumer')
            ).scalars().all()
        self.assertEqual(['s/web'], keys)
        indexes = {i['name'] for i in sa.inspect(self.engine).get_indexes(
            'stored_template_consumer')}
        self.assertIn('ix_stored_template_consumer_consumer_key', indexes)
        self.assertNotIn('ix_stored_template_consumer_resource_key', indexes)

    def test_existing_members_become_accepted(self):
        migration.db_sync('a5b8c2e6d005', engine=self.engine)
        with self.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO stored_template (id, name, project_id,"
                " visibility, version_count)"
                " VALUES (:t, 'web', 'p1', 'shared', 0)"), {'t': 't' * 36})
            conn.execute(sa.text(
                "INSERT INTO stored_template_member (template_id,"
                " project_id) VALUES (:t, 'p2')"), {'t': 't' * 36})
        migration.db_sync(engine=self.engine)
        with self.engine.connect() as conn:
            rows = conn.execute(sa.text(
                'SELECT project_id, status FROM stored_template_member')
            ).all()
        self.assertEqual([('p2', 'accepted')], [tuple(r) for r in rows])
        # The default only filled the rows already there: a member written
        # without a status is refused (MariaDB's strict mode says so as an
        # OperationalError that oslo.db does not translate).
        self.assertRaises((db_exc.DBError, sa.exc.DBAPIError),
                          self._insert_member, 'p3')
        foreign = sa.inspect(self.engine).get_foreign_keys(
            'stored_template_member')
        self.assertEqual(['stored_template'],
                         [f['referred_table'] for f in foreign])

    def _insert_member(self, project_id):
        with self.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO stored_template_member (template_id,"
                " project_id) VALUES (:t, :p)"),
                {'t': 't' * 36, 'p': project_id})

    def _insert_again(self, insert):
        with self.engine.begin() as conn:
            conn.execute(insert, {'id': 'b' * 36})


class ModelsMigrationsSync(test_migrations.ModelsMigrationsSync):
    """The models and the migrations describe the same schema."""

    def db_sync(self, engine):
        migration.db_sync(engine=engine)

    def get_engine(self):
        return self.engine

    def get_metadata(self):
        return models.BASE.metadata

    def include_object(self, object_, name, type_, reflected, compare_to):
        # Only the store's own tables; Heat's are Heat's business.
        if type_ == 'table':
            return name in models.BASE.metadata.tables
        return True


class TestMigrationsSQLite(MigrationsTest, base.OpportunisticMixin,
                           test_base.BaseTestCase):
    pass


class TestMigrationsMySQL(MigrationsTest, base.MySQLMixin,
                          test_base.BaseTestCase):
    pass


class TestMigrationsPostgres(MigrationsTest, base.PostgresMixin,
                             test_base.BaseTestCase):
    pass


class TestModelsSyncSQLite(ModelsMigrationsSync, base.OpportunisticMixin,
                           test_base.BaseTestCase):
    pass


class TestModelsSyncMySQL(ModelsMigrationsSync, base.MySQLMixin,
                          test_base.BaseTestCase):
    pass


class TestModelsSyncPostgres(ModelsMigrationsSync, base.PostgresMixin,
                             test_base.BaseTestCase):
    pass
