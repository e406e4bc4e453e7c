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

"""A complete Heat (API and engine in one process) with the store in it.

This is the embedded default for trying and developing heat-store: SQLite
in a data directory, in-process messaging, no Keystone. The same wiring
serves the in-process API tests (see ``tests/functional/fixtures.py``).

What a single-process Heat 27 needs is written down in
``doc/source/contributor/heat-internals.rst`` ("The embedded Heat").
"""

import ast
import configparser
import functools
import os
import re
import secrets
import threading
import time
import types

from oslo_service import backend

# NOTE: the threading backend must be chosen before anything imports
# oslo_service.service, which Heat's engine does. A process that already
# chose eventlet would run the engine with thread groups of 10 threads per
# stack, never pruned: refuse it rather than fail a stack's 11th operation.
try:
    backend.init_backend(backend.BackendType.THREADING)
except backend.exceptions.BackendAlreadySelected:
    if backend.get_backend_type() != backend.BackendType.THREADING:
        raise RuntimeError(
            'oslo.service chose the %s backend before the embedded Heat '
            'was imported; import heat_store.dev.embedded first' %
            backend.get_backend_type().name)

from oslo_config import cfg  # noqa: E402
from oslo_log import log as logging  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from heat_store.dev import heat_conf  # noqa: E402
from heat_store.dev import token_cache  # noqa: E402

LOG = logging.getLogger(__name__)
CONF = cfg.CONF

PROJECT = heat_conf.PROJECT
PLUGIN_DIR = heat_conf.PLUGIN_DIR

# Heat's tables with integer keys that Heat deletes by remembered id.
AUTOINCREMENT_TABLES = ('raw_template_files', 'raw_template',
                        'resource_properties_data', 'resource',
                        'resource_data', 'event')


heat_paste_config = heat_conf.heat_paste_ini


def write_paste_config(path, environ_token_cache=False):
    """Heat's api-paste.ini with the store's router as ``apiv1app``.

    Adds a ``headers`` flavor without auth middleware, where identity and
    roles come from the X-Project-Id, X-User-Id and X-Roles headers (for
    role and project tests only). With ``environ_token_cache``, the
    default pipeline hands auth_token an in-process token cache (see
    ``heat_store.dev.token_cache``).
    """
    paste = configparser.RawConfigParser()
    paste.optionxform = str
    paste.read(heat_paste_config())
    paste.set('app:apiv1app', 'heat.app_factory', 'heat_store.api.router:API')
    if environ_token_cache:
        section = 'filter:%s' % token_cache.FILTER
        paste.add_section(section)
        paste.set(section, 'paste.filter_factory',
                  'heat_store.dev.token_cache:filter_factory')
        paste.set('composite:api', 'default', re.sub(
            r'\bauthtoken\b', '%s authtoken' % token_cache.FILTER,
            paste.get('composite:api', 'default'), count=1))
    paste.set('composite:api', 'headers',
              'cors request_id faultwrap context http_proxy_to_wsgi '
              'versionnegotiation apiv1app')
    with open(path, 'w') as f:
        paste.write(f)


def write_token_response(path, host, port):
    heat_conf.write_token_response(path, host, port, cloudformation=True)


