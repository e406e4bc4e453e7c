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

"""The store in a production-shaped Heat, under concurrency.

One deployment per test process (``tools/deploy_production.py``): heat-api
under gunicorn with several workers, two heat-engine processes, RabbitMQ
and MariaDB, the store installed by its documented steps. These tests skip
where MariaDB or RabbitMQ is absent, unless HEAT_STORE_REQUIRE_SERVICES is
set (as ``.ci/run`` does). ``.stestr.conf`` keeps the module in one worker.

To iterate on these tests, start a deployment once
(``tools/deploy-production.sh start --dir DIR``) and run them with
``HEAT_STORE_PRODUCTION_DIR=DIR``: they use it and leave it running.
"""

import atexit
import collections
import concurrent.futures
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
import uuid

import sqlalchemy as sa
from testtools import content

from tests import base
from tests.functional import server as server_mod

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
TOOL = os.path.join(TOP, 'tools', 'deploy_production.py')
HOT = '2018-08-31'

CHILD = {
    'heat_template_version': HOT,
    'parameters': {'length': {'type': 'number', 'default': 8}},
    'resources': {'pw': {'type': 'OS::Heat::RandomString',
                         'properties': {'length': {'get_param': 'length'}}}},
    'outputs': {'password': {'value': {'get_attr': ['pw', 'value']}}},
}


class Deployment(object):
    """A running deployment, reached over HTTP (and SQL, for checks)."""

    # The JSON helper of the embedded server's tests: (status, headers,
    # body), with ``self.endpoint``.
    request = server_mod.EmbeddedServer.request

    def __init__(self, directory):
        self.dir = directory
        self.info = None

    @property
    def endpoint(self):
        return self.info['endpoint']

    def start(self, *options):
        """Start it; ``self.output`` is what start printed for people.

        With ``--json`` among the options, the deployment's state is the
        last line of the output; otherwise it is read from its file.
        """
        result = subprocess.run(
            [sys.executable, TOOL, 'start', '--dir', self.dir,
             '--timeout', '150'] + list(options or ['--json']),
            capture_output=True, text=True, timeout=200)
        if result.returncode:
            raise RuntimeError('deployment did not start:\n%s\n%s' % (
                result.stdout, result.stderr[-6000:]))
        self.output = result.stdout
        if '--json' in (options or ['--json']):
            self.info = json.loads(result.stdout.strip().splitlines()[-1])
        else:
            with open(os.path.join(self.dir, 'deployment.json')) as f:
                self.info = json.load(f)
        return self

    def stop(self):
        if self.info is None:
            return
        self.info = None
        subprocess.run([sys.executable, TOOL, 'stop', '--dir', self.dir,
                        '--purge'], capture_output=True, timeout=120)

    def log(self, name):
        path = os.path.join(self.dir, 'log', name)
        if not os.path.exists(path):
            return ''
        with open(path, errors='replace') as f:
            return f.read()

    def access_log(self):
        """(worker pid, method, path, status) of every request served."""
        rows = []
        for line in self.log('heat-api-access.log').splitlines():
            try:
                _host, pid, rest = line.split(' ', 2)
                request, tail = rest[1:].split('" ', 1)
                method, path = request.split(' ')[:2]
                rows.append((int(pid.strip('<>')), method, path,
                             int(tail.split()[0])))
            except ValueError:
                continue
        return rows

    def db(self):
        return sa.create_engine(self.info['database'],
                                poolclass=sa.pool.NullPool)


def services_problem():
    result = subprocess.run([sys.executable, TOOL, 'check'],
                            capture_output=True, text=True, timeout=60)
    if result.returncode:
        return result.stdout.strip() or result.stderr.strip()
    return None


