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

"""What the built distributions hold, building them quietly, installing them.

The wheel is built from the repository's sources as pip builds it (pbr,
in an isolated build environment from PyPI, no other network), into a
temporary directory. Heat loads the plugin directory and alembic the
migrations by path, not by import, so a wheel that lost them would still
import: the test lists them.

The builds read a copy of the sources (see ``source_tree``), not the
checkout: setuptools, through pbr, walks every file below the project
directory on each build, and a checkout's virtualenvs hold some two
hundred thousand of them (16 s a build, against 4 s).
"""

import glob
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile

import fixtures

from tests import base

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
PACKAGE = os.path.join(TOP, 'heat_store')
# Files the package opens at run time, besides its modules.
DATA_FILES = ('heat_store/db/alembic.ini',
              'heat_store/db/migrations/script.py.mako',
              'heat_store/api/openapi.yaml',
              # Horizon's: the enabled file deployers copy, the store's
              # policy defaults for Horizon's policy engine, a template.
              'heat_store/dashboard/enabled/'
              '_1660_project_template_store_panel.py',
              'heat_store/dashboard/conf/policy.d/heat_store.yaml',
              'heat_store/dashboard/template_store/templates/'
              'template_store/_version_overview.html')


def _tracked(pattern):
    """Repository files (relative to the top) matching a glob."""
    return sorted(os.path.relpath(path, TOP)
                  for path in glob.glob(os.path.join(TOP, pattern)))


def expected_files():
    """What the package needs at run time, as the repository has it."""
    return (_tracked('heat_store/plugin/*.py') +
            _tracked('heat_store/db/migrations/*.py') +
            _tracked('heat_store/db/migrations/versions/*.py') +
            list(DATA_FILES))


def source_tree(dest):
    """Copy the checkout's sources into dest, as git sees them: a path.

    The tracked files (as they are in the working tree, edits included),
    the untracked ones git does not ignore, and ``.git`` (pbr reads the
    version and the sdist's file list from it); nothing the repository
    ignores, so no virtualenv, build or test output.
    """
    listed = subprocess.run(
        ['git', 'ls-files', '-z', '--cached', '--others',
         '--exclude-standard'],
        cwd=TOP, capture_output=True, check=True).stdout.decode()
    tree = os.path.join(dest, 'heat-store')
    for relpath in filter(None, listed.split('\0')):
        source = os.path.join(TOP, relpath)
        if not os.path.isfile(source):
            continue  # deleted in the working tree, not yet in git
        os.makedirs(os.path.dirname(os.path.join(tree, relpath)),
                    exist_ok=True)
        shutil.copy2(source, os.path.join(tree, relpath))
    git = os.path.join(TOP, '.git')
    if os.path.isdir(git):
        shutil.copytree(git, os.path.join(tree, '.git'), symlinks=True)
    else:  # a git worktree: .git names the repository's directory
        shutil.copy2(git, os.path.join(tree, '.git'))
    return tree