def write_config(data_dir, host='127.0.0.1', port=8004, auth='noauth',
                 database=None, debug=False, keystone=None):
    """Write heat.conf (and what it points at) into ``data_dir``.

    ``auth`` is a paste flavor of Heat's api-paste.ini (``noauth``,
    ``headers``) or ``keystone``: Heat's default pipeline, with
    keystonemiddleware's auth_token, configured by ``keystone`` (a dict of
    heat.conf sections, see ``heat_store.dev.identity``).
    """
    os.makedirs(data_dir, exist_ok=True)
    key_path = os.path.join(data_dir, 'auth_encryption_key')
    if not os.path.exists(key_path):
        # Heat encrypts stored credentials with it: keep it between runs.
        with open(key_path, 'w') as f:
            f.write(secrets.token_hex(16))
    with open(key_path) as f:
        key = f.read().strip()

    paste_path = os.path.join(data_dir, 'api-paste.ini')
    authtoken = (keystone or {}).get('keystone_authtoken', {})
    write_paste_config(paste_path, environ_token_cache=(
        auth == 'keystone' and
        authtoken.get('cache') == token_cache.ENVIRON_KEY))
    token_path = os.path.join(data_dir, 'token_response.json')
    if auth != 'keystone':
        write_token_response(token_path, host, port)
    database = database or 'sqlite:///%s' % os.path.join(
        data_dir, 'heat.sqlite')
    defaults = {
        'debug': str(debug),
        'host': 'heat-store-embedded',
        'stack_action_timeout': '600',
        # Let developers try abandon/adopt against the store's pins.
        'enable_stack_abandon': 'True',
        'enable_stack_adopt': 'True',
        'use_stderr': str(debug),
        'log_file': os.path.join(data_dir, 'heat.log'),
    }
    conf = heat_conf.heat_conf(host, port, database, 'fake://', key,
                               paste_path, token_path, flavor=auth,
                               defaults=defaults)
    if auth == 'keystone':
        # Heat's default pipeline (authtoken), real roles under the new
        # policy defaults, and trusts for deferred operations.
        conf['paste_deploy'] = {'api_paste_config': paste_path}
        conf['oslo_policy'] = {'enforce_new_defaults': 'True',
                               'enforce_scope': 'False'}
        del conf['noauth']
        for section, options in (keystone or {}).items():
            if section == 'DEFAULT':
                conf['DEFAULT'].update(options)
            else:
                conf[section] = options
    path = os.path.join(data_dir, 'heat.conf')
    # NOTE: with Keystone it holds Heat's service passwords.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, 'w') as f:
        conf.write(f)
    os.chmod(path, 0o600)
    return path


# Seconds a SQLite connection waits for the write lock before "database
# is locked": the engine's writers queue for it (BEGIN IMMEDIATE), and on
# loaded cores a transaction can hold it longer than Python's default 5 s.
SQLITE_BUSY_SECONDS = 60


def make_sqlite_safe(engine):
    """Make a SQLite database safe for Heat's engine.

    oslo.db opens deferred transactions; two writers that both read first
    then deadlock into "database is locked". BEGIN IMMEDIATE takes the
    write lock up front, so concurrent resources queue instead of failing,
    for up to ``SQLITE_BUSY_SECONDS``.
    """
    if engine.dialect.name != 'sqlite':
        return

    @sa.event.listens_for(engine, 'connect')
    def _queue_for_the_write_lock(dbapi_connection, connection_record):
        dbapi_connection.execute(
            'PRAGMA busy_timeout = %d' % (SQLITE_BUSY_SECONDS * 1000))

    @sa.event.listens_for(engine, 'before_cursor_execute', retval=True)
    def _begin_immediate(conn, cursor, statement, params, context, many):
        if statement == 'BEGIN':
            statement = 'BEGIN IMMEDIATE'
        return statement, params


def refresh_sqlite_statistics(engine):
    """Give SQLite's planner statistics of the store's tables.

    Without them SQLite answers a page of a large catalog by sorting every
    visible row before taking the page, instead of walking the sort key's
    index; ANALYZE at start keeps a page's cost flat as the catalog grows.
    """
    if engine.dialect.name != 'sqlite':
        return
    from heat_store.db import models

    with engine.begin() as conn:
        for table in models.BASE.metadata.tables:
            conn.exec_driver_sql('ANALYZE %s' % table)


_PK_LINE = re.compile(r',\s*PRIMARY KEY \(id\)')


def rebuild_with_autoincrement(engine, tables=AUTOINCREMENT_TABLES):
    """Rebuild Heat's integer-key SQLite tables with AUTOINCREMENT.

    Without it SQLite reuses a deleted row's id, and Heat later deletes rows
    by ids it remembered: a failed update's rollback then hangs forever.
    Idempotent; does nothing on other databases.
    """
    if engine.dialect.name != 'sqlite':
        return
    with engine.begin() as conn:
        for table in tables:
            row = conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type='table' "
                "AND name=?", (table,)).fetchone()
            if row is None or 'AUTOINCREMENT' in row[0]:
                continue
            ddl, n = re.subn(r'\bid INTEGER NOT NULL',
                             'id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL',
                             row[0], count=1)
            ddl, m = _PK_LINE.subn('', ddl, count=1)
            if n != 1 or m != 1:
                raise RuntimeError('Unexpected schema of table %s' % table)
            indexes = [r[0] for r in conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type='index' "
                "AND tbl_name=? AND sql IS NOT NULL", (table,))]
            tmp = '%s__autoinc' % table
            ddl = ddl.replace('CREATE TABLE %s ' % table,
                              'CREATE TABLE %s ' % tmp, 1)
            conn.exec_driver_sql(ddl)
            conn.exec_driver_sql('INSERT INTO %s SELECT * FROM %s' %
                                 (tmp, table))
            conn.exec_driver_sql('DROP TABLE %s' % table)
            conn.exec_driver_sql('ALTER TABLE %s RENAME TO %s' %
                                 (tmp, table))
            for index_ddl in indexes:
                conn.exec_driver_sql(index_ddl)
            LOG.info('Rebuilt table %s with AUTOINCREMENT', table)


