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

"""``ast.literal_eval`` from many threads of the embedded Heat."""

import ast
import gc
import subprocess
import sys
import threading
import time

import fixtures

from heat_store.dev import embedded
from tests import base

# What Heat's sync points and oslo.policy's generic checks parse, and a
# deeper literal whose tree takes longer to build.
LITERALS = (
    "('2b3c4d5e-aaaa-bbbb-cccc-0123456789ab', True)",
    "'admin'",
    'True',
    '42',
    repr(tuple((i, ('x', (i, [i, {'k': (i,)}]))) for i in range(10))),
)


class CyclicGarbage(object):
    """A cycle whose finalizer hands the GIL to another thread."""

    def __init__(self):
        self.me = self

    def __del__(self):
        time.sleep(0)


def in_threads(count, work):
    """Run ``work(i)`` in ``count`` threads at once; the exceptions."""
    errors = []
    start = threading.Barrier(count)

    def run(i):
        start.wait()
        try:
            work(i)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return errors


class SerialisedLiteralEvalTest(base.TestCase):

    def setUp(self):
        super().setUp()
        # Each test starts from the interpreter's own literal_eval and
        # leaves it as it found it.
        self.original = getattr(ast.literal_eval, '__wrapped__',
                                ast.literal_eval)
        self.useFixture(fixtures.MonkeyPatch('ast.literal_eval',
                                             self.original))

    def most_at_once(self, threads=8):
        """The most ``ast.literal_eval`` calls seen parsing at one time."""
        parse = ast.parse
        lock = threading.Lock()
        inside = [0]
        most = [0]

        def slow_parse(*args, **kwargs):
            with lock:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            try:
                time.sleep(0.01)
                return parse(*args, **kwargs)
            finally:
                with lock:
                    inside[0] -= 1

        with fixtures.MonkeyPatch('ast.parse', slow_parse):
            errors = in_threads(threads, lambda i: ast.literal_eval('1'))
        self.assertEqual([], errors)
        return most[0]

    def test_installed_once(self):
        embedded.serialise_literal_eval()
        serialised = ast.literal_eval
        embedded.serialise_literal_eval()
        self.assertIsNot(self.original, serialised)
        self.assertIs(serialised, ast.literal_eval)
        self.assertIs(self.original, ast.literal_eval.__wrapped__)

    def test_the_embedded_heat_installs_it(self):
        # In a process of its own: configuring Heat sets global options
        # and logging.
        data_dir = self.useFixture(fixtures.TempDir()).path
        script = (
            'import ast, sys\n'
            'from heat_store.dev import embedded\n'
            'before = ast.literal_eval\n'
            'embedded.EmbeddedHeat(sys.argv[1], port=1).configure()\n'
            'print(ast.literal_eval is not before, '
            'ast.literal_eval.__wrapped__ is before)\n')
        result = subprocess.run([sys.executable, '-c', script, data_dir],
                                capture_output=True, text=True, timeout=120)
        self.assertEqual((0, 'True True'),
                         (result.returncode, result.stdout.strip()),
                         result.stderr[-2000:])

    def test_same_values(self):
        embedded.serialise_literal_eval()
        for text in LITERALS:
            self.assertEqual(self.original(text), ast.literal_eval(text),
                             text)
        self.assertEqual(('a', 1), ast.literal_eval(ast.parse(
            "('a', 1)", mode='eval')))

    def test_errors_propagate_and_release_the_lock(self):
        embedded.serialise_literal_eval()
        self.assertRaises(ValueError, ast.literal_eval, "__import__('os')")
        self.assertRaises(SyntaxError, ast.literal_eval, '(1,')
        # Another thread still gets in.
        results = []
        errors = in_threads(1, lambda i: results.append(
            ast.literal_eval('[1, 2]')))
        self.assertEqual(([], [[1, 2]]), (errors, results))

    def test_one_call_at_a_time(self):
        # Without the lock the threads parse together...
        self.assertGreater(self.most_at_once(), 1)
        embedded.serialise_literal_eval()
        # ... with it, one after the other.
        self.assertEqual(1, self.most_at_once())

    def test_threads_collecting_garbage_get_their_values(self):
        # CPython 3.11.7 without the lock: a SystemError ("AST constructor
        # recursion depth mismatch") in about one run in three; the test
        # above is the one that always tells.
        embedded.serialise_literal_eval()
        self.addCleanup(gc.set_threshold, *gc.get_threshold())
        gc.set_threshold(50, 1, 1)
        text = LITERALS[-1]
        expected = self.original(text)

        def parse_often(i):
            for _ in range(200):
                CyclicGarbage()
                self.assertEqual(expected, ast.literal_eval(text))

        self.assertEqual([], in_threads(8, parse_often))
