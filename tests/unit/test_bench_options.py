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

"""The benchmarks' ``--deployment DIR`` and ``--database URL`` options,
without timing anything.

The scripts in bench/ are not a package: they are imported from their
folder, as they import ``_common`` when run.
"""

import contextlib
import importlib
import io
import json
import os
import subprocess
import sys

import fixtures

from tests import base

BENCH = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), 'bench')
SCRIPTS = ('nested_stack', 'serve_template', 'publish', 'impact')


def bench_module(name):
    if BENCH not in sys.path:
        sys.path.insert(0, BENCH)
    return importlib.import_module(name)


class DeploymentOptionTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.common = bench_module('_common')
        self.dir = self.useFixture(fixtures.TempDir()).path

    def write_state(self, pid):
        state = {'dir': self.dir, 'endpoint': 'http://127.0.0.1:18004/v1/'
                                              'admin',
                 'api_workers': 3, 'engines': 2, 'vhost': 'heat_store_x',
                 'database': 'sqlite://',
                 'processes': [{'name': 'heat-api', 'pid': pid}]}
        path = os.path.join(self.dir, 'deployment.json')
        with open(path, 'w') as f:
            json.dump(state, f)
        return path

    def test_scripts_default_to_the_embedded_heat(self):
        for name in SCRIPTS:
            args = bench_module(name).parse_args([])
            self.assertIsNone(args.deployment, name)
            target = self.common.target_for(args)
            self.assertEqual('embedded', target.kind, name)
            self.assertFalse(target.outlives_run, name)

    def test_scripts_take_a_deployment_directory(self):
        self.useFixture(fixtures.MonkeyPatch('os.getcwd', lambda: '/srv'))
        for name in SCRIPTS:
            args = bench_module(name).parse_args(['--deployment', 'prod'])
            target = self.common.target_for(args)
            self.assertEqual('deployment', target.kind, name)
            self.assertEqual('/srv/prod', target.dir, name)

    def test_a_running_deployment_is_used_and_left_running(self):
        path = self.write_state(os.getpid())
        target = self.common.DeploymentTarget(self.dir)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            client = target.open().client()
            target.stop()
        self.assertIn('target: deployment in %s (found running, left '
                      'running)' % self.dir, out.getvalue())
        self.assertIn('deployment heat-api: gunicorn, 3 sync workers',
                      out.getvalue())
        self.assertNotIn('deployment start', out.getvalue())
        self.assertEqual(('127.0.0.1', 18004, '/v1/admin'),
                         (client.host, client.port, client.prefix))
        self.assertTrue(target.outlives_run)
        # stop() left it alone: its state is where the tool keeps it.
        self.assertTrue(os.path.exists(path))

    def test_a_deployment_with_a_dead_process_is_refused(self):
        proc = subprocess.Popen(['true'])
        proc.wait()
        path = self.write_state(proc.pid)
        target = self.common.DeploymentTarget(self.dir)
        error = self.assertRaises(RuntimeError, target.open)
        self.assertIn('is not whole', str(error))
        self.assertIn('GONE', str(error))
        self.assertFalse(target.created)
        self.assertTrue(os.path.exists(path))

    def test_a_client_needs_a_heat_v1_endpoint(self):
        client = self.common.Client.for_endpoint(
            'http://10.0.0.5:8004/v1/6f1c')
        self.assertEqual(('10.0.0.5', 8004, '/v1/6f1c'),
                         (client.host, client.port, client.prefix))
        self.assertRaises(ValueError, self.common.Client.for_endpoint,
                          'http://10.0.0.5:8004/v2/6f1c')


class DatabaseOptionTest(base.TestCase):

    PG = ('postgresql+psycopg2://openstack_citest:openstack_citest@'
          '127.0.0.1/openstack_citest')
    MARIADB = ('mysql+pymysql://openstack_citest:openstack_citest@'
               '127.0.0.1/openstack_citest')

    def setUp(self):
        super().setUp()
        self.nested_stack = bench_module('nested_stack')
        self.scale = bench_module('scale')

    def refused(self, parse, argv):
        """argparse's exit status and message for ``argv``."""
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            exit_ = self.assertRaises(SystemExit, parse, argv)
        return exit_.code, err.getvalue()

    def test_statements_default_to_sqlite(self):
        args = self.nested_stack.parse_args(['--mode', 'statements'])
        self.assertIsNone(args.database)
        self.assertIsNone(self.scale.parse_args([]).database)

    def test_statements_take_a_server_url(self):
        for url in (self.PG, self.MARIADB):
            args = self.nested_stack.parse_args(
                ['--mode', 'statements', '--database', url])
            self.assertEqual(url, args.database)
            self.assertEqual(url, self.scale.parse_args(
                ['--database', url]).database)

    def test_other_modes_refuse_a_database(self):
        for mode in ('single', 'fanout', 'concurrent'):
            code, message = self.refused(
                self.nested_stack.parse_args,
                ['--mode', mode, '--database', self.PG])
            self.assertEqual(2, code, mode)
            self.assertIn('--database is for --mode statements', message)

    def test_statements_refuse_a_deployment(self):
        # They count statements in one process; a deployment would be
        # silently not measured.
        code, message = self.refused(
            self.nested_stack.parse_args,
            ['--mode', 'statements', '--deployment', '/tmp/deployment'])
        self.assertEqual(2, code)
        self.assertIn('--deployment is not for --mode statements', message)

    def test_only_server_databases(self):
        for parse, argv in ((self.nested_stack.parse_args,
                             ['--mode', 'statements']),
                            (self.scale.parse_args, [])):
            code, message = self.refused(
                parse, argv + ['--database', 'sqlite:////tmp/heat.db'])
            self.assertEqual(2, code)
            self.assertIn('sqlite: a throwaway database is made on '
                          'postgresql or mysql only', message)
            code, message = self.refused(
                parse, argv + ['--database', '127.0.0.1/heat'])
            self.assertEqual(2, code)
            self.assertIn("not a SQLAlchemy URL: '127.0.0.1/heat'", message)
