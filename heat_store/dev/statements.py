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

"""SQL statements counted as the database sees them (benchmarks, tests).

A SQLAlchemy ``before_cursor_execute`` listener on Heat's engine
(``heat.db.api.get_engine()``, which the store shares), for a process
where heat-api and the engine run together.

Heat's engine reports itself alive on a timer (``service_manage_report``,
every ``periodic_interval`` seconds, in a thread of its own): a read and
an update of its row in the ``service`` table. Those are the engine's,
whatever request runs beside them, so the counter leaves them out.
"""

import contextlib
import re
import threading

from sqlalchemy import event


_SERVICE_ROW = re.compile(
    r'^\s*(SELECT service\.|UPDATE service |INSERT INTO service )',
    re.IGNORECASE)


def is_engine_report(statement):
    """Whether ``statement`` is the engine's timed report of itself."""
    return bool(_SERVICE_ROW.match(statement or ''))


class StatementCounter(object):
    """The statements run while it is active, by their first word.

    With ``thread`` (a thread id), only those that thread sends. The
    engine's timed service report is never counted.
    """

    def __init__(self, thread=None):
        self._lock = threading.Lock()
        self.thread = thread
        self.statements = []

    def __call__(self, conn, cursor, statement, parameters, context,
                 executemany):
        if self.thread is not None and self.thread != threading.get_ident():
            return
        if is_engine_report(statement):
            return
        with self._lock:
            self.statements.append(statement)

    @property
    def count(self):
        return len(self.statements)

    def by_kind(self):
        kinds = {}
        for statement in self.statements:
            kind = statement.split(None, 1)[0].upper() if statement else ''
            kinds[kind] = kinds.get(kind, 0) + 1
        return kinds


@contextlib.contextmanager
def counting(engine=None, this_thread=False):
    """Count the statements run on ``engine`` (Heat's) in the block.

    Every thread's (an in-process engine's too), or with ``this_thread``
    only the calling thread's.
    """
    if engine is None:
        from heat.db import api as db_api
        engine = db_api.get_engine()
    counter = StatementCounter(
        threading.get_ident() if this_thread else None)
    event.listen(engine, 'before_cursor_execute', counter)
    try:
        yield counter
    finally:
        event.remove(engine, 'before_cursor_execute', counter)
