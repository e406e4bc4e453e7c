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

"""Shared pieces of the benchmark scripts (not a test module).

Each script prints the machine and date it ran on, then every figure on a
line of its own, ``name: value``. A watchdog bounds every script in time.

What a script measures is its target: by default an embedded
``heat-store-dev`` (one process, SQLite) started for the run; with
``--deployment DIR`` the production-shaped deployment of
``tools/deploy_production.py`` in DIR (heat-api under gunicorn, several
heat-engine processes, MariaDB, RabbitMQ), the one running there or one
started for the run and stopped at its end.
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import secrets
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO not in sys.path:
    sys.path.insert(0, REPO)

HOT = '2018-08-31'
DEPLOY_TOOL = os.path.join(REPO, 'tools', 'deploy_production.py')
DEPLOYMENT_STATE = 'deployment.json'


def run_tag():
    """A suffix that keeps one run's names apart from an earlier run's.

    A deployment outlives a run: its stored templates and stacks stay.
    """
    return secrets.token_hex(3)


def _cpu_model():
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or 'unknown'


def _version(dist):
    from importlib import metadata
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return 'not installed'


def _git_revision():
    try:
        return subprocess.run(
            ['git', '-C', REPO, 'rev-parse', '--short', 'HEAD'],
            capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return 'unknown'


def print_machine(script):
    """The machine and date a figure was taken on."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    print('benchmark: %s' % script)
    print('date: %s' % datetime.datetime.now(datetime.timezone.utc)
          .strftime('%Y-%m-%dT%H:%M:%SZ'))
    print('machine nproc: %s' % usable)
    print('machine cpu: %s' % _cpu_model())
    print('machine kernel: %s %s' % (platform.system(), platform.release()))
    print('python: %s' % platform.python_version())
    print('openstack-heat: %s' % _version('openstack-heat'))
    print('sqlalchemy: %s' % _version('SQLAlchemy'))
    print('heat-store revision: %s' % _git_revision())
    sys.stdout.flush()


def watchdog(seconds, cleanup=None):
    """Bound the script: after ``seconds``, clean up and exit 3."""
    def _expire():
        sys.stdout.write('ERROR: time budget of %ds exceeded\n' % seconds)
        sys.stdout.flush()
        if cleanup is not None:
            try:
                cleanup()
            except Exception:  # noqa: BLE001 - exiting anyway
                pass
        os._exit(3)

    timer = threading.Timer(seconds, _expire)
    timer.daemon = True
    timer.start()
    return timer


def summary(values):
    values = sorted(values)
    return {'n': len(values), 'min': values[0],
            'median': statistics.median(values), 'max': values[-1]}


def print_distribution(label, values, unit='s', scale=1.0, fmt='%.4f'):
    s = summary(values)
    print('%s runs: %d' % (label, s['n']))
    for key in ('min', 'median', 'max'):
        print(('%s %s (%s): ' + fmt) % (label, key, unit, s[key] * scale))
    return s


def print_ratio(label, value, target=None, comparison='<='):
    if target is None:
        print('%s: %.3f' % (label, value))
        return True
    met = value <= target if comparison == '<=' else value >= target
    print('%s: %.3f (target %s %s: %s)' % (label, value, comparison, target,
                                           'met' if met else 'MISSED'))
    return met


class Client(object):
    """A small JSON-over-HTTP client, one connection per request.

    The embedded server speaks HTTP/1.0 and closes each connection; so do
    gunicorn's sync workers of a deployment.
    """

    def __init__(self, root, project='admin'):
        parsed = urllib.parse.urlsplit(root)
        self.host = parsed.hostname
        self.port = parsed.port
        self.prefix = '/v1/%s' % project

    @classmethod
    def for_endpoint(cls, endpoint):
        """A client of ``http://host:port/v1/{project}``."""
        parsed = urllib.parse.urlsplit(endpoint)
        version, project = parsed.path.strip('/').split('/')
        if version != 'v1':
            raise ValueError('not a Heat v1 endpoint: %s' % endpoint)
        return cls('%s://%s' % (parsed.scheme, parsed.netloc), project)

    def request(self, method, path, body=None, raw=False, timeout=120):
        conn = http.client.HTTPConnection(self.host, self.port,
                                          timeout=timeout)
        # NOTE: under noauth any token does; OS::Heat::Stack needs one to
        # call back into this Heat with.
        headers = {'Accept': 'application/json', 'X-Auth-Token': 'bench'}
        data = None
        if body is not None:
            data = json.dumps(body).encode('utf-8')
            headers['Content-Type'] = 'application/json'
        try:
            conn.request(method, self.prefix + path, body=data,
                         headers=headers)
            resp = conn.getresponse()
            payload = resp.read()
            status = resp.status
            location = resp.getheader('Location')
        finally:
            conn.close()
        if raw:
            return status, payload
        parsed = json.loads(payload) if payload else None
        return status, parsed, location

    def check(self, method, path, body=None, expect=(200, 201, 202, 204)):
        status, payload, location = self.request(method, path, body)
        if status not in expect:
            raise RuntimeError('%s %s answered %s: %s' %
                               (method, path, status,
                                json.dumps(payload)[:2000]))
        return payload, location


