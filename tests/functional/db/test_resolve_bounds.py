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

"""Resolving costs the same statements, whatever lies above the range.

On SQLite, MariaDB and PostgreSQL: the constraint's bounds narrow the
database's search, and the result is what the range means.
"""

from unittest import mock
import uuid

import sqlalchemy as sa

from heat.common import context as heat_context

from heat_store.db import api as db_api
from heat_store import versioning
from tests import base as test_base
from tests.functional.db import base

HOT = {'heat_template_version': '2018-08-31', 'resources': {}}


def version_values(version):
    return {
        'version': version, 'template': HOT, 'files': {}, 'environment': {},
        'description': None, 'source_url': None, 'source_revision': None,
        'interface': {'parameters': {}, 'outputs': {}}, 'warnings': [],
        'digest': 'sha256:' + '0' * 64, 'size': 10,
    }


class ResolveBoundsTest(object):

    def setUp(self):
        super().setUp()
        base.heat_and_store_schema(self.engine)
        self.ctx = heat_context.RequestContext(
            project_id=uuid.uuid4().hex, user_id=uuid.uuid4().hex,
            is_admin=False)

    def make(self, name, versions):
        tmpl = db_api.template_create(
            self.ctx, {'name': name, 'description': None,
                       'visibility': 'private'}, [])
        for version in versions:
            db_api.version_create(self.ctx, tmpl.id, version_values(version))
        return tmpl

    def test_versions_above_the_range_cost_no_statement(self):
        base_versions = ['1.0.0', '1.1.0-rc.1', '1.1.0', '2.0.0-rc.1']
        few = self.make('few', base_versions)
        many = self.make('many', base_versions + [
            '2.%d.0' % i for i in range(8)] + ['3.0.0', '3.1.0'])
        selects = []

        def count(conn, cursor, statement, *args):
            if statement.lstrip().upper().startswith('SELECT'):
                selects.append(statement)

        sa.event.listen(self.engine, 'before_cursor_execute', count)
        self.addCleanup(sa.event.remove, self.engine,
                        'before_cursor_execute', count)

        def resolve(tmpl, text):
            del selects[:]
            row = db_api.version_resolve(
                self.ctx, tmpl.id, versioning.parse_constraint(text))
            return row.version if row else None, len(selects)

        with mock.patch.object(db_api, 'VERSION_BATCH', 2):
            for text, expected in (('^1', '1.1.0'), ('~1.0.0', '1.0.0'),
                                   ('>=1.1.0-rc.0 <1.1.0', '1.1.0-rc.1'),
                                   ('1.0.0 || ^1.1', '1.1.0'),
                                   ('^4', None)):
                found, statements = resolve(few, text)
                self.assertEqual(expected, found, text)
                self.assertEqual((expected, statements),
                                 resolve(many, text), text)
            self.assertEqual('2.7.0', resolve(many, '^2.6')[0])
            # A bound past what a column holds bounds nothing in SQL.
            self.assertIsNone(resolve(many, '^2147483647')[0])
            self.assertEqual('3.1.0', resolve(many, '1.0.0 || >=3')[0])
            listed = db_api.version_get_all(
                self.ctx, many.id,
                constraint=versioning.parse_constraint('^1'))
        self.assertEqual(['1.1.0', '1.0.0'], [v.version for v in listed])


class TestResolveBoundsSQLite(ResolveBoundsTest, base.OpportunisticMixin,
                              test_base.BaseTestCase):
    pass


class TestResolveBoundsMySQL(ResolveBoundsTest, base.MySQLMixin,
                             test_base.BaseTestCase):
    pass


class TestResolveBoundsPostgres(ResolveBoundsTest, base.PostgresMixin,
                                test_base.BaseTestCase):
    pass
