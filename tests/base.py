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

"""The base classes of heat-store's tests: each test has a time limit.

As in every OpenStack project (oslotest's OS_TEST_TIMEOUT), a test
that runs longer than its limit fails with its own name and a
TimeoutException where it hung, instead of holding a worker, and CI,
until something else kills it. The limit is OS_TEST_TIMEOUT seconds,
600 when unset (0 for none), times the class's TIMEOUT_SCALING_FACTOR
for the few classes whose tests legitimately wait longer (a
production-shaped deployment, killed engines).

The timeout is gentle: it raises in the test's thread, so cleanups run.
"""

import os
import time

from oslotest import base as oslotest_base
from oslotest import timeout
import testtools

# Set by .ci/run: a test whose service (a database, RabbitMQ, Keystone,
# Horizon, Chromium) is missing fails instead of skipping.
REQUIRE_SERVICES = bool(os.environ.get('HEAT_STORE_REQUIRE_SERVICES'))


def service_missing(reason):
    """The exception for a test whose service is missing.

    A skip, or a failure when HEAT_STORE_REQUIRE_SERVICES is set.
    """
    if REQUIRE_SERVICES:
        return AssertionError(
            'HEAT_STORE_REQUIRE_SERVICES is set but %s' % reason)
    return testtools.TestCase.skipException(reason)


# Seconds a test may run when OS_TEST_TIMEOUT is unset: far above the
# slowest test (a deployment's first stack), far below CI's own limit.
DEFAULT_TIMEOUT = 600


class Timeout(timeout.Timeout):
    """oslotest's per-test timeout with heat-store's default limit.

    Also used per test by the gabbi files (inner_fixtures).
    """

    def __init__(self, scaling_factor=1):
        super().__init__(default_timeout=DEFAULT_TIMEOUT,
                         scaling_factor=scaling_factor)


class TestCase(testtools.TestCase):
    """testtools' TestCase with the per-test timeout, and nothing else."""

    TIMEOUT_SCALING_FACTOR = 1

    def setUp(self):
        super().setUp()
        self.useFixture(Timeout(self.TIMEOUT_SCALING_FACTOR))


class BaseTestCase(oslotest_base.BaseTestCase):
    """oslotest's BaseTestCase (which sets the timeout) with our default."""

    DEFAULT_TIMEOUT = DEFAULT_TIMEOUT


def poll_pauses(first=0.05, longest=0.5, factor=1.5):
    """The pauses between looks at something that takes its time (a stack).

    Short at first, for what is over at once, then longer, up to
    ``longest`` seconds: each look at a stack is a request that Heat
    answers on the cores its engine works on. Looking every 50 ms took
    about a quarter of the CPU of the trust boundary tests.
    """
    while True:
        yield first
        first = min(first * factor, longest)


def wait_for_stack(look, is_over, what, timeout):
    """A stack once ``is_over(stack)``, as Heat shows it with its outputs.

    ``look(outputs)`` returns the stack, resolving its outputs only when
    ``outputs`` is true: they are most of a look's cost, so they are asked
    for once, at the end. The stack is returned only if it is still where
    the look without them saw it (a failed update moves on to its
    rollback); AssertionError when ``timeout`` seconds pass first.
    """
    deadline = time.monotonic() + timeout
    for pause in poll_pauses():
        stack = look(False)
        if is_over(stack):
            full = look(True)
            if full['stack_status'] == stack['stack_status']:
                return full
        if time.monotonic() > deadline:
            raise AssertionError('stack %s still in progress: %s' % (
                what, stack['stack_status']))
        time.sleep(pause)
