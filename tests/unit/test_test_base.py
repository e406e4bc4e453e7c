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

"""The suite's own rule for a missing service: skip here, fail in CI."""

import fixtures
import testtools

from tests import base


class ServiceMissingTest(base.BaseTestCase):

    def test_skips_where_services_are_not_required(self):
        self.useFixture(fixtures.MockPatchObject(
            base, 'REQUIRE_SERVICES', False))
        error = base.service_missing('no RabbitMQ')
        self.assertIsInstance(error, testtools.TestCase.skipException)
        self.assertEqual('no RabbitMQ', str(error))

    def test_fails_where_services_are_required(self):
        self.useFixture(fixtures.MockPatchObject(
            base, 'REQUIRE_SERVICES', True))
        error = base.service_missing('no RabbitMQ')
        self.assertIsInstance(error, AssertionError)
        self.assertEqual(
            'HEAT_STORE_REQUIRE_SERVICES is set but no RabbitMQ', str(error))


class WaitForStackTest(base.BaseTestCase):
    """The one stack wait: cheap looks, then one look with the outputs."""

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.MonkeyPatch('time.sleep', lambda s: None))
        self.looks = []

    def shows(self, *statuses):
        """A look that shows ``statuses`` in turn, the last one for good."""
        statuses = list(statuses)

        def look(outputs):
            status = statuses.pop(0) if len(statuses) > 1 else statuses[0]
            self.looks.append((status, outputs))
            return {'stack_status': status, 'outputs': [] if outputs else None}
        return look

    def over(self, stack):
        return not stack['stack_status'].endswith('IN_PROGRESS')

    def test_outputs_asked_for_once_at_the_end(self):
        stack = base.wait_for_stack(
            self.shows('CREATE_IN_PROGRESS', 'CREATE_IN_PROGRESS',
                       'CREATE_COMPLETE'), self.over, 's', 60)
        self.assertEqual({'stack_status': 'CREATE_COMPLETE', 'outputs': []},
                         stack)
        self.assertEqual([('CREATE_IN_PROGRESS', False),
                          ('CREATE_IN_PROGRESS', False),
                          ('CREATE_COMPLETE', False),
                          ('CREATE_COMPLETE', True)], self.looks)

    def test_a_stack_that_moved_on_is_waited_for_again(self):
        # A failed update, then its rollback, seen between the two looks.
        stack = base.wait_for_stack(
            self.shows('UPDATE_FAILED', 'ROLLBACK_IN_PROGRESS',
                       'ROLLBACK_COMPLETE'), self.over, 's', 60)
        self.assertEqual('ROLLBACK_COMPLETE', stack['stack_status'])
        self.assertEqual([('UPDATE_FAILED', False),
                          ('ROLLBACK_IN_PROGRESS', True),
                          ('ROLLBACK_COMPLETE', False),
                          ('ROLLBACK_COMPLETE', True)], self.looks)

    def test_still_in_progress_at_the_deadline(self):
        error = self.assertRaises(
            AssertionError, base.wait_for_stack,
            self.shows('DELETE_IN_PROGRESS'), self.over, 'mine', 0)
        self.assertEqual('stack mine still in progress: DELETE_IN_PROGRESS',
                         str(error))
