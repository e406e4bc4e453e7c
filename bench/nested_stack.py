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

"""Nested stack from the store vs Heat's own nesting, create then delete.

What the ratios measure: the store's own cost of building a nested stack
(resolving the reference, pinning and releasing the version, reading the
bundle, checking the nested stack once per scheduler step) on top of what
Heat itself spends on the same nested stack. Each kind of stack holds the
same one-resource bundle (``OS::Heat::RandomString``):

- stored:   an ``OS::Heat::StoredTemplate`` resource (the store);
- provider: ``type: child.yaml`` with the child in the files map
            (Heat's in-engine nested stack);
- stack:    ``OS::Heat::Stack`` with the child inlined as a string;
- flat:     the RandomString resource directly in the stack.

Heat is run as released: its 1 s sleep between leaf resources
(``Stack.converge_stack``) and its scheduler's 1 s step between
``check_*_complete`` calls are kept unless ``--no-leaf-sleep`` drops the
former (the embedded server only). A ratio near 1 says the store adds
nothing Heat would notice; the absolute times are mostly Heat's own steps.

Three modes, every run timed from the request until the stack is
``CREATE_COMPLETE`` (then from the delete request until it is gone),
kinds interleaved (stored, provider, stored...) so that the load of a
shared machine falls on all of them alike; the 1-minute load average seen
during the runs is printed:

- ``single`` (default): one stack at a time, the four kinds, on an
  embedded ``heat-store-dev`` or with ``--deployment DIR`` the
  production-shaped deployment there (tools/deploy_production.py:
  gunicorn heat-api, several heat-engine, MariaDB, RabbitMQ).
  Target: stored/provider <= 1.05.
- ``fanout``: a ``ResourceGroup`` of N members, each an
  ``OS::Heat::StoredTemplate`` or the same provider template, for each N
  of ``--sizes`` (10, 50, 200), on the same targets as ``single``.
  Target: stored/provider <= 1.10 at every N.
- ``statements``: one stored group of each size, Heat (API and engine)
  in this process on SQLite, or with ``--database URL`` on that
  PostgreSQL or MariaDB server (in a throwaway database made there and
  dropped at the end), where a ``before_cursor_execute`` listener on
  SQLAlchemy's ``Engine`` class (every engine, every thread) counts every
  SQL statement on the store's tables (``stored_template*``) during its
  create and its delete; printed per member and per added member, it
  must not grow with N.
- ``concurrent``: ``--stacks`` (50) stacks created at once, then deleted
  at once, each with one stored template or one provider template;
  timed until the last is done. Target: stored/provider <= 1.10 and no
  stack failed.

    .venv/bin/python bench/nested_stack.py [--runs 12] [--deployment DIR]
    .venv/bin/python bench/nested_stack.py --mode fanout [--sizes 10,50,200]
    .venv/bin/python bench/nested_stack.py --mode statements [--database URL]
    .venv/bin/python bench/nested_stack.py --mode concurrent --deployment DIR
"""

import argparse
import atexit
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common  # noqa: E402

CHILD = '''heat_template_version: 2018-08-31
parameters:
  length: {type: number, default: 16}
resources:
  pw:
    type: OS::Heat::RandomString
    properties: {length: {get_param: length}}
outputs:
  value: {value: {get_attr: [pw, value]}}
'''

MEASURES = ('what stored/provider measures: the time Heat takes to create '
            'and delete a stack whose nested stack comes from the store '
            '(resolve, pin, read the bundle, one check per scheduler step, '
            'release) over the time for the same nested stack as a '
            "provider template; 1.0 means the store adds nothing Heat's "
            'own steps do not already take')
KINDS = ('stored', 'provider', 'stack', 'flat')
PAIR = ('stored', 'provider')
POLL = 0.01
# Seconds a stack may take; Heat's leaf sleep makes a group of N take N.
TIMEOUT = 60
STORE_TABLES = 'stored_template'


def nested_definition(kind, child_name):
    """``(resource definition, files)`` of one nested stack of ``kind``."""
    if kind == 'stored':
        return {'type': 'OS::Heat::StoredTemplate',
                'properties': {'template': child_name,
                               'version': '^1'}}, {}
    if kind == 'provider':
        return {'type': 'child.yaml'}, {'child.yaml': CHILD}
    if kind == 'stack':
        return {'type': 'OS::Heat::Stack',
                'properties': {'template': CHILD}}, {}
    return {'type': 'OS::Heat::RandomString',
            'properties': {'length': 16}}, {}