class SharedDeployment(object):
    """A module's deployment: started on first use, stopped at its end.

    With HEAT_STORE_PRODUCTION_DIR, a deployment started by hand
    (deploy_production.py start --dir DIR) is used and left running. A
    failed start (or missing services) fails, or skips, every test that
    asks for it afterwards.
    """

    def __init__(self, prefix):
        self.prefix = prefix
        self._lock = threading.Lock()
        self._state = {}

    def get(self):
        state = self._state
        with self._lock:
            if 'error' in state:
                raise state['error']
            if 'deployment' not in state:
                state['deployment'] = self._start(state)
            return state['deployment']

    def _start(self, state):
        problem = services_problem()
        if problem:
            state['error'] = base.service_missing(
                'production deployment needs MariaDB and RabbitMQ: %s' %
                problem)
            raise state['error']
        reuse = os.environ.get('HEAT_STORE_PRODUCTION_DIR')
        if reuse:
            dep = Deployment(reuse)
            with open(os.path.join(reuse, 'deployment.json')) as f:
                dep.info = json.load(f)
            state['reused'] = True
            return dep
        dep = Deployment(tempfile.mkdtemp(prefix=self.prefix))
        atexit.register(dep.stop)
        try:
            dep.start()
        except Exception as exc:
            state['error'] = exc
            raise
        return dep

    def stop(self):
        dep = self._state.pop('deployment', None)
        if dep is not None and not self._state.get('reused'):
            dep.stop()


_deployment = SharedDeployment('heat-store-prod-')


def tearDownModule():
    _deployment.stop()


def run_parallel(fn, jobs, workers):
    """fn(job) for each job on ``workers`` threads; results in job order."""
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        return list(pool.map(fn, jobs))


class DeploymentTestCase(base.TestCase):
    """Tests against DEPLOYMENT (a SharedDeployment), started on first use.

    Each test names what it creates with a prefix of its own.
    """

    DEPLOYMENT = None
    PREFIX = 'p'

    def setUp(self):
        super().setUp()
        self.dep = self.DEPLOYMENT.get()
        self.prefix = '%s%s' % (self.PREFIX, uuid.uuid4().hex[:8])

    def api(self, method, path, body=None, expect=None):
        status, _headers, payload = self.dep.request(method, path, body)
        if expect is not None:
            self.assertEqual(expect, status, payload)
        return status, payload