def start_server(extra_args=(), leaf_sleep=False):
    """A real ``heat-store-dev`` in a subprocess.

    Without Heat's 1 s sleep between leaf resources unless
    ``leaf_sleep`` (Heat as released); with Heat's own polls of a resource
    in progress, not the tests' shorter ones.
    """
    from tests.functional import server as functional_server
    started = time.monotonic()
    server = functional_server.EmbeddedServer(extra_args=extra_args,
                                              leaf_sleep=leaf_sleep)
    # Heat's own 1 s between the checks of a resource in progress.
    server.resource_poll = None
    server.start(timeout=90)
    print('server start (s): %.2f' % (time.monotonic() - started))
    sys.stdout.flush()
    return server


def add_run_options(parser, budget):
    """``--budget`` (seconds) and ``--deployment DIR``."""
    parser.add_argument('--budget', type=int, default=budget,
                        help='give up after this many seconds (default '
                             '%d)' % budget)
    parser.add_argument(
        '--deployment', metavar='DIR', type=os.path.abspath,
        help='measure the production-shaped deployment in DIR '
             '(tools/deploy_production.py: gunicorn heat-api, several '
             'heat-engine, MariaDB, RabbitMQ): the one running there, or '
             'one started now and stopped at the end. Default: an embedded '
             'heat-store-dev (one process, SQLite)')


class EmbeddedTarget(object):
    """``heat-store-dev`` in a subprocess, for one run.

    With ``--no-leaf-sleep`` unless ``leaf_sleep`` (Heat as released).
    """

    kind = 'embedded'
    # Its data goes with it: nothing of the run outlives it.
    outlives_run = False

    def __init__(self, extra_args=(), leaf_sleep=False):
        self.extra_args = tuple(extra_args)
        self.leaf_sleep = leaf_sleep
        self.server = None

    def open(self):
        print('target: embedded heat-store-dev (one process, SQLite%s)' % (
            '' if self.leaf_sleep else ", Heat's leaf sleep dropped"))
        self.server = start_server(self.extra_args, self.leaf_sleep)
        return self

    def client(self):
        return Client(self.server.root)

    def stop(self):
        if self.server is not None:
            self.server.stop()


def _deploy_tool(args, timeout):
    return subprocess.run([sys.executable, DEPLOY_TOOL] + list(args),
                          capture_output=True, text=True, timeout=timeout)


class DeploymentTarget(object):
    """The deployment of ``tools/deploy_production.py`` in a directory.

    One found running there is used and left running; one this run starts
    is stopped by :meth:`stop` (processes, database and vhost; the
    configuration and logs stay in the directory).
    """

    kind = 'deployment'
    # Seconds the tool may take to start one (it cleans up after itself).
    start_timeout = 150

    def __init__(self, directory):
        self.dir = directory
        # Set once this run has started it (and is to stop it).
        self.created = False
        self.info = None

    @property
    def outlives_run(self):
        return not self.created

    def state_path(self):
        return os.path.join(self.dir, DEPLOYMENT_STATE)

    def open(self):
        if os.path.exists(self.state_path()):
            result = _deploy_tool(['status', '--dir', self.dir], 60)
            if result.returncode:
                raise RuntimeError(
                    'the deployment in %s is not whole (stop it, or name '
                    'another directory):\n%s%s' % (
                        self.dir, result.stdout, result.stderr[-2000:]))
        else:
            # Set first: a watchdog that fires during start still stops it.
            self.created = True
            started = time.monotonic()
            result = _deploy_tool(
                ['start', '--dir', self.dir, '--json',
                 '--timeout', str(self.start_timeout)],
                self.start_timeout + 60)
            if result.returncode:
                raise RuntimeError('the deployment did not start:\n%s%s' % (
                    result.stdout, result.stderr[-6000:]))
            print('deployment start (s): %.2f' % (time.monotonic() -
                                                  started))
        with open(self.state_path()) as f:
            self.info = json.load(f)
        for line in self.describe():
            print(line)
        sys.stdout.flush()
        return self

    def describe(self):
        info = self.info
        return [
            'target: deployment in %s (%s)' % (
                self.dir, 'started for this run' if self.created
                else 'found running, left running'),
            'deployment heat-api: gunicorn, %d sync workers' %
            info['api_workers'],
            'deployment heat-engine: %d processes, num_engine_workers 1' %
            info['engines'],
            'deployment database: %s' % self._database_version(),
            'deployment messaging: RabbitMQ, vhost %s' % info['vhost'],
        ]

    def _database_version(self):
        import sqlalchemy as sa
        engine = sa.create_engine(self.info['database'],
                                  poolclass=sa.pool.NullPool)
        try:
            with engine.connect():
                return describe_database(engine)
        except Exception as exc:  # noqa: BLE001 - a label only
            return 'MySQL/MariaDB (version unknown: %s)' % (
                str(exc).splitlines()[0])
        finally:
            engine.dispose()

    def client(self):
        return Client.for_endpoint(self.info['endpoint'])

    def stop(self):
        if not self.created:
            return
        self.created = False
        result = _deploy_tool(['stop', '--dir', self.dir], 180)
        sys.stdout.write('deployment stopped%s\n' % (
            '' if result.returncode == 0 else
            ' with errors:\n' + result.stderr[-2000:]))
        sys.stdout.flush()


