"""What the built distributions hold, and that building them is quiet.

The wheel is built from the repository as pip builds it (pbr, in an
isolated build environment from PyPI, no other network), into a
temporary directory. Heat loads the plugin directory and alembic the
migrations by path, not by import, so a wheel that lost them would still
import: the test lists them.
"""

import glob
import os
import subprocess
import sys
import tempfile
import zipfile

import testtools

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
PACKAGE = os.path.join(TOP, 'heat_store')
# Files the package opens at run time, besides its modules.
DATA_FILES = ('heat_store/db/alembic.ini',
              'heat_store/db/migrations/script.py.mako',
              'heat_store/api/openapi.yaml')


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


def build_wheel(outdir):
    """pip's build of the repository: (wheel path, build output)."""
    result = subprocess.run(
        [sys.executable, '-m', 'pip', 'wheel', '--no-deps',
         '--disable-pip-version-check', '-w', outdir, TOP],
        capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    if result.returncode:
        raise AssertionError('pip wheel failed:\n%s' % output)
    return glob.glob(os.path.join(outdir, '*.whl'))[0], output


class WheelTest(testtools.TestCase):

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