def drop_leaf_sleep():
    """Drop the 1 s sleep Heat's engine takes between leaf resources.

    ``Stack.converge_stack`` calls ``time.sleep(1)`` after triggering each
    leaf. Only that module's view of ``time`` changes, so the scheduler's
    own polling keeps its waits.
    """
    from heat.engine import stack as heat_stack

    heat_stack.time = _time_with_sleep(
        lambda seconds: time.sleep(0) if seconds else None)


def shorten_resource_polls(seconds):
    """Look at a resource in progress every ``seconds``, not every second.

    Heat's ``TaskRunner`` sleeps 1 s between the checks of a resource whose
    operation is under way (``check_create_complete`` and the like): a
    nested stack's parent sees it finish up to a second late, at every
    level, and a test that builds one spends most of its time asleep. Only
    ``heat.engine.scheduler``'s view of ``time`` changes: no other wait,
    and nothing a resource does. For the tests' embedded Heat; the
    benchmarks and ``heat-store-dev`` by default keep Heat's second.
    """
    from heat.engine import scheduler

    scheduler.time = _time_with_sleep(
        lambda wanted: time.sleep(min(wanted, seconds)))


def _time_with_sleep(sleep):
    """A stand-in for the ``time`` module whose ``sleep`` is ``sleep``.

    Given to one module of Heat or oslo.messaging as its ``time``, it
    changes that module's waits and nothing else in the process.
    """
    shim = types.SimpleNamespace(**{n: getattr(time, n) for n in dir(time)
                                    if not n.startswith('__')})
    shim.sleep = sleep
    return shim


def wake_fake_transport():
    """Wake in-process RPC listeners as soon as a message is delivered.

    oslo.messaging's fake driver (``transport_url = fake://``) looks at its
    queues every 50 ms and sleeps in between, so every RPC call or cast in
    the embedded Heat waited 25 ms on average before the engine saw it: a
    publish (five engine calls) or a nested stack (a dozen hops) spent most
    of its time asleep. Listeners now sleep on a condition that each
    delivery notifies, still for at most the driver's own pause. Only that
    module's view of ``time`` changes; a wake-up that races the check
    costs the old pause, never more. Idempotent.
    """
    from oslo_messaging._drivers import impl_fake

    deliver = impl_fake.FakeExchange.deliver_message
    if getattr(deliver, 'wakes_listeners', False):
        return
    delivered = threading.Condition()

    def sleep(seconds):
        with delivered:
            delivered.wait(seconds)

    def deliver_and_wake(self, *args, **kwargs):
        deliver(self, *args, **kwargs)
        with delivered:
            delivered.notify_all()

    deliver_and_wake.wakes_listeners = True
    impl_fake.time = _time_with_sleep(sleep)
    impl_fake.FakeExchange.deliver_message = deliver_and_wake


# NOTE: reentrant: a finalizer run by a collection during a parse may parse
# too, in the same thread.
_LITERAL_EVAL_LOCK = threading.RLock()


def serialise_literal_eval():
    """Let one thread at a time run ``ast.literal_eval``.

    CPython 3.11 (seen with 3.11.7) keeps the AST constructor's recursion
    depth in state that all the threads of the interpreter share: when a
    garbage collection runs a finalizer while one thread builds a tree,
    another thread can parse in between, and one of them fails with
    ``SystemError: AST constructor recursion depth mismatch``. Heat's sync
    points (``heat.engine.sync_point``) and oslo.policy's generic checks
    call ``ast.literal_eval``; the embedded Heat runs them from many engine
    and API threads of one process. A deployment's heat-api and
    heat-engine processes are not changed. What is parsed is a short
    literal (a key of a sync point, a policy rule's value), so threads
    wait on each other for microseconds.
    Idempotent.
    """
    if getattr(ast.literal_eval, 'serialised', False):
        return
    literal_eval = ast.literal_eval

    @functools.wraps(literal_eval)
    def serialised_literal_eval(node_or_string):
        with _LITERAL_EVAL_LOCK:
            return literal_eval(node_or_string)

    serialised_literal_eval.serialised = True
    ast.literal_eval = serialised_literal_eval


