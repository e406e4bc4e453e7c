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

"""The ceiling on impact requests per API process, on the embedded Heat.

The requests in flight are held deterministically: the test takes the
process's impact slots itself (``throttle.impact_slot``, what a running
impact request holds), so the next request finds them all taken.
"""

import contextlib
import json

from oslo_config import cfg

from heat_store.api import throttle
from tests.functional import fixtures

HOT = 'heat_template_version: 2021-04-16\n'
VALID = HOT + 'resources:\n  r: {type: OS::Heat::None}\n'
IMPACT = '/stored_templates/lib/versions/1.0.0/impact'
VERSIONS = '/stored_templates/lib/versions'


class ImpactCeilingTest(fixtures.ProjectTestCase):

    USER = 'ceiling'

    def setUp(self):
        super().setUp()
        status, body = self.call('POST', '/stored_templates', {
            'name': 'lib', 'version': {'template': VALID,
                                       'version': '1.0.0'}})
        self.assertEqual(201, status, body)

    @contextlib.contextmanager
    def in_flight(self, count):
        """``count`` impact requests running in this process."""
        with contextlib.ExitStack() as stack:
            for _i in range(count):
                stack.enter_context(throttle.impact_slot())
            yield

    def assert_busy(self, res, limit):
        self.assertEqual(429, res.status_int, res.body[:500])
        self.assertEqual(str(throttle.RETRY_AFTER),
                         res.headers['Retry-After'])
        self.assertIn('application/json', res.headers['Content-Type'])
        fault = json.loads(res.body)
        self.assertEqual(429, fault['code'])
        self.assertEqual('Too Many Requests', fault['title'])
        self.assertEqual('HTTPTooManyRequests', fault['error']['type'])
        self.assertIn('%d impact requests are already running' % limit,
                      fault['error']['message'])
        self.assertIn('max_concurrent_impact', fault['error']['message'])

    def versions(self):
        status, body = self.call('GET', VERSIONS)
        self.assertEqual(200, status, body)
        return [v['version'] for v in body['stored_template_versions']]

    def test_default_ceiling_is_two(self):
        with self.in_flight(1):
            self.assertEqual(200, self.request('GET', IMPACT).status_int)
        with self.in_flight(2):
            self.assert_busy(self.request('GET', IMPACT), 2)
        # The slots are free again.
        self.assertEqual(200, self.request('GET', IMPACT).status_int)

    def test_dry_run_with_impact_is_held_to_it_and_writes_nothing(self):
        body = json.dumps({'template': VALID, 'version': '1.1.0',
                           'dry_run': True, 'impact': True}).encode()
        with self.in_flight(2):
            self.assert_busy(self.request('POST', VERSIONS, body), 2)
            # A publish is no impact request.
            status, published = self.call('POST', VERSIONS, {
                'template': VALID, 'version': '1.2.0'})
            self.assertEqual(201, status, published)
        self.assertEqual(['1.2.0', '1.0.0'], self.versions())
        self.assertEqual(200, self.request('POST', VERSIONS,
                                           body).status_int)

    def test_ceiling_follows_the_option(self):
        cfg.CONF.set_override('max_concurrent_impact', 1,
                              group='template_store')
        self.addCleanup(cfg.CONF.clear_override, 'max_concurrent_impact',
                        group='template_store')
        with self.in_flight(1):
            self.assert_busy(self.request('GET', IMPACT), 1)
        self.assertEqual(200, self.request('GET', IMPACT).status_int)

    def test_policy_comes_first(self):
        # A reader is refused as Heat refuses it a preview, busy or not.
        with self.in_flight(2):
            res = self.request('GET', IMPACT, headers={'X-Roles': 'reader'})
        self.assertEqual(403, res.status_int, res.body[:500])

    def test_a_refused_request_gives_its_slot_back(self):
        # The bundle is judged inside the slot: a 400 there releases it.
        body = json.dumps({'template': HOT + 'resources: [\n',
                           'dry_run': True, 'impact': True}).encode()
        for _i in range(3):
            self.assertEqual(400, self.request('POST', VERSIONS,
                                               body).status_int)
        with self.in_flight(1):
            self.assertEqual(200, self.request('GET', IMPACT).status_int)
