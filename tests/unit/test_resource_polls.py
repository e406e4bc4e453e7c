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

"""How often the embedded Heat looks at a resource in progress."""

import io
import threading
import time

import fixtures

from heat.engine import scheduler

from heat_store.dev import cmd
from heat_store.dev import embedded
from tests import base


class ShortenResourcePollsTest(base.TestCase):

    def setUp(self):
        super().setUp()
        # Whatever this process's Heat had, it has again afterwards.
        self.useFixture(fixtures.MonkeyPatch(
            'heat.engine.scheduler.time', scheduler.time))

    def record_sleeps(self, module):
        """What ``module`` asks of ``time.sleep`` in this test's thread.

        Other threads (an embedded Heat's engine, in a worker that ran
        functional tests) sleep as before.
        """
        slept = []
        me = threading.get_ident()

        def sleep(seconds):
            if threading.get_ident() == me:
                slept.append(seconds)
            else:
                time.sleep(seconds)

        self.useFixture(fixtures.MonkeyPatch(
            module + '.time', embedded._time_with_sleep(sleep)))
        return slept

    @staticmethod
    def task_of_steps(steps):
        def task():
            for _ in range(steps):
                yield
        return task

    def test_heat_waits_a_second_between_checks(self):
        # What the option changes: Heat's own pause, asked of time.sleep.
        asked = self.record_sleeps('heat.engine.scheduler')
        scheduler.TaskRunner(self.task_of_steps(3))()
        self.assertEqual([0, 1, 1], asked)

    def test_each_check_comes_after_the_poll(self):
        slept = self.record_sleeps('heat_store.dev.embedded')
        embedded.shorten_resource_polls(0.1)
        scheduler.TaskRunner(self.task_of_steps(3))()
        # The first step at once, as Heat does; then the poll, not 1 s.
        self.assertEqual([0, 0.1, 0.1], slept)

    def test_a_shorter_wait_than_the_poll_is_kept(self):
        slept = self.record_sleeps('heat_store.dev.embedded')
        embedded.shorten_resource_polls(5)
        scheduler.TaskRunner(self.task_of_steps(3))(wait_time=0.25)
        self.assertEqual([0, 0.25, 0.25], slept)

    def test_only_the_schedulers_time_changes(self):
        sleep = time.sleep
        embedded.shorten_resource_polls(0.1)
        self.assertIsNot(time, scheduler.time)
        self.assertIs(sleep, time.sleep)
        # The rest of the scheduler's time is the real one.
        self.assertIs(time.monotonic, scheduler.time.monotonic)


class ResourcePollOptionTest(base.TestCase):

    def test_default_keeps_heats_second(self):
        self.assertIsNone(cmd.parse_args([]).resource_poll)

    def test_seconds_are_taken(self):
        self.assertEqual(
            0.25, cmd.parse_args(['--resource-poll', '0.25']).resource_poll)

    def test_no_wait_at_all_is_refused(self):
        for value in ('0', '-1'):
            stderr = self.useFixture(fixtures.MonkeyPatch(
                'sys.stderr', io.StringIO())).new_value
            error = self.assertRaises(
                SystemExit, cmd.parse_args, ['--resource-poll', value])
            self.assertEqual(2, error.code)
            self.assertIn('--resource-poll must be more than 0 seconds',
                          stderr.getvalue())