def build_wheel(outdir):
    """pip's build of the repository: (wheel path, build output)."""
    result = subprocess.run(
        [sys.executable, '-m', 'pip', 'wheel', '--no-deps',
         '--disable-pip-version-check', '-w', outdir,
         source_tree(outdir)],
        capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    if result.returncode:
        raise AssertionError('pip wheel failed:\n%s' % output)
    return glob.glob(os.path.join(outdir, '*.whl'))[0], output


class WheelTest(base.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = tempfile.TemporaryDirectory(prefix='heat-store-wheel-')
        cls.wheel, cls.output = build_wheel(cls.tmp.name)
        with zipfile.ZipFile(cls.wheel) as wheel:
            cls.names = set(wheel.namelist())

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()
        super().tearDownClass()

    def test_wheel_holds_plugin_migrations_and_data_files(self):
        expected = expected_files()
        self.assertIn('heat_store/plugin/heat_store_resources.py', expected)
        self.assertIn('heat_store/db/migrations/env.py', expected)
        self.assertTrue([p for p in expected
                         if p.startswith('heat_store/db/migrations/versions/')
                         and not p.endswith('__init__.py')])
        self.assertEqual([], sorted(set(expected) - self.names))

    def test_wheel_holds_every_data_file_of_the_package(self):
        """Any non-Python file in the package is shipped (a new one too)."""
        shipped = set()
        for top, dirs, files in os.walk(PACKAGE):
            dirs[:] = [d for d in dirs if d != '__pycache__']
            shipped.update(
                os.path.relpath(os.path.join(top, f), TOP) for f in files
                if not f.endswith(('.py', '.pyc')))
        self.assertEqual([], sorted(shipped - self.names))

    def test_build_is_quiet(self):
        noisy = [line for line in self.output.splitlines()
                 if 'warning' in line.lower() and
                 not line.startswith('WARNING: Location')]
        self.assertEqual([], noisy, self.output)
        self.assertNotIn('absent from the', self.output)


# Run by the installed package's interpreter: what an operator relies on.
_INSTALLED_PROBE = """
import importlib.metadata, json, os
import heat_store
found = {}
for group in ('oslo.config.opts', 'oslo.policy.policies',
              'openstack.orchestration.v1'):
    eps = [ep for ep in importlib.metadata.entry_points(group=group)
           if ep.value.startswith('heat_store.')]
    for ep in eps:
        ep.load()
    found[group] = sorted(ep.name for ep in eps)
plugin = os.path.join(heat_store.__path__[0], 'plugin')
found['plugin'] = sorted(os.listdir(plugin)) if os.path.isdir(plugin) else None
found['location'] = heat_store.__path__[0]
print(json.dumps(found))
"""


class InstallTest(base.TestCase):
    """The operator's route (doc/source/admin/deploy.rst), end to end.

    Builds the sdist, builds the wheel from it (so the tarball is
    complete), and installs the wheel with its ``server`` extra into a
    clean virtualenv, where pip fetches openstack-heat from PyPI (its
    cache makes a second run quick).

    pip installs without compiling bytecode, and the commands below run
    with Python's bytecode cache on: they compile the modules they import
    once (about 4 s of CPU), where pip would compile every module of some
    hundred packages (34 s), and where, under PYTHONDONTWRITEBYTECODE,
    each command would compile what it imports again.
    """

    def setUp(self):
        super().setUp()
        self.tmp = self.useFixture(fixtures.TempDir()).path
        self.env = dict(os.environ)
        for name in ('PYTHONDONTWRITEBYTECODE', 'PYTHONPATH'):
            self.env.pop(name, None)
        dist = os.path.join(self.tmp, 'dist')
        self.run_ok([sys.executable, '-m', 'build', '--outdir', dist,
                     source_tree(self.tmp)])
        self.sdist = glob.glob(os.path.join(dist, '*.tar.gz'))[0]
        self.wheel = glob.glob(os.path.join(dist, '*.whl'))[0]
        self.venv = os.path.join(self.tmp, 'venv')
        # No pip of its own (ensurepip costs 8 s): the tests' pip installs
        # into it.
        self.run_ok([sys.executable, '-m', 'venv', '--without-pip',
                     self.venv])
        self.run_ok([sys.executable, '-m', 'pip', '--python',
                     self.bin('python'), 'install', '-q', '--no-compile',
                     '--disable-pip-version-check',
                     '%s[server]' % self.wheel])

    def bin(self, name):
        return os.path.join(self.venv, 'bin', name)

    def run_ok(self, argv, **kwargs):
        result = subprocess.run(argv, capture_output=True, text=True,
                                timeout=600, cwd=self.tmp, env=self.env,
                                **kwargs)
        self.assertEqual(0, result.returncode, '%s\n%s%s' % (
            ' '.join(argv), result.stdout, result.stderr))
        return result.stdout

    def test_wheel_from_the_sdist_installs_beside_heat(self):
        with tarfile.open(self.sdist) as sdist:
            top = sdist.getnames()[0].split('/')[0]
            names = {n[len(top) + 1:] for n in sdist.getnames()}
        self.assertEqual([], sorted(set(expected_files()) - names))

        self.assertIn('db_sync', self.run_ok([self.bin('heat-store-manage'),
                                              '--help']))
        found = json.loads(self.run_ok([self.bin('python'), '-c',
                                        _INSTALLED_PROBE]))
        self.assertTrue(found['location'].startswith(self.venv),
                        found['location'])
        self.assertEqual(['heat_store'], found['oslo.config.opts'])
        self.assertEqual(['heat_store'], found['oslo.policy.policies'])
        self.assertIn('orchestration_template_store_list',
                      found['openstack.orchestration.v1'])
        self.assertIn('heat_store_resources.py', found['plugin'])
        self.run_ok([self.bin('python'), '-c', 'import heat.engine.service'])

        # The migrations run from the installed package.
        conf = os.path.join(self.tmp, 'heat.conf')
        with open(conf, 'w') as f:
            f.write('[database]\nconnection = sqlite:///%s\n' %
                    os.path.join(self.tmp, 'heat.sqlite'))
        out = self.run_ok([self.bin('heat-store-manage'), '--config-file',
                           conf, 'db_sync'])
        self.assertIn('heat-store schema at', out)
        self.assertNotIn('None', out)