def target_for(args, extra_args=(), leaf_sleep=False):
    """The target ``args`` (with :func:`add_run_options`) names."""
    if getattr(args, 'deployment', None):
        return DeploymentTarget(args.deployment)
    return EmbeddedTarget(extra_args, leaf_sleep)


def begin(script, args, extra_args=(), leaf_sleep=False):
    """Arm the watchdog, print the machine; the target, not yet opened."""
    target = target_for(args, extra_args, leaf_sleep)
    watchdog(args.budget, target.stop)
    print_machine(script)
    return target


# SQLAlchemy backends a throwaway database is made on; SQLite is the
# scripts' default, in a temporary directory.
SERVER_BACKENDS = ('postgresql', 'mysql')


def database_url(value):
    """An argparse type: the URL of a PostgreSQL or MySQL/MariaDB server."""
    import sqlalchemy as sa
    try:
        url = sa.engine.make_url(value)
    except sa.exc.ArgumentError:
        raise argparse.ArgumentTypeError('not a SQLAlchemy URL: %r' % value)
    if url.get_backend_name() not in SERVER_BACKENDS:
        raise argparse.ArgumentTypeError(
            '%s: a throwaway database is made on %s only (SQLite is the '
            'default)' % (url.get_backend_name(), ' or '.join(
                SERVER_BACKENDS)))
    return value


def add_database_option(parser, help_prefix=''):
    """``--database URL``: Heat's database on a server, not SQLite."""
    parser.add_argument(
        '--database', metavar='URL', type=database_url, default=None,
        help=(help_prefix + 'SQLAlchemy URL of a PostgreSQL or MySQL/MariaDB '
              'server (e.g. postgresql+psycopg2://openstack_citest:'
              'openstack_citest@127.0.0.1/openstack_citest): the run uses '
              'a throwaway database made there and dropped at its end '
              '(default: SQLite in a temporary directory)'))


class ScratchDatabase(object):
    """A throwaway database of its own on the server ``url`` names.

    Created at once; :meth:`drop` removes it (safe to call twice, and from
    the watchdog while the run still holds connections).
    """

    def __init__(self, url):
        import sqlalchemy as sa
        self.engine = sa.create_engine(url, isolation_level='AUTOCOMMIT',
                                       poolclass=sa.pool.NullPool)
        self.name = 'heat_store_bench_%s' % uuid.uuid4().hex[:8]
        with self.engine.connect() as conn:
            conn.execute(sa.text('CREATE DATABASE %s' % self.name))
        self.url = self.engine.url.set(database=self.name).render_as_string(
            hide_password=False)
        self.dropped = False

    def drop(self):
        import sqlalchemy as sa
        if self.dropped:
            return
        self.dropped = True
        # NOTE: PostgreSQL refuses to drop a database with connections
        # open; a run stopped by the watchdog may still hold some.
        force = (' WITH (FORCE)' if self.engine.dialect.name == 'postgresql'
                 else '')
        with self.engine.connect() as conn:
            conn.execute(sa.text('DROP DATABASE %s%s' % (self.name, force)))
        self.engine.dispose()


def describe_database(engine):
    """``sqlite 3.40.1``, ``postgresql 15.20``, ``mariadb 10.11.19``."""
    version = '.'.join(str(n) for n in
                       engine.dialect.server_version_info or ())
    name = engine.dialect.name
    if name == 'mysql' and engine.dialect.is_mariadb:
        name = 'mariadb'
    return '%s %s' % (name, version)


def read_status(pid, key):
    """A ``kB`` field of /proc/<pid>/status, in KiB."""
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith(key + ':'):
                return int(line.split()[1])
    raise KeyError(key)