class ProductionTest(DeploymentTestCase):

    DEPLOYMENT = _deployment
    # NOTE: the first test of a worker also starts the deployment (up to
    # 200 s) before waiting on its own stacks.
    TIMEOUT_SCALING_FACTOR = 2

    def name(self, base):
        return '%s-%s' % (self.prefix, base)

    def create_template(self, name, first='1.0.0'):
        return self.api('POST', '/stored_templates', {
            'name': name, 'version': {'version': first, 'template': CHILD}},
            expect=201)[1]['stored_template']

    def stack_body(self, stack_name, template, version):
        return {'stack_name': stack_name, 'template': {
            'heat_template_version': HOT,
            'resources': {'w': {'type': 'OS::Heat::StoredTemplate',
                                'properties': {'template': template,
                                               'version': version}}},
            'outputs': {
                'password': {'value': {'get_attr': ['w', 'password']}},
                'resolved': {'value': {'get_attr': ['w',
                                                    'resolved_version']}}}}}

    def wait_stack(self, stack_name, done, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status, _h, payload = self.dep.request('GET', '/stacks/%s' %
                                                   stack_name)
            if status == 404 and 'DELETE_COMPLETE' in done:
                return 'DELETE_COMPLETE', None
            self.assertEqual(200, status, payload)
            stack = payload['stack']
            if stack['stack_status'] in done:
                return stack['stack_status'], stack
            if not stack['stack_status'].endswith('IN_PROGRESS'):
                self.fail('stack %s: %s %s' % (
                    stack_name, stack['stack_status'],
                    stack['stack_status_reason']))
            time.sleep(0.3)
        self.fail('stack %s not %s in %ds' % (stack_name, done, timeout))

    def assertNoServerErrors(self, fragment):
        errors = [row for row in self.dep.access_log()
                  if fragment in row[2] and row[3] >= 500]
        self.assertEqual([], errors, 'heat-api answered 5xx')

    def record(self, name, numbers):
        self.addDetail(name, content.text_content(json.dumps(
            numbers, sort_keys=True)))

    # -- the deployment ---------------------------------------------------

    def test_deployment_shape(self):
        status, payload = self.api('GET', '/services', expect=200)
        engines = {s['host'] for s in payload['services']
                   if s['binary'] == 'heat-engine' and s['status'] == 'up'}
        self.assertEqual({'engine-1', 'engine-2'}, engines)
        self.assertGreaterEqual(self.dep.info['api_workers'], 2)
        self.assertTrue(self.dep.info['database'].startswith('mysql+'))
        self.assertTrue(self.dep.info['transport_url'].startswith('rabbit:'))

    def test_publish_and_resolve_through_the_api_workers(self):
        name = self.name('web')
        self.create_template(name)
        for version in ('1.1.0', '1.2.0-rc.1', '2.0.0'):
            self.api('POST', '/stored_templates/%s/versions' % name,
                     {'version': version, 'template': CHILD}, expect=201)
        path = '/stored_templates/%s/resolve?version=%%s' % name
        expected = {'^1': '1.1.0', '>=1.2.0-rc.0 <2': '1.2.0-rc.1',
                    'latest': '2.0.0', '~1.0': '1.0.0'}

        def resolve(constraint):
            from urllib.parse import quote
            return constraint, self.dep.request(
                'GET', path % quote(constraint))

        jobs = list(expected) * 6
        for constraint, (status, _h, payload) in run_parallel(
                resolve, jobs, 6):
            self.assertEqual(200, status, payload)
            self.assertEqual(expected[constraint],
                             payload['stored_template_version']['version'])
        self.assertEqual(404, self.dep.request('GET', path % '^3')[0])
        pids = {pid for pid, method, p, status in self.dep.access_log()
                if '/%s/resolve' % name in p}
        self.assertGreaterEqual(len(pids), 2,
                                'one API worker served every request')

    def test_stack_of_the_engines_protects_its_version(self):
        name = self.name('pw')
        self.create_template(name)
        stack = self.name('stack')
        self.api('POST', '/stacks', self.stack_body(stack, name, '^1'),
                 expect=201)
        _status, shown = self.wait_stack(stack, ('CREATE_COMPLETE',))
        outputs = {o['output_key']: o['output_value']
                   for o in shown['outputs']}
        self.assertEqual('1.0.0', outputs['resolved'])
        self.assertEqual(8, len(outputs['password']))
        version_path = '/stored_templates/%s/versions/1.0.0' % name
        status, payload = self.api('DELETE', version_path, expect=409)
        self.assertIn(stack, payload['error']['message'])
        self.api('DELETE', '/stored_templates/%s' % name, expect=409)
        _s, consumers = self.api('GET', version_path + '/stacks', expect=200)
        self.assertEqual([stack], [s['stack_name']
                                   for s in consumers['stacks']])
        self.api('DELETE', '/stacks/%s/%s' % (stack, shown['id']),
                 expect=204)
        self.wait_stack(stack, ('DELETE_COMPLETE',))
        self.api('DELETE', version_path, expect=204)
        # Both engines took part in the work of this deployment.
        self.assertIn(shown['id'], self.dep.log('heat-engine-1.log') +
                      self.dep.log('heat-engine-2.log'))

    def row_counts(self):
        engine = self.dep.db()
        try:
            with engine.connect() as conn:
                return {table: conn.execute(sa.select(
                    sa.func.count()).select_from(sa.table(table))).scalar()
                    for table in sa.inspect(conn).get_table_names()}
        finally:
            engine.dispose()

    def test_dry_run_impact_previews_on_the_engines_and_writes_nothing(self):
        # heat-api carries the unpublished bundle to whichever engine
        # takes the preview, over RabbitMQ; nothing is stored anywhere.
        name = self.name('dry')
        self.create_template(name)
        stack = self.name('dry-stack')
        body = self.stack_body(stack, name, '^1')
        body['template']['resources']['w']['properties'][
            'upgrade_policy'] = 'LATEST_MATCHING'
        self.api('POST', '/stacks', body, expect=201)
        _status, shown = self.wait_stack(stack, ('CREATE_COMPLETE',))
        renamed = dict(CHILD, resources={'pw2': CHILD['resources']['pw']},
                       outputs={})
        before = self.row_counts()
        _s, answer = self.api(
            'POST', '/stored_templates/%s/versions' % name,
            {'version': '1.1.0', 'template': renamed, 'force': True,
             'dry_run': True, 'impact': True}, expect=200)
        self.assertEqual(before, self.row_counts())
        self.assertEqual([shown['id']],
                         [e['stack_id'] for e in answer['impact']])
        entry = answer['impact'][0]
        self.assertEqual(
            (None, ['pw2'], ['pw'], ['password']),
            (entry['error'], [r['resource_name'] for r in entry['added']],
             [r['resource_name'] for r in entry['deleted']],
             entry['breaks']['outputs']))
        _s, versions = self.api('GET', '/stored_templates/%s/versions' %
                                name, expect=200)
        self.assertEqual(['1.0.0'], [
            v['version'] for v in versions['stored_template_versions']])
        self.assertNoServerErrors('/stored_templates/%s' % name)

    # -- concurrency -------------------------------------------------------

    def test_concurrent_publishes_lose_and_duplicate_nothing(self):
        name = self.name('busy')
        self.create_template(name)
        clients, per_client = 8, 10
        # Half the requests name a version from a small pool (so that
        # clients collide), half take the next patch.
        pool = ['2.%d.0' % i for i in range(12)] + [
            '2.%d.0-rc.1' % i for i in range(0, 12, 3)]
        jobs = []
        for client in range(clients):
            for i in range(per_client):
                if i % 2:
                    jobs.append(None)
                else:
                    jobs.append(pool[(client * 7 + i * 3) % len(pool)])

        def publish(version):
            body = {'template': CHILD}
            if version is not None:
                body['version'] = version
            status, _h, payload = self.dep.request(
                'POST', '/stored_templates/%s/versions' % name, body)
            got = None
            if status == 201:
                got = payload['stored_template_version']['version']
            return version, status, got, payload

        started = time.monotonic()
        results = run_parallel(publish, jobs, clients)
        elapsed = time.monotonic() - started

        statuses = collections.Counter(s for _v, s, _g, _p in results)
        server_errors = [(v, s, p) for v, s, _g, p in results if s >= 500]
        self.assertEqual([], server_errors)
        unexpected = [(v, s, p) for v, s, _g, p in results
                      if s not in (201, 409)]
        self.assertEqual([], unexpected)
        acknowledged = [g for _v, s, g, _p in results if s == 201]
        # Each acknowledged version is a different one.
        self.assertEqual(len(acknowledged), len(set(acknowledged)))
        # An explicit version is acknowledged to one client: one that
        # asked for it, or a next-patch publish that took it first (the
        # next patch of 2.0.0-rc.1 is 2.0.0). Every other was told 409.
        for version in set(v for v in jobs if v):
            answers = [s for v, s, _g, _p in results if v == version]
            self.assertLessEqual(answers.count(201), 1, (version, answers))
            self.assertEqual(len(answers) - answers.count(201),
                             answers.count(409))
            self.assertIn(version, acknowledged)
        for v, s, _g, p in results:
            if s == 409:
                self.assertIsNotNone(v, 'a next-patch publish got 409: %s'
                                     % p)
                self.assertEqual('VersionExists', p['error']['type'])

        _s, listed = self.api('GET', '/stored_templates/%s/versions' % name,
                              expect=200)
        listed = [v['version'] for v in listed['stored_template_versions']]
        self.assertEqual(len(listed), len(set(listed)), 'duplicates')
        lost = set(acknowledged) - set(listed)
        self.assertEqual(set(), lost, 'acknowledged but not listed')
        self.assertEqual(sorted(set(acknowledged) | {'1.0.0'}),
                         sorted(listed))
        _s, shown = self.api('GET', '/stored_templates/%s' % name,
                             expect=200)
        self.assertEqual(len(listed), shown['stored_template']
                         ['version_count'])
        with self.dep.db().connect() as conn:
            rows = conn.execute(sa.text(
                'SELECT v.version FROM stored_template_version v JOIN '
                'stored_template t ON t.id = v.template_id WHERE '
                't.name = :n'), {'n': name}).scalars().all()
        self.assertEqual(sorted(listed), sorted(rows))
        self.assertNoServerErrors(name)
        self.record('concurrent-publishes', {
            'clients': clients, 'requests': len(jobs),
            'explicit': sum(1 for v in jobs if v),
            'next_patch': sum(1 for v in jobs if not v),
            'status': dict(statuses), '5xx': len(server_errors),
            'acknowledged': len(acknowledged), 'listed': len(listed),
            'lost': len(lost), 'seconds': round(elapsed, 1)})

    def test_version_deletes_racing_stack_creates_leave_no_orphan(self):
        numbers = collections.Counter()
        # The deletes start at different points of the stacks' creation:
        # before their validation, around their pins, after.
        for round_, delay in enumerate((0.0, 0.05, 0.15, 0.4)):
            self._race_round(round_, delay, numbers)
        self.record('deletes-vs-stack-creates', dict(numbers))

    def _race_round(self, round_, delete_after, numbers):
        name = self.name('race%d' % round_)
        self.create_template(name)
        version_path = '/stored_templates/%s/versions/1.0.0' % name
        stacks = [self.name('r%d-s%d' % (round_, i)) for i in range(6)]
        deleted = threading.Event()
        creates_done = threading.Event()
        answers = collections.Counter()

        def create(stack):
            status, _h, payload = self.dep.request(
                'POST', '/stacks', self.stack_body(stack, name, '1.0.0'))
            return stack, status, payload

        def delete(_worker):
            time.sleep(delete_after)
            seen = []
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                status, _h, payload = self.dep.request('DELETE',
                                                       version_path)
                seen.append((status, payload))
                if status in (204, 404):
                    deleted.set()
                    return seen
                if creates_done.is_set() and status == 409:
                    # Every stack holds it: the answer will not change.
                    return seen
                time.sleep(0.05)
            return seen

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            deleters = [pool.submit(delete, i) for i in range(2)]
            created = list(pool.map(create, stacks))
            creates_done.set()
            delete_answers = [a for f in deleters for a in f.result()]

        for status, payload in delete_answers:
            answers['delete %d' % status] += 1
            self.assertIn(status, (204, 404, 409), payload)
        for stack, status, payload in created:
            answers['create %d' % status] += 1
            # 400: the version was gone when the stack was validated.
            self.assertIn(status, (201, 400), payload)

        # Every stack that was accepted ends CREATE_COMPLETE (its pin was
        # in first) or CREATE_FAILED (the delete was first).
        outcomes = {}
        for stack, status, _p in created:
            if status == 201:
                outcomes[stack] = self.wait_stack(
                    stack, ('CREATE_COMPLETE', 'CREATE_FAILED'))
        version_status = self.dep.request('GET', version_path)[0]
        self.assertIn(version_status, (200, 404))
        complete = {s: shown for s, (st, shown) in outcomes.items()
                    if st == 'CREATE_COMPLETE'}
        failed = [s for s, (st, _x) in outcomes.items()
                  if st == 'CREATE_FAILED']
        for stack in failed:
            # Failed for the reason raced for: the version was gone when
            # the engine resolved it, or when it pinned it.
            reason = outcomes[stack][1]['stack_status_reason']
            self.assertIn(name, reason)
            self.assertTrue('could not be found' in reason or
                            'no active version' in reason, reason)
            numbers['failed at pin' if 'VersionNotFound' in reason
                    else 'failed at resolve'] += 1
        if version_status == 404:
            self.assertEqual({}, complete, 'stacks built from a version '
                             'that was deleted')
        for stack, shown in complete.items():
            outputs = {o['output_key']: o['output_value']
                       for o in shown['outputs']}
            self.assertEqual('1.0.0', outputs['resolved'])
        # In the database: no consumer row without its version.
        with self.dep.db().connect() as conn:
            orphans = conn.execute(sa.text(
                'SELECT count(*) FROM stored_template_consumer c LEFT JOIN '
                'stored_template_version v ON v.id = c.version_id '
                'WHERE v.id IS NULL')).scalar()
        self.assertEqual(0, orphans)

        # Deleting the stacks releases the version.
        for stack, (_st, shown) in outcomes.items():
            self.api('DELETE', '/stacks/%s/%s' % (stack, shown['id']),
                     expect=204)
        for stack in outcomes:
            self.wait_stack(stack, ('DELETE_COMPLETE',))
        if version_status == 200:
            self.api('DELETE', version_path, expect=204)
        self.assertNoServerErrors(name)
        numbers.update(answers)
        numbers['stacks complete'] += len(complete)
        numbers['stacks failed'] += len(failed)
        numbers['version deleted under racing creates'] += int(
            version_status == 404)
        numbers['orphans'] += orphans


class StopTest(base.TestCase):
    """The stop command that start prints, after a stop that failed."""

    TIMEOUT_SCALING_FACTOR = 2

    def leftovers(self, info):
        """The deployment's database, database users and vhost still there."""
        admin = sa.create_engine(info['db_admin_url'],
                                 poolclass=sa.pool.NullPool)
        try:
            with admin.connect() as conn:
                left = list(conn.exec_driver_sql(
                    'SHOW DATABASES LIKE %s', (info['db_name'],)).scalars())
                left += ['%s@%s' % tuple(row) for row in conn.exec_driver_sql(
                    'SELECT User, Host FROM mysql.user WHERE User = %s',
                    (info['db_user'],))]
        finally:
            admin.dispose()
        vhosts = subprocess.run(['rabbitmqctl', '-q', 'list_vhosts'],
                                capture_output=True, text=True, timeout=60,
                                check=True).stdout.split()
        return left + [v for v in vhosts if v == info['vhost']]

    def test_printed_stop_command_finishes_a_failed_stop(self):
        problem = services_problem()
        if problem:
            raise base.service_missing(
                'production deployment needs MariaDB and RabbitMQ: %s' %
                problem)
        dep = Deployment(tempfile.mkdtemp(prefix='heat-store-stop-'))
        self.addCleanup(shutil.rmtree, dep.dir, True)
        self.addCleanup(dep.stop)
        dep.start('--engines', '1', '--api-workers', '1')
        # The start's readiness checks were all answered: none went out
        # before the engine listened, to be lost on RabbitMQ and answered
        # 503 a minute later (rpc_response_timeout).
        self.assertEqual([], [row for row in dep.access_log()
                              if row[3] >= 500])
        # gunicorn's control socket is the deployment's own, not the one
        # path in HOME that every deployment would share.
        control = os.path.join(dep.dir, 'gunicorn.ctl')
        self.assertTrue(stat.S_ISSOCK(os.stat(control).st_mode))
        self.assertIn('Control socket listening at %s' % control,
                      dep.log('gunicorn.log'))
        info = dict(dep.info)
        printed = [line.split(':', 1)[1].strip()
                   for line in dep.output.splitlines()
                   if line.startswith('stop:')]
        self.assertEqual(1, len(printed), dep.output)
        self.assertEqual(4, len(self.leftovers(info)))

        # A stop by a Python without SQLAlchemy (-S: no site-packages)
        # stops the processes, cannot drop the database, says how to
        # finish, and keeps what is left to do.
        failed = subprocess.run(
            [sys.executable, '-S', TOOL, 'stop', '--dir', dep.dir],
            capture_output=True, text=True, timeout=120)
        self.assertEqual(1, failed.returncode, failed.stderr)
        self.assertIn("No module named 'sqlalchemy'", failed.stderr)
        self.assertIn('to finish: ', failed.stderr)
        self.assertTrue(os.path.exists(os.path.join(dep.dir,
                                                    'deployment.json')))
        self.assertIn(info['db_name'], self.leftovers(info))
        status = subprocess.run(
            [sys.executable, TOOL, 'status', '--dir', dep.dir],
            capture_output=True, text=True, timeout=60)
        self.assertEqual(1, status.returncode, status.stdout)
        self.assertIn('finish it with: %s' % printed[0], status.stdout)

        # The printed command, as printed, from elsewhere, with nothing
        # of the virtualenv on PATH, finishes the clean-up.
        env = dict(os.environ, PATH='/usr/bin:/bin')
        done = subprocess.run(printed[0], shell=True, cwd='/', env=env,
                              capture_output=True, text=True, timeout=120)
        self.assertEqual(0, done.returncode, done.stderr)
        self.assertEqual([], self.leftovers(info))
        self.assertFalse(os.path.exists(os.path.join(dep.dir,
                                                     'deployment.json')))
        dep.info = None
