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

"""Schema-driven fuzzing of the store's API with schemathesis.

Every operation of ``heat_store/api/openapi.yaml`` gets generated requests
(bodies, query strings and path parameters), in-process against the
embedded Heat, and every answer must be no 5xx, a status and content type
the document lists for the operation, a body of the documented shape,
and, for data the schema refuses, a 4xx.

Generation is derandomized, so each run sends the same requests (25 per
operation and way; FUZZ_EXAMPLES=N for more, FUZZ_REPORT=FILE for a line
of counts and statuses per test). Each operation is fuzzed with data that
fits the schema, and where it has a body or a query also with data that
does not; each once with every path parameter generated and once against
a real stored template (``fuzz``, version ``1.0.0``) so that requests get
past the lookup. Publishes also get real templates and versions now and
then, so the fuzzed files and environment reach the engine's validation.
"""

import json
import os
import uuid

import hypothesis
from hypothesis import strategies as st
import schemathesis
from schemathesis import checks as st_checks
from schemathesis.generation import GenerationMode
import webob

from heat_store.api import openapi
from tests import base
from tests.functional import fixtures

EXAMPLES = int(os.environ.get('FUZZ_EXAMPLES', '25'))
HOT = 'heat_template_version: 2021-04-16\n'
TEMPLATE = (HOT + 'parameters:\n  p: {type: string, default: x}\n'
            'resources:\n  r: {type: OS::Heat::None}\n'
            'outputs:\n  o: {value: {get_param: p}}\n')
# Real templates that fuzzed publishes sometimes carry.
TEMPLATES = [
    TEMPLATE,
    HOT,
    {'heat_template_version': '2021-04-16',
     'parameters': {'p': {'type': 'string', 'default': 'y'},
                    'n': {'type': 'number', 'default': 1}},
     'outputs': {'o': {'value': {'get_param': 'p'}}}},
    HOT + 'resources:\n  c: {type: child.yaml}\n',
    HOT + 'outputs:\n  f: {value: {get_file: data.txt}}\n',
]
SEMVER = st.from_regex(r'\A(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.'
                       r'(0|[1-9][0-9]{0,2})(-[0-9A-Za-z.]{1,8})?\Z')
SETTINGS = hypothesis.settings(
    max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate,
            hypothesis.Phase.shrink],
    print_blob=False)
SEED = {'name': 'fuzz', 'tags': ['seed'],
        'version': {'template': TEMPLATE, 'version': '1.0.0'}}


def _checks():
    return [st_checks.not_a_server_error, st_checks.status_code_conformance,
            st_checks.content_type_conformance,
            st_checks.response_schema_conformance,
            st_checks.negative_data_rejection]


class Totals(object):
    """Requests sent and 5xx seen, over the whole module."""
    examples = 0
    server_errors = 0
    statuses = []


class FuzzTest(base.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.app = fixtures.embedded_heat()
        cls.schema = _load()
        cls.schema.app = cls.app

    def _seeded_project(self):
        project = uuid.uuid4().hex
        req = webob.Request.blank(
            '/v1/%s/stored_templates' % project, method='POST',
            headers=self._headers(project), body=json.dumps(SEED).encode(),
            content_type='application/json')
        res = req.get_response(self.app)
        self.assertEqual(201, res.status_int, res.body)
        return project

    @staticmethod
    def _headers(project):
        return {'X-Project-Id': project, 'X-User-Id': 'fuzzer',
                'X-Roles': 'member,reader'}

    def _fuzz(self, operation, mode, seeded):
        project = self._seeded_project()
        headers = self._headers(project)
        fixed = {'tenant_id': project}
        if seeded:
            for name, value in (('template', 'fuzz'), ('version', '1.0.0')):
                if '{%s}' % name in operation.path:
                    fixed[name] = value
        strategy = operation.as_strategy(generation_mode=mode,
                                         path_parameters=fixed)
        publish = (mode == GenerationMode.POSITIVE and
                   operation.method.upper() == 'POST' and
                   operation.path.endswith(('/versions', '/stored_templates')))
        extras = st.tuples(st.booleans(), st.sampled_from(TEMPLATES), SEMVER)
        failures = []

        @SETTINGS
        @hypothesis.given(case=strategy, extra=extras)
        def run(case, extra):
            use_real, template, version = extra
            body = case.body
            if (publish and use_real and isinstance(body, dict) and
                    operation.path.endswith('/stored_templates')):
                # A first version, when the generated body has one.
                body = body.get('version')
            if publish and use_real and isinstance(body, dict):
                body['template'] = template
                if 'version' in body:
                    body['version'] = version
            response = case.call(headers=headers)
            Totals.examples += 1
            Totals.statuses.append(response.status_code)
            if response.status_code >= 500:
                Totals.server_errors += 1
            try:
                case.validate_response(response, checks=_checks(),
                                       headers=headers)
            except (Exception, BaseExceptionGroup) as error:
                failures.append('%s -> %s\n%s\n%s' % (
                    case.as_curl_command(headers=headers)[:2000],
                    response.status_code, response.text[:1000],
                    str(error)[:1000]))
                raise

        before = (Totals.examples, Totals.server_errors,
                  len(Totals.statuses))
        failed = None
        try:
            run()
        except (Exception, BaseExceptionGroup) as error:
            # NOTE: schemathesis raises a BaseExceptionGroup, which a test
            # runner takes for an interrupt and stops at: report it as a
            # plain failure, with the last request hypothesis shrank to.
            failed = failures[-1] if failures else repr(error)[:2000]
        _report(self.id(), Totals.examples - before[0],
                Totals.server_errors - before[1],
                Totals.statuses[before[2]:])
        if failed:
            self.fail(failed)


def _report(test_id, examples, server_errors, statuses):
    """With FUZZ_REPORT set, append a line per test to that file."""
    path = os.environ.get('FUZZ_REPORT')
    if path:
        with open(path, 'a') as f:
            f.write(json.dumps({'test': test_id, 'examples': examples,
                                '5xx': server_errors,
                                'statuses': statuses}) + '\n')


def _add_tests():
    for result in _load().get_all_operations():
        operation = result.ok()
        raw = operation.definition.raw
        modes = [GenerationMode.POSITIVE]
        # Path parameters are any string: only a body or a query can be
        # made invalid.
        if 'requestBody' in raw or any(
                p['in'] == 'query' for p in raw.get('parameters', ())):
            modes.append(GenerationMode.NEGATIVE)
        for mode in modes:
            for seeded in (False, True):
                name = 'test_%s_%s_%s' % (
                    raw['operationId'], mode.value,
                    'seeded' if seeded else 'generated')

                def test(self, label=operation.label, mode=mode,
                         seeded=seeded):
                    operation = self.schema[_path(label)][_method(label)]
                    self._fuzz(operation, mode, seeded)

                setattr(FuzzTest, name, test)


def _load():
    """The shipped document, without its Keystone token requirement.

    The embedded Heat takes identity from headers (the 'headers' paste
    flavor), so a request without X-Auth-Token is not refused here as it
    is in a real cloud: leave the token out of what is fuzzed.
    """
    document = openapi.load()
    document.pop('security')
    return schemathesis.openapi.from_dict(document)


def _method(label):
    return label.split(' ', 1)[0]


def _path(label):
    return label.split(' ', 1)[1]


_add_tests()
