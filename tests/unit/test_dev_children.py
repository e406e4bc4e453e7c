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

"""Starting, waiting for and stopping the development stack's children."""

import http.server
import os
import signal
import sys
import threading
import time

import fixtures

from heat_store.dev import children
from tests import base


class ChildrenTest(base.TestCase):
    def setUp(self):
        super().setUp()
        self.log_path = os.path.join(
            self.useFixture(fixtures.TempDir()).path, 'child.out')

    def start(self, code, append=False):
        process = children.start([sys.executable, '-c', code],
                                 self.log_path, append=append)
        self.addCleanup(children.stop, process, 5)
        return process

    def output(self):
        with open(self.log_path) as f:
            return f.read()

    def test_ready_when_the_probe_says_so(self):
        process = self.start('import time; print("up", flush=True); '
                             'time.sleep(60)')
        children.wait(process, lambda: 'up' in self.output(), 30, 'child',
                      self.output, interval=0.05)
        self.assertIsNone(process.poll())
        children.stop(process, 5)
        self.assertIsNotNone(process.poll())

    def test_a_child_that_exits_is_reported_with_its_output(self):
        process = self.start('import sys; print("no config"); sys.exit(3)')
        error = self.assertRaises(RuntimeError, children.wait, process,
                                  lambda: False, 30, 'child', self.output,
                                  interval=0.05)
        self.assertEqual('child exited with status 3:\nno config\n',
                         str(error))

    def test_a_child_never_ready_is_stopped(self):
        process = self.start('import time; print("slow", flush=True); '
                             'time.sleep(60)')
        started = time.monotonic()
        error = self.assertRaises(RuntimeError, children.wait, process,
                                  lambda: False, 0.5, 'child', self.output,
                                  interval=0.05)
        self.assertIn('child was not ready in 0 s:\n', str(error))
        self.assertIsNotNone(process.poll())
        self.assertLess(process.returncode, 0)   # ended by a signal
        self.assertLess(time.monotonic() - started, 20)

    def test_stop_kills_a_child_that_ignores_sigterm(self):
        process = self.start(
            'import signal, time; '
            'signal.signal(signal.SIGTERM, signal.SIG_IGN); '
            'print("deaf", flush=True); time.sleep(60)')
        children.wait(process, lambda: 'deaf' in self.output(), 30, 'child',
                      self.output, interval=0.05)
        children.stop(process, 0.5)
        self.assertEqual(-9, process.returncode)

    def test_the_log_is_written_afresh_or_added_to(self):
        self.start('print("first")').wait(30)
        self.start('print("second")').wait(30)
        self.assertEqual('second\n', self.output())
        self.start('print("third")', append=True).wait(30)
        self.assertEqual('second\nthird\n', self.output())

    def test_answers_only_a_200(self):
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200 if self.path == '/ok' else 404)
                self.send_header('Content-Length', '0')
                self.end_headers()

            def log_message(self, *args):
                pass

        httpd = http.server.HTTPServer(('127.0.0.1', 0), Handler)
        self.addCleanup(httpd.server_close)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        self.addCleanup(httpd.shutdown)
        url = 'http://127.0.0.1:%d/' % httpd.server_port
        self.assertTrue(children.answers(url + 'ok', 5))
        self.assertFalse(children.answers(url + 'missing', 5))
        httpd.shutdown()
        httpd.server_close()
        self.assertFalse(children.answers(url + 'ok', 5))

    def test_run_gives_status_and_both_outputs(self):
        status, out, err = children.run(
            [sys.executable, '-c', 'import sys; print("out"); '
             'print("err", file=sys.stderr); sys.exit(2)'])
        self.assertEqual((2, 'out\n', 'err\n'), (status, out, err))


class _SignalsWhileRead(dict):
    """An environment that sends this process SIGINT as Popen reads it."""

    def items(self):
        os.kill(os.getpid(), signal.SIGINT)
        return super().items()


class InterruptedStartTest(base.TestCase):
    """Ctrl-C while a child starts: the child is known, and stopped."""

    def setUp(self):
        super().setUp()
        previous = signal.signal(signal.SIGINT,
                                 lambda signum, frame: children.interrupt())
        self.addCleanup(signal.signal, signal.SIGINT, previous)
        self.log_path = os.path.join(
            self.useFixture(fixtures.TempDir()).path, 'child.out')
        self.marker = 'heat-store-child-%d-%s' % (os.getpid(), self.id())

    def running(self):
        return [pid for pid in os.listdir('/proc') if pid.isdigit() and
                self.marker in _cmdline(pid)]

    def running_soon(self, seconds=10):
        """The children running, once one shows its command line.

        A child's ``/proc/PID/cmdline`` can read empty for a moment after
        Popen returns: the kernel wakes the parent during the child's
        exec, before it has set up the new program's arguments.
        """
        deadline = time.monotonic() + seconds
        while not self.running() and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.running()

    def test_the_interrupt_waits_until_the_child_is_recorded(self):
        command = [sys.executable, '-c', 'import time; time.sleep(60)',
                   self.marker]
        self.assertRaises(KeyboardInterrupt, children.start, command,
                          self.log_path, env=_SignalsWhileRead(os.environ))
        self.addCleanup(children.stop_started, 0)
        self.assertEqual(1, len(self.running_soon()))
        children.stop_started(5)
        self.assertEqual([], self.running())

    def test_an_interrupt_outside_a_start_is_raised_at_once(self):
        self.assertRaises(KeyboardInterrupt, os.kill, os.getpid(),
                          signal.SIGINT)


def _cmdline(pid):
    try:
        with open('/proc/%s/cmdline' % pid, 'rb') as f:
            return f.read().decode('utf-8', 'replace')
    except OSError:
        return ''
