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

"""What the statement counter of the benchmarks and tests counts."""

import datetime

import sqlalchemy
from sqlalchemy import orm

from heat.db import models as heat_models

from heat_store.db import models
from heat_store.dev import statements
from tests import base


class StatementCounterTest(base.BaseTestCase):

    def setUp(self):
        super().setUp()
        self.engine = sqlalchemy.create_engine('sqlite://')
        tables = [heat_models.Service.__table__,
                  models.StoredTemplate.__table__]
        heat_models.BASE.metadata.create_all(self.engine, tables=tables[:1])
        models.BASE.metadata.create_all(self.engine, tables=tables[1:])
        self.session = orm.Session(self.engine)
        self.addCleanup(self.session.close)
        self.session.add(heat_models.Service(
            id='a0b1', engine_id='e1', host='h', hostname='h',
            binary='heat-engine', topic='engine', report_interval=60))
        self.session.commit()

    def report_alive(self):
        """The engine's timed report, as Heat's DB API writes it."""
        service = self.session.get(heat_models.Service, 'a0b1')
        service.updated_at = datetime.datetime.now(datetime.timezone.utc)
        self.session.commit()

    def test_the_engines_report_is_not_counted(self):
        with statements.counting(self.engine) as counter:
            self.report_alive()
            self.session.query(models.StoredTemplate).filter_by(
                name='app').all()
            self.report_alive()
        self.assertEqual(1, counter.count, counter.statements)
        self.assertTrue(counter.statements[0].startswith(
            'SELECT stored_template.id'), counter.statements)

    def test_every_other_statement_is(self):
        with statements.counting(self.engine) as counter:
            self.session.execute(sqlalchemy.text(
                'SELECT count(*) FROM service'))
            self.session.query(models.StoredTemplate).all()
        self.assertEqual(2, counter.count, counter.statements)
        self.assertEqual({'SELECT': 2}, counter.by_kind())

    def test_the_report_is_recognised_by_its_table(self):
        self.assertTrue(statements.is_engine_report(
            'UPDATE service SET updated_at=? WHERE service.id = ?'))
        self.assertTrue(statements.is_engine_report(
            'SELECT service.id, service.engine_id FROM service'))
        self.assertFalse(statements.is_engine_report(
            'SELECT stored_template.id FROM stored_template'))
        self.assertFalse(statements.is_engine_report(
            'UPDATE service_ticket SET x=1'))
        self.assertFalse(statements.is_engine_report(None))
