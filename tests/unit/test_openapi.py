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

"""The shipped OpenAPI document says what the routes and schemas do."""

import inspect
import json
from unittest import mock


from heat_store.api import openapi
from heat_store.api import routes
from heat_store.api.schemas import stored_template
from heat_store.api.schemas import stored_template_version
from heat_store.api import util
from tests import base

METHODS = ('get', 'put', 'post', 'delete', 'options', 'head', 'patch',
           'trace')
SCHEMAS = {
    'StoredTemplateCreate': stored_template.POST_TEMPLATE,
    'StoredTemplateUpdate': stored_template.PATCH_TEMPLATE,
    'VersionPublish': stored_template_version.POST_VERSION,
    'VersionUpdate': stored_template_version.PATCH_VERSION,
    'MemberCreate': stored_template.POST_MEMBER,
}


class _Checked(Exception):
    pass


def _handler(factory, action):
    controller = factory({}).controller
    method = getattr(controller, action)
    # registered_policy_enforce wraps the handler with functools.wraps.
    return controller, inspect.unwrap(method)


def _schema_checked_by(factory, path, action):
    """The schema the handler passes to util.require_body, if any."""
    controller, handler = _handler(factory, action)
    if 'body' not in inspect.signature(handler).parameters:
        return None
    seen = []

    def require_body(req, body, schema):
        seen.append(schema)
        raise _Checked()

    kwargs = {part[1:-1]: 'x' for part in path.split('/')
              if part.startswith('{') and part != '{tenant_id}'}
    with mock.patch.object(util, 'require_body', require_body):
        try:
            handler(controller, mock.Mock(), body={}, **kwargs)
        except _Checked:
            pass
    return seen[0] if seen else None


class OpenAPIDocumentTest(base.BaseTestCase):

    def setUp(self):
        super().setUp()
        self.document = openapi.load()

    def _operation(self, path, method):
        return self.document['paths'][path][method.lower()]

    def _component(self, ref):
        prefix = '#/components/schemas/'
        self.assertTrue(ref.startswith(prefix), ref)
        return self.document['components']['schemas'][ref[len(prefix):]]

    def test_shipped_document_is_the_generated_one(self):
        with open(openapi.PATH, encoding='utf-8') as f:
            self.assertEqual(openapi.dumps(), f.read(),
                             'run: python -m heat_store.api.openapi')

    def test_is_openapi_3_1(self):
        self.assertEqual('3.1.0', self.document['openapi'])

    def test_every_route_and_method_is_documented_and_nothing_else(self):
        routed = {}
        for _factory, path, actions in routes.ROUTES:
            routed.setdefault(path, set()).update(
                m.lower() for m in actions)
        documented = {path: {m for m in item if m in METHODS}
                      for path, item in self.document['paths'].items()}
        self.assertEqual(routed, documented)

    def test_actions_are_the_routed_ones(self):
        for factory, path, actions in routes.ROUTES:
            for method, action in actions.items():
                operation = self._operation(path, method)
                self.assertEqual(action, operation['x-heat-store-action']
                                 .split('.')[1], '%s %s' % (method, path))

    def test_path_parameters_are_those_of_the_path(self):
        for path, item in self.document['paths'].items():
            names = [p[1:-1] for p in path.split('/')
                     if p.startswith('{')]
            params = [p['name'] for p in item['parameters']
                      if p['in'] == 'path']
            self.assertEqual(names, params, path)
            for param in item['parameters']:
                self.assertTrue(param['required'])

    def test_request_bodies_are_the_schemas_the_handlers_check(self):
        for factory, path, actions in routes.ROUTES:
            for method, action in actions.items():
                where = '%s %s' % (method, path)
                operation = self._operation(path, method)
                checked = _schema_checked_by(factory, path, action)
                if checked is None:
                    self.assertNotIn('requestBody', operation, where)
                    continue
                body = operation['requestBody']
                self.assertTrue(body['required'], where)
                self.assertEqual(['application/json'], list(body['content']))
                documented = self._component(
                    body['content']['application/json']['schema']['$ref'])
                self.assertEqual(json.loads(json.dumps(checked)),
                                 documented, where)

    def test_request_body_components_equal_the_schemas(self):
        schemas = self.document['components']['schemas']
        for name, schema in SCHEMAS.items():
            self.assertEqual(json.loads(json.dumps(schema)), schemas[name],
                             name)

    def test_query_parameters_are_those_the_handlers_allow(self):
        from heat_store.api import stored_templates

        operation = self._operation('/{tenant_id}/stored_templates', 'GET')
        self.assertEqual(
            sorted(stored_templates.LIST_PARAMS),
            sorted(p['name'] for p in operation['parameters']))

    def test_every_operation_answers_success_and_faults(self):
        for path, item in self.document['paths'].items():
            for method in set(item) & set(METHODS):
                responses = item[method]['responses']
                codes = sorted(int(c) for c in responses)
                self.assertLess(codes[0], 300, '%s %s' % (method, path))
                successes = [c for c in codes if c < 300]
                # A publish answers 200 for a dry run, 201 otherwise.
                self.assertIn(len(successes), (1, 2), '%s %s' % (method,
                                                                 path))
                if len(successes) == 2:
                    self.assertEqual(
                        ('post', [200, 201]), (method, successes))
                for code in codes[len(successes):]:
                    self.assertGreaterEqual(code, 400)
                    self.assertEqual(
                        '#/components/responses/E%d' % code,
                        responses[str(code)]['$ref'])
                if 'requestBody' in item[method]:
                    self.assertIn('415', responses)
                    self.assertIn('400', responses)

    def test_faults_have_heats_shape(self):
        fault = self.document['components']['schemas']['Fault']
        self.assertEqual({'code', 'title', 'explanation', 'error'},
                         set(fault['required']))
        self.assertEqual({'type', 'message', 'traceback'},
                         set(fault['properties']['error']['properties']))

    def test_no_yaml_aliases(self):
        with open(openapi.PATH, encoding='utf-8') as f:
            text = f.read()
        self.assertNotIn('&id', text)
        self.assertNotIn('*id', text)

    def test_check_mode(self):
        self.assertEqual(0, openapi.main(['--check']))
