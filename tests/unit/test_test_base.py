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