def stack_body(kind, name, child_name, members=None):
    """One nested stack of ``kind``, or a group of ``members`` of them."""
    definition, files = nested_definition(kind, child_name)
    if members is not None:
        definition = {'type': 'OS::Heat::ResourceGroup',
                      'properties': {'count': members,
                                     'resource_def': definition}}
    hot = {'heat_template_version': _common.HOT,
           'resources': {'child' if kind != 'flat' else 'pw': definition}}
    return {'stack_name': name, 'template': hot, 'files': files,
            'disable_rollback': True}


class LoadSampler(object):
    """The 1-minute load average, sampled while runs go on."""

    def __init__(self, every=2.0):
        self.every = every
        self.samples = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.samples.append(os.getloadavg()[0])
            self._stop.wait(self.every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def report(self):
        values = sorted(self.samples) or [os.getloadavg()[0]]
        print('load average (1 min) seen: min %.2f, median %.2f, max %.2f '
              '(%d samples, %d cores)' % (
                  values[0], statistics.median(values), values[-1],
                  len(values), os.cpu_count()))


def wait_status(client, path, done, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, body, _loc = client.request('GET', path)
        if status == 404:
            return 'GONE'
        if status != 200:
            # NOTE: the server's own answer, under load (a timeout...):
            # shown, and asked again.
            print('GET %s answered %s: %s' % (path, status,
                                              str(body)[:300]))
            time.sleep(1)
            continue
        stack_status = body['stack']['stack_status']
        if stack_status in done:
            return stack_status
        if stack_status.endswith('FAILED'):
            raise RuntimeError('%s: %s %s' % (
                path, stack_status, body['stack'].get('stack_status_reason')))
        time.sleep(POLL)
    raise RuntimeError('%s: not done in %ds' % (path, timeout))


def one_run(client, body, timeout=TIMEOUT):
    """(create, delete, total) seconds of the stack ``body`` describes."""
    started = time.monotonic()
    created, _loc = client.check('POST', '/stacks', body)
    path = '/stacks/%s/%s' % (body['stack_name'], created['stack']['id'])
    wait_status(client, path, ('CREATE_COMPLETE',), timeout)
    done = time.monotonic()
    client.check('DELETE', path)
    wait_status(client, path, ('DELETE_COMPLETE',), timeout)
    deleted = time.monotonic()
    return done - started, deleted - done, deleted - started


def publish_child(client, tag):
    child_name = 'bench-child-%s' % tag
    client.check('POST', '/stored_templates', {
        'name': child_name, 'version': {'template': CHILD}})
    return child_name


def print_times(label, creates, deletes):
    _common.print_distribution('%s create' % label, creates)
    _common.print_distribution('%s delete' % label, deletes)
    return _common.print_distribution(
        '%s create+delete' % label,
        [c + d for c, d in zip(creates, deletes)])['median']


# -- single ------------------------------------------------------------------


def single(args, target, client, tag, child_name):
    print('mode: single; runs per kind: %d (rotating order, after %d '
          'warm-up each)' % (args.runs, args.warmup))
    creates = {k: [] for k in KINDS}
    deletes = {k: [] for k in KINDS}
    with LoadSampler() as load:
        for rnd in range(args.warmup + args.runs):
            # Rotate the order so that no kind always follows another.
            order = KINDS[rnd % 4:] + KINDS[:rnd % 4]
            for kind in order:
                c, d, _t = one_run(client, stack_body(
                    kind, 'bench-%s-%s-%d' % (kind, tag, rnd), child_name))
                if rnd >= args.warmup:
                    creates[kind].append(c)
                    deletes[kind].append(d)
    load.report()
    medians = {kind: print_times(kind, creates[kind], deletes[kind])
               for kind in KINDS}
    create = {k: statistics.median(creates[k]) for k in KINDS}
    _common.print_ratio('ratio stored/provider (median create+delete)',
                        medians['stored'] / medians['provider'], 1.05)
    _common.print_ratio('ratio stored/provider (median create)',
                        create['stored'] / create['provider'])
    _common.print_ratio('ratio stored/stack (median create+delete)',
                        medians['stored'] / medians['stack'])
    _common.print_ratio('ratio stored/flat (median create+delete)',
                        medians['stored'] / medians['flat'])
    _common.print_ratio('ratio provider/flat (median create+delete)',
                        medians['provider'] / medians['flat'])


# -- concurrent --------------------------------------------------------------


def concurrent_round(client, kind, tag, rnd, stacks, child_name):
    """Create ``stacks`` at once, then delete them at once.

    ``(create s, delete s, failed)``: until the last one is done.
    """
    results = [None] * stacks

    def create(i):
        name = 'bench-c%s-%s-%d-%d' % (kind, tag, rnd, i)
        try:
            body, _loc = client.check('POST', '/stacks',
                                      stack_body(kind, name, child_name))
            path = '/stacks/%s/%s' % (name, body['stack']['id'])
            wait_status(client, path, ('CREATE_COMPLETE',), 300)
            results[i] = path
        except Exception as exc:  # noqa: BLE001 - counted as failed
            print('failed: %s: %s' % (name, str(exc)[:300]))
            results[i] = exc

    def delete(i):
        path = results[i]
        try:
            client.check('DELETE', path)
            wait_status(client, path, ('DELETE_COMPLETE',), 300)
        except Exception as exc:  # noqa: BLE001 - counted as failed
            print('failed delete: %s: %s' % (path, str(exc)[:300]))
            results[i] = exc

    def all_at_once(work, which):
        threads = [threading.Thread(target=work, args=(i,)) for i in which]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.monotonic() - started

    created = all_at_once(create, range(stacks))
    alive = [i for i, r in enumerate(results) if isinstance(r, str)]
    deleted = all_at_once(delete, alive)
    failed = sum(1 for r in results if not isinstance(r, str))
    return created, deleted, failed


def concurrent(args, target, client, tag, child_name):
    print('mode: concurrent; %d stacks at once, %d rounds of each kind '
          '(stored, provider alternating, after %d warm-up round each)' %
          (args.stacks, args.runs, args.warmup))
    creates = {k: [] for k in PAIR}
    deletes = {k: [] for k in PAIR}
    failed = {k: 0 for k in PAIR}
    with LoadSampler() as load:
        for rnd in range(args.warmup + args.runs):
            order = PAIR if rnd % 2 == 0 else PAIR[::-1]
            for kind in order:
                c, d, f = concurrent_round(client, kind, tag, rnd,
                                           args.stacks, child_name)
                print('round %d %s: create %.2f s, delete %.2f s, '
                      'failed %d' % (rnd, kind, c, d, f))
                sys.stdout.flush()
                failed[kind] += f
                if rnd >= args.warmup:
                    creates[kind].append(c)
                    deletes[kind].append(d)
    load.report()
    medians = {kind: print_times('%s x%d' % (kind, args.stacks),
                                 creates[kind], deletes[kind])
               for kind in PAIR}
    for kind in PAIR:
        print('%s failed stacks: %d' % (kind, failed[kind]))
    _common.print_ratio('ratio stored/provider, %d at once (median '
                        'create+delete)' % args.stacks,
                        medians['stored'] / medians['provider'], 1.10)
    _common.print_ratio('stored failed stacks', failed['stored'], 0)


# -- fanout ------------------------------------------------------------------


class StoreStatements(object):
    """SQL statements on the store's tables, from every engine and thread.

    Listening on SQLAlchemy's ``Engine`` class, not on Heat's engine:
    whatever engine a thread of Heat or of the store opens is counted.
    """

    def __init__(self):
        import sqlalchemy as sa
        self.count = 0
        self.lock = threading.Lock()
        sa.event.listen(sa.engine.Engine, 'before_cursor_execute',
                        self._seen)

    def stop(self):
        import sqlalchemy as sa
        sa.event.remove(sa.engine.Engine, 'before_cursor_execute',
                        self._seen)

    def _seen(self, conn, cursor, statement, params, context, many):
        if STORE_TABLES in statement:
            with self.lock:
                self.count += 1

    def take(self):
        with self.lock:
            count, self.count = self.count, 0
        return count


class InProcessClient(object):
    """``_common.Client``'s interface, calling the WSGI app directly."""

    def __init__(self, app, project):
        self.app = app
        self.project = project

    def request(self, method, path, body=None):
        import webob
        req = webob.Request.blank('/v1/%s%s' % (self.project, path),
                                  method=method)
        req.headers.update({'X-Project-Id': self.project,
                            'X-User-Id': 'bench',
                            'X-Roles': 'member,reader',
                            # Heat's deferred auth (password) wants them.
                            'X-Auth-User': 'bench', 'X-Auth-Key': 'bench',
                            'Accept': 'application/json'})
        if body is not None:
            req.json = body
            req.content_type = 'application/json'
        resp = req.get_response(self.app)
        payload = resp.json if resp.body else None
        return resp.status_int, payload, resp.headers.get('Location')

    def check(self, method, path, body=None, expect=(200, 201, 202, 204)):
        status, payload, location = self.request(method, path, body)
        if status not in expect:
            raise RuntimeError('%s %s answered %s: %s' % (
                method, path, status, str(payload)[:2000]))
        return payload, location


def count_statements(sizes, child_name_tag, database=None):
    """Store statements of one stored group of each size, in this process.

    ``{N: (create, delete)}``. Heat (API and engine) runs here on SQLite,
    or on the ``database`` URL, without its leaf sleep (which changes no
    statement), so that a ``before_cursor_execute`` listener sees every
    statement.
    """
    from heat_store.dev import embedded  # first: it selects the backend

    from oslo_config import cfg
    import oslo_messaging.opts
    import sqlalchemy as sa

    from heat.db import api as heat_db_api

    data_dir = tempfile.mkdtemp(prefix='heat-store-bench-fanout-')
    # NOTE: at exit: Heat's log handler writes there until then.
    atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    heat = embedded.EmbeddedHeat(data_dir, port=1, auth='headers',
                                 leaf_sleep=False, database=database)
    counts = {}
    counter = engine = None
    try:
        heat.configure()
        # NOTE: oslo.log's excepthook would send a failure to heat.log.
        sys.excepthook = sys.__excepthook__
        # NOTE: one process serves every nested stack's RPC calls: give
        # it threads and time enough for a group of 200 on a busy machine.
        wanted = ('executor_thread_pool_size', 'rpc_response_timeout')
        for group, opts in oslo_messaging.opts.list_opts():
            cfg.CONF.register_opts([o for o in opts if o.name in wanted],
                                   group=group)
        cfg.CONF.set_override('executor_thread_pool_size', 512)
        cfg.CONF.set_override('rpc_response_timeout', 900)
        heat.sync_database()
        engine = heat_db_api.get_engine()
        print('database: %s' % _common.describe_database(engine))
        if engine.dialect.name == 'sqlite':
            # NOTE: SQLite serialises writers; on a busy machine a group
            # of 200 needs more than the driver's 5 s wait for the write
            # lock.
            sa.event.listen(engine, 'connect',
                            lambda conn, _record: conn.execute(
                                'PRAGMA busy_timeout = 120000'))
            engine.dispose()
        heat.start_engine()
        heat.load_app()
        counter = StoreStatements()
        client = InProcessClient(heat.app, uuid.uuid4().hex)
        child_name = publish_child(client, child_name_tag)
        for size in sizes:
            counter.take()
            body = stack_body('stored', 'bench-count-%d' % size, child_name,
                              size)
            created, _loc = client.check('POST', '/stacks', body)
            path = '/stacks/%s/%s' % (body['stack_name'],
                                      created['stack']['id'])
            wait_status(client, path, ('CREATE_COMPLETE',),
                        TIMEOUT + 3 * size)
            on_create = counter.take()
            client.check('DELETE', path)
            wait_status(client, path, ('DELETE_COMPLETE',),
                        TIMEOUT + 3 * size)
            counts[size] = (on_create, counter.take())
            print('N=%d store statements: create %d, delete %d' % (
                (size,) + counts[size]))
            sys.stdout.flush()
    finally:
        if counter is not None:
            counter.stop()
        heat.stop()
        if engine is not None:
            # Its pooled connections would keep a throwaway database.
            engine.dispose()
    return counts


def fanout(args, client, tag, child_name):
    sizes = [int(n) for n in args.sizes.split(',')]
    print('mode: fanout; ResourceGroup sizes %s; runs per kind and size: '
          '%d (stored, provider alternating, after %d warm-up each)' % (
              sizes, args.runs, args.warmup))
    medians = {}
    with LoadSampler() as load:
        for size in sizes:
            timeout = TIMEOUT + 3 * size
            creates = {k: [] for k in PAIR}
            deletes = {k: [] for k in PAIR}
            for rnd in range(args.warmup + args.runs):
                order = PAIR if rnd % 2 == 0 else PAIR[::-1]
                for kind in order:
                    c, d, _t = one_run(client, stack_body(
                        kind, 'bench-g%s-%s-%d-%d' % (kind, tag, size, rnd),
                        child_name, size), timeout)
                    print('N=%d round %d %s: create %.2f s, delete %.2f s'
                          % (size, rnd, kind, c, d))
                    sys.stdout.flush()
                    if rnd >= args.warmup:
                        creates[kind].append(c)
                        deletes[kind].append(d)
            for kind in PAIR:
                medians[size, kind] = print_times(
                    'N=%d %s' % (size, kind), creates[kind], deletes[kind])
    load.report()
    for size in sizes:
        _common.print_ratio(
            'N=%d ratio stored/provider (median create+delete)' % size,
            medians[size, 'stored'] / medians[size, 'provider'], 1.10)


def statements(args):
    sizes = [int(n) for n in args.sizes.split(',')]
    scratch = []
    _common.watchdog(args.budget,
                     lambda: [database.drop() for database in scratch])
    _common.print_machine('nested_stack statements')
    print('mode: statements; one stored ResourceGroup of each size %s, '
          'Heat in this process (%s, leaf sleep dropped)' % (
              sizes, 'a throwaway database on --database' if args.database
              else 'SQLite'))
    if args.database:
        scratch.append(_common.ScratchDatabase(args.database))
    try:
        counts = count_statements(
            sizes, _common.run_tag(),
            scratch[0].url if scratch else None)
    finally:
        for database in scratch:
            database.drop()
    for size in sizes:
        on_create, on_delete = counts[size]
        print('N=%d store statements per member: create %.2f, delete %.2f'
              % (size, on_create / size, on_delete / size))
    for small, large in zip(sizes, sizes[1:]):
        grow = large - small
        print('N=%d to N=%d: store statements per added member: create '
              '%.2f, delete %.2f' % (
                  small, large,
                  (counts[large][0] - counts[small][0]) / grow,
                  (counts[large][1] - counts[small][1]) / grow))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--mode', choices=('single', 'fanout', 'statements',
                                           'concurrent'),
                        default='single')
    parser.add_argument('--runs', type=int, default=12,
                        help='timed runs (rounds) of each kind (default 12)')
    parser.add_argument('--warmup', type=int, default=1,
                        help='untimed runs of each kind first (default 1)')
    parser.add_argument('--sizes', default='10,50,200',
                        help='fanout: ResourceGroup sizes (default '
                             '10,50,200)')
    parser.add_argument('--stacks', type=int, default=50,
                        help='concurrent: stacks at once (default 50)')
    parser.add_argument('--no-leaf-sleep', action='store_true',
                        help="embedded server: drop Heat's 1 s sleep "
                             'between leaf resources (default: Heat as '
                             'released)')
    _common.add_run_options(parser, budget=3600)
    _common.add_database_option(parser, 'statements: ')
    args = parser.parse_args(argv)
    if args.database and args.mode != 'statements':
        parser.error('--database is for --mode statements (the other modes '
                     'measure a heat-store-dev or a --deployment)')
    if args.deployment and args.mode == 'statements':
        parser.error('--deployment is not for --mode statements, which '
                     'counts statements in one process (--database names '
                     'the database it runs on)')
    return args


def main():
    args = parse_args()
    if args.mode == 'statements':
        statements(args)
        return
    target = _common.begin('nested_stack %s' % args.mode, args,
                           leaf_sleep=not args.no_leaf_sleep)
    print(MEASURES)
    tag = _common.run_tag()
    try:
        client = target.open().client()
        child_name = publish_child(client, tag)
        if args.mode == 'single':
            single(args, target, client, tag, child_name)
        elif args.mode == 'fanout':
            fanout(args, client, tag, child_name)
        else:
            concurrent(args, target, client, tag, child_name)
        if target.outlives_run:
            client.check('DELETE', '/stored_templates/%s' % child_name)
    finally:
        target.stop()


if __name__ == '__main__':
    main()