# Seconds a stopping engine gives the stack operations under way.
DRAIN_SECONDS = 30


def stacks_in_progress():
    """How many stacks, nested ones included, an operation is under way on."""
    from heat.db import api as heat_db_api

    with heat_db_api.get_engine().connect() as conn:
        return conn.execute(sa.text(
            "SELECT COUNT(*) FROM stack WHERE status = 'IN_PROGRESS' "
            "AND deleted_at IS NULL")).scalar()


def wait_for_stacks(seconds):
    """Until no stack operation is under way, for ``seconds`` at most."""
    deadline = time.monotonic() + seconds
    busy = stacks_in_progress()
    if busy:
        LOG.info('Waiting up to %d s for the operations on %d stack(s) '
                 'to end', seconds, busy)
    while busy and time.monotonic() < deadline:
        time.sleep(0.1)
        busy = stacks_in_progress()


class EmbeddedHeat(object):
    """Heat's API and engine in this process, with the store wired in."""

    def __init__(self, data_dir, host='127.0.0.1', port=8004, auth='noauth',
                 database=None, leaf_sleep=True, debug=False,
                 keystone=None, resource_poll=None):
        self.data_dir = os.path.abspath(data_dir)
        self.host = host
        self.port = port
        self.auth = auth
        self.database = database
        self.leaf_sleep = leaf_sleep
        # Seconds between the checks of a resource in progress; None keeps
        # Heat's (shorten_resource_polls).
        self.resource_poll = resource_poll
        self.debug = debug
        # heat.conf sections for auth = 'keystone'.
        self.keystone = keystone
        self.engine_service = None
        self.app = None

    @property
    def endpoint(self):
        return 'http://%s:%d/v1/%s' % (self.host, self.port, PROJECT)

    def configure(self):
        conf_path = write_config(self.data_dir, self.host, self.port,
                                 self.auth, self.database, self.debug,
                                 self.keystone)
        from heat.common import config as heat_config
        from heat import version

        CONF.reset()
        logging.register_options(CONF)
        CONF(['--config-file', conf_path], project='heat', prog='heat-api',
             version=version.version_info.version_string(),
             default_config_files=[], default_config_dirs=[])
        logging.setup(CONF, 'heat')
        heat_config.set_config_defaults()
        serialise_literal_eval()
        if not self.leaf_sleep:
            drop_leaf_sleep()
        if self.resource_poll is not None:
            shorten_resource_polls(self.resource_poll)

    def sync_database(self):
        from heat.db import api as heat_db_api
        from heat.db import migration as heat_migration

        from heat_store.db import migration as store_migration

        engine = heat_db_api.get_engine()
        heat_migration.db_sync(engine=engine)
        rebuild_with_autoincrement(engine)
        store_migration.db_sync(engine=engine)
        refresh_sqlite_statistics(engine)
        # NOTE: only after the migrations, which hold one connection open
        # while alembic writes through another.
        make_sqlite_safe(engine)

    def start_engine(self):
        from heat.common import messaging
        from heat.engine import service as engine_service
        from heat.rpc import api as rpc_api

        messaging.setup()
        if (CONF.transport_url or '').startswith('fake:'):
            wake_fake_transport()
        self.engine_service = engine_service.EngineService(
            CONF.host, rpc_api.ENGINE_TOPIC)
        self.engine_service.start()

    def load_app(self):
        from heat.common import config as heat_config
        self.app = heat_config.load_paste_app('heat-api')
        return self.app

    def start(self):
        """Configure, migrate, start the engine and load the API app."""
        self.configure()
        self.sync_database()
        self.start_engine()
        return self.load_app()

    def stop(self, drain=DRAIN_SECONDS):
        """Stop the engine, once the stack operations under way are over.

        Heat's engine stops its RPC server before its worker's, and waits
        for the worker's tasks: one that still calls the engine (a nested
        stack's delete) then waits out the RPC timeout, a minute. The
        operations are given ``drain`` seconds to end first.
        """
        if self.engine_service is not None:
            try:
                wait_for_stacks(drain)
            except Exception:  # noqa: BLE001 - best effort on shutdown
                LOG.exception('Could not tell the operations under way')
            try:
                self.engine_service.stop()
            except Exception:  # noqa: BLE001 - best effort on shutdown
                LOG.exception('Engine did not stop cleanly')
            self.engine_service = None
