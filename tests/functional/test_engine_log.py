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

"""An expected refusal leaves one line in heat.log, not a traceback.

Publishing asks the engine for its verdict in a way that answers what it
finds (a ``HeatException``, which Heat's RPC layer logs at debug level)
rather than failing with a traceback; shapes the engine cannot read are
refused before it is asked. Every refusal of the hostile corpus is sent
to a real heat-api and engine, and heat.log is read after each.
"""

import re
import urllib.error
import urllib.request
import uuid


# Registers Heat's limits, which the corpus's oversize bodies are built
# from: at their defaults, as the server runs them.
from heat.common import config  # noqa: F401
from heat.common import wsgi  # noqa: F401
from oslo_config import cfg

from tests import base
from tests.functional import server as server_mod
from tests.functional import test_hostile_input as hostile

UNKNOWN = '''heat_template_version: 2021-04-16
resources:
  thing:
    type: OS::Nowhere::Thing
'''
SERVER = '''heat_template_version: 2021-04-16
resources:
  vm:
    type: OS::Nova::Server
    properties: {image: cirros, flavor: m1.tiny}
'''


class EngineLogTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.server = server_mod.shared_server()
        self.name = 'log-%s' % uuid.uuid4().hex[:8]
        status, _h, body = self.server.request(
            'POST', '/stored_templates', {'name': self.name})
        self.assertEqual(201, status, body)

    def _publish(self, template):
        before = self.server.heat_log()
        status, _h, body = self.server.request(
            'POST', '/stored_templates/%s/versions' % self.name,
            {'template': template})
        added = self.server.heat_log()[len(before):]
        return status, body, added

    def test_unknown_type_is_one_line_without_traceback(self):
        status, body, added = self._publish(UNKNOWN)
        self.assertEqual(400, status, body)
        self.assertIn('OS::Nowhere::Thing', body['error']['message'])
        self.assertNotIn('Traceback', added)
        about = [line for line in added.splitlines()
                 if 'OS::Nowhere::Thing' in line]
        self.assertLessEqual(len(about), 1, added)

    def test_missing_service_is_still_a_warning_without_traceback(self):
        status, body, added = self._publish(SERVER)
        self.assertEqual(201, status, body)
        warnings = body['stored_template_version']['warnings']
        self.assertEqual(1, len(warnings), warnings)
        self.assertIn('HEAT-E99001', warnings[0])
        self.assertIn('OS::Nova::Server', warnings[0])
        self.assertNotIn('Traceback', added)


# What Heat logs for every request and every stack it validates, refused
# or not: the request line, the preview, each resource validated, and a
# deprecated option read on first use.
ROUTINE = re.compile(r'Processing request: |previewing stack |'
                     r'Validating [A-Za-z]+ "|validate_template$|'
                     r'Deprecated: Option ')
LEVEL = re.compile(r'^\S+ \S+ \d+ (DEBUG|INFO|WARNING|ERROR|CRITICAL) ')


def _publish_refusals():
    """The corpus's refusals of a publish or a template create."""
    return [case for case in hostile.CASES
            if case.method == 'POST' and case.status == (400, 400) and
            case.fault == 'heat' and
            case.path in (hostile.TEMPLATES, hostile.VERSIONS)]


class HostileCorpusLogTest(base.TestCase):
    """Every refused publish of the hostile corpus, as heat.log shows it."""

    def setUp(self):
        super().setUp()
        # The corpus builds its oversize bodies from this process's limits,
        # which the in-process Heat of the same worker (tests.functional.
        # fixtures) lowers process-wide; the shared server runs Heat's
        # defaults: build them at those for this test.
        for name in ('max_template_size', 'max_json_body_size'):
            self.addCleanup(cfg.CONF.set_override, name,
                            getattr(cfg.CONF, name))
            cfg.CONF.clear_override(name)
        self.server = server_mod.shared_server()
        self.project = 'log%s' % uuid.uuid4().hex[:8]
        status, _h, body = self.server.request(
            'POST', hostile.TEMPLATES, {
                'name': 'base', 'version': {'template': hostile.VALID,
                                            'version': '1.0.0'}},
            project=self.project)
        self.assertEqual(201, status, body)

    def send(self, case):
        url = (self.server.endpoint + case.path).replace(
            '/v1/%s/' % server_mod.PROJECT, '/v1/%s/' % self.project, 1)
        headers = {'Accept': 'application/json',
                   'X-Auth-Project': self.project}
        if case.content_type:
            headers['Content-Type'] = case.content_type
        headers.update(case.headers)
        req = urllib.request.Request(url, data=case.body, method=case.method,
                                     headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                return resp.status
        except urllib.error.HTTPError as error:
            return error.code

    def test_each_refusal_leaves_no_traceback_and_one_line_at_most(self):
        cases = _publish_refusals()
        self.assertGreater(len(cases), 40)
        for case in cases:
            before = self.server.heat_log()
            status = self.send(case)
            added = self.server.heat_log()[len(before):]
            self.assertEqual(400, status, case.name)
            self.assertNotIn('Traceback', added, case.name)
            lines = [line for line in added.splitlines()
                     if LEVEL.match(line) and
                     LEVEL.match(line).group(1) != 'DEBUG']
            self.assertEqual([], [line for line in lines
                                  if ' ERROR ' in line or
                                  ' CRITICAL ' in line], case.name)
            told = [line for line in lines if not ROUTINE.search(line)]
            self.assertLessEqual(len(told), 1, '%s: %s' % (case.name, told))
