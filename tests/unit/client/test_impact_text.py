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

"""The client's text: the impact report as the commands print it."""

from oslo_i18n import fixture as i18n_fixture

from heat_store.client import i18n
from heat_store.client import impact
from tests import base

ENTRY = {'stack_name': 'web1', 'stack_id': 's1', 'resource_name': 'r',
         'current_version': '1.0.0', 'constraint': '^1.0',
         'upgrade_policy': 'PINNED', 'moves_on_update': False,
         'added': [], 'updated': [],
         'replaced': [{'resource_name': 'a',
                       'resource_type': 'OS::Heat::None'}],
         'deleted': [],
         'breaks': {'outputs': ['y'], 'parameters': ['p']},
         'error': 'the preview ran out of time'}

EXPECTED = [
    'web1 (s1), resource r: 1.0.0 on "^1.0", PINNED',
    '  error: the preview ran out of time',
    '  replaced a (OS::Heat::None)',
    '  output y is read but missing',
    '  parameter p is required but not passed',
]


class ImpactTextTest(base.BaseTestCase):

    def test_lines(self):
        self.assertEqual(EXPECTED, impact.lines([ENTRY]))

    def test_lines_with_lazy_translation(self):
        # Heat and Keystone turn oslo.i18n's lazy mode on for the whole
        # process when imported; a translated message is then a Message,
        # which refuses string concatenation.
        self.useFixture(i18n_fixture.ToggleLazy(True))
        self.assertEqual(EXPECTED, [str(line)
                                    for line in impact.lines([ENTRY])])


class EagerTranslationTest(base.BaseTestCase):

    def test_client_text_is_a_plain_string_in_lazy_mode(self):
        self.useFixture(i18n_fixture.ToggleLazy(True))
        text = i18n._('a message')
        self.assertIs(str, type(text))
        self.assertEqual('  a message', '  ' + text)
