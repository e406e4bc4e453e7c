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

"""Publishing never fetches a URL, and its cost is bounded.

Each hostile bundle is published in-process against the embedded Heat
while a tiny HTTP server listens on 127.0.0.1 and counts the requests it
gets: the engine validates the bundle in this process, so a fetch by
Heat's ``urlfetch`` would reach it. Each publish must be answered as
documented (400, or 201 with a warning when the type is known only at
run time), the listener must have seen nothing, and a refused publish
must write nothing.
"""

import http.server
import json
import threading
import time
from unittest import mock

from oslo_config import cfg

from tests.functional import fixtures

CONF = cfg.CONF
HOT = 'heat_template_version: 2021-04-16\n'
TEMPLATES = '/stored_templates'
VERSIONS = '/stored_templates/base/versions'


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.requests.append(self.path)
        body = (HOT + 'resources: {}\n').encode()
        self.send_response(200)
        self.send_header('Content-Type', 'text/yaml')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Listener(object):
    """An HTTP server on 127.0.0.1 that counts what it is asked."""

    def __init__(self):
        self.server = http.server.ThreadingHTTPServer(
            ('127.0.0.1', 0), _CountingHandler)
        self.server.requests = []
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       daemon=True)
        self.thread.start()

    def url(self, path):
        return 'http://127.0.0.1:%d/%s' % (self.server.server_port, path)

    @property
    def requests(self):
        return list(self.server.requests)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def group(type_yaml, count=2):
    """A ResourceGroup whose member type is the YAML text given."""
    return ('  g:\n    type: OS::Heat::ResourceGroup\n    properties:\n'
            '      count: %d\n      resource_def:\n        type: %s\n' % (
                count, type_yaml))


class PublishTestBase(fixtures.ProjectTestCase):

    USER = 'publisher'

    def setUp(self):
        super().setUp()
        status, body = self.call('POST', TEMPLATES, {
            'name': 'base', 'version': {
                'template': HOT + 'resources: {}\n', 'version': '1.0.0'}})
        self.assertEqual(201, status, body)

    def snapshot(self):
        status, body = self.call('GET', TEMPLATES)
        self.assertEqual(200, status, body)
        _s, versions = self.call('GET', VERSIONS)
        return body, versions

    def assertRefused(self, body, message, status=400,
                      error_type='InvalidBundle', path=VERSIONS):
        before = self.snapshot()
        answer, fault = self.call('POST', path, body)
        self.assertEqual(status, answer, fault)
        self.assertEqual(error_type, fault['error']['type'], fault)
        self.assertRegex(fault['error']['message'], message)
        self.assertEqual(before, self.snapshot(), 'a refusal wrote')
        return fault['error']['message']


class NoFetchTest(PublishTestBase):
    """Hostile types: refused or warned, and never fetched."""

    def setUp(self):
        super().setUp()
        self.listener = Listener()
        self.addCleanup(self.listener.stop)
        self.url = self.listener.url('x.yaml')

    def tearDown(self):
        # Checked after each test, whatever the answer was.
        self.assertEqual([], self.listener.requests,
                         'the server fetched a URL while publishing')
        super().tearDown()

    def test_group_type_from_parameter_default(self):
        template = (HOT + 'parameters:\n  t: {type: string, default: "%s"}\n'
                    'resources:\n' % self.url +
                    group('{get_param: t}'))
        self.assertRefused({'template': template, 'version': '2.0.0'},
                           r"root template: the resource type at "
                           r"resources\.g\.properties\.resource_def\.type "
                           r"can be '%s'" % self.url)

    def test_type_from_default_with_blanks_before_the_url(self):
        # Python's URL parser strips them, and so would Heat's urlfetch.
        template = (HOT + 'parameters:\n  t: {type: string, default: " %s"}'
                    '\nresources:\n' % self.url + group('{get_param: t}'))
        self.assertRefused({'template': template, 'version': '2.0.0'},
                           'a URL')

    def test_top_level_type_from_parameter_default(self):
        template = (HOT + 'parameters:\n  t: {type: string, default: "%s"}\n'
                    'resources:\n  r: {type: {get_param: t}}\n' % self.url)
        self.assertRefused({'template': template, 'version': '2.0.0'},
                           r"resources\.r\.type can be '%s' \(parameter "
                           r"'t'\)" % self.url)

    def test_type_from_allowed_values(self):
        template = (HOT + 'parameters:\n  t:\n    type: string\n'
                    '    default: OS::Heat::None\n    constraints:\n'
                    '      - allowed_values: [OS::Heat::None, "%s"]\n'
                    'resources:\n' % self.url + group('{get_param: t}'))
        self.assertRefused({'template': template, 'version': '2.0.0'},
                           self.url)

    def test_type_from_environment_parameter_defaults(self):
        template = (HOT + 'parameters:\n  t: {type: string}\n'
                    'resources:\n' + group('{get_param: t}'))
        self.assertRefused({'template': template, 'version': '2.0.0',
                            'environment': {
                                'parameter_defaults': {'t': self.url}}},
                           self.url)

    def test_type_from_environment_parameters(self):
        template = (HOT + 'parameters:\n  t: {type: string}\n'
                    'resources:\n' + group('{get_param: t}'))
        self.assertRefused({'template': template, 'version': '2.0.0',
                            'environment': {'parameters': {'t': self.url}}},
                           self.url)

    def test_child_type_from_parent_property(self):
        child = (HOT + 'parameters:\n  t: {type: string, default: '
                 'OS::Heat::None}\nresources:\n' + group('{get_param: t}'))
        template = (HOT + 'resources:\n  c:\n    type: child.yaml\n'
                    '    properties: {t: "%s"}\n' % self.url)
        self.assertRefused({'template': template, 'version': '2.0.0',
                            'files': {'child.yaml': child}},
                           'child.yaml.*%s' % self.url)

    def test_child_type_from_parent_parameter_through_property(self):
        child = (HOT + 'parameters:\n  t: {type: string}\n'
                 'resources:\n' + group('{get_param: t}'))
        template = (HOT + 'parameters:\n  u: {type: string, default: "%s"}\n'
                    'resources:\n  c:\n    type: child.yaml\n'
                    '    properties: {t: {get_param: u}}\n' % self.url)
        self.assertRefused({'template': template, 'version': '2.0.0',
                            'files': {'child.yaml': child}}, self.url)

    def test_chain_type_from_parameter_default(self):
        template = (HOT + 'parameters:\n  t: {type: string, default: "%s"}\n'
                    'resources:\n  c:\n    type: OS::Heat::ResourceChain\n'
                    '    properties:\n      resources: [{get_param: t}]\n'
                    % self.url)
        self.assertRefused({'template': template, 'version': '2.0.0'},
                           self.url)

    def test_autoscaling_group_type_from_parameter_default(self):
        template = (HOT + 'parameters:\n  t: {type: string, default: "%s"}\n'
                    'resources:\n  a:\n'
                    '    type: OS::Heat::AutoScalingGroup\n'
                    '    properties:\n      min_size: 1\n      max_size: 2\n'
                    '      resource: {type: {get_param: t}}\n' % self.url)
        self.assertRefused({'template': template, 'version': '2.0.0'},
                           self.url)

    def test_registry_key_that_is_a_url(self):
        template = HOT + 'resources:\n  r: {type: OS::Heat::None}\n'
        environment = {'resource_registry': {'resources': {'r': {
            self.url: 'OS::Heat::None'}}}}
        self.assertRefused({'template': template, 'version': '2.0.0',
                            'environment': environment}, self.url)

    def test_url_written_inside_a_type_function(self):
        template = (HOT + 'resources:\n' +
                    group("{list_join: ['', ['%s']]}" % self.url))
        self.assertRefused({'template': template, 'version': '2.0.0'},
                           self.url)

    def test_create_with_first_version_refuses_too(self):
        template = (HOT + 'parameters:\n  t: {type: string, default: "%s"}\n'
                    'resources:\n' % self.url + group('{get_param: t}'))
        self.assertRefused({'name': 'other', 'version': {
            'template': template}}, self.url, path=TEMPLATES)

    def test_type_known_only_at_run_time_is_stored_with_warning(self):
        # No default: the parent gives it, at run time. Heat would fetch
        # a URL given then; the version says it is not self-contained.
        template = (HOT + 'parameters:\n  t: {type: string}\n'
                    'resources:\n' + group('{get_param: t}'))
        status, body = self.call('POST', VERSIONS, {'template': template,
                                                    'version': '2.0.0'})
        self.assertEqual(201, status, body)
        warnings = body['stored_template_version']['warnings']
        self.assertEqual(1, len(warnings), warnings)
        self.assertIn('not self-contained', warnings[0])
        self.assertIn('resources.g.properties.resource_def.type',
                      warnings[0])

    def test_computed_type_hidden_from_the_static_check(self):
        # The URL is only assembled by the engine: the static check cannot
        # see it, and the engine must still not fetch it.
        template = (HOT + 'parameters:\n  host: {type: string, default: '
                    '"127.0.0.1:%d"}\nresources:\n' % (
                        self.listener.server.server_port) +
                    group("{list_join: ['', ['ht', 'tp:', '//', {get_param: "
                          "host}, '/x.yaml']]}"))
        status, body = self.call('POST', VERSIONS, {'template': template,
                                                    'version': '2.0.0'})
        self.assertEqual(201, status, body)
        self.assertIn('not self-contained',
                      body['stored_template_version']['warnings'][0])

    def test_literal_types_from_parameters_still_validate(self):
        child = HOT + 'resources:\n  r: {type: OS::Heat::None}\n'
        template = (HOT + 'parameters:\n  t:\n    type: string\n'
                    '    default: child.yaml\n    constraints:\n'
                    '      - allowed_values: [child.yaml, OS::Heat::None]\n'
                    'resources:\n' + group('{get_param: t}'))
        status, body = self.call('POST', VERSIONS, {
            'template': template, 'version': '2.0.0',
            'files': {'child.yaml': child}})
        self.assertEqual(201, status, body)
        self.assertEqual([], body['stored_template_version']['warnings'])

    def test_type_from_parameter_naming_a_missing_file(self):
        template = (HOT + 'parameters:\n  t: {type: string, default: '
                    'missing.yaml}\nresources:\n' + group('{get_param: t}'))
        self.assertRefused({'template': template, 'version': '2.0.0'},
                           'missing.yaml.*not in files')

    def test_cloudformation_stack_template_url(self):
        template = (HOT + 'resources:\n  s:\n'
                    '    type: AWS::CloudFormation::Stack\n'
                    '    properties: {TemplateURL: "%s"}\n' % self.url)
        self.assertRefused({'template': template, 'version': '2.0.0'},
                           'AWS::CloudFormation::Stack at resources.s.type')

    def test_group_inside_group_type_from_parameter_default(self):
        template = (HOT + 'parameters:\n  t: {type: string, default: "%s"}\n'
                    'resources:\n' % self.url + group(
                        'OS::Heat::ResourceGroup\n        properties:\n'
                        '          resource_def: {type: {get_param: t}}'))
        self.assertRefused({'template': template, 'version': '2.0.0'},
                           r'resource_def\.properties\.resource_def\.type')


class EngineGuardTest(PublishTestBase):
    """The registry entries validation adds keep the engine from fetching.

    The engine is called directly, with a computed type the store's
    static checks would have refused, to show what the guard alone does.
    """

    def setUp(self):
        super().setUp()
        self.listener = Listener()
        self.addCleanup(self.listener.stop)

    def validate(self, url, environment):
        from heat.common import context
        from heat.rpc import client as rpc_client
        template = {'heat_template_version': '2021-04-16',
                    'parameters': {'t': {'type': 'string', 'default': url}},
                    'resources': {'g': {
                        'type': 'OS::Heat::ResourceGroup',
                        'properties': {'count': 1, 'resource_def': {
                            'type': {'get_param': 't'}}}}}}
        ctx = context.RequestContext(project_id=self.project, user_id='u',
                                     is_admin=True)
        return rpc_client.EngineClient().validate_template(
            ctx, template, params=environment, files={}, show_nested=True)

    def test_guard_maps_http_types_in_group_members(self):
        from heat_store import validation
        for url in (self.listener.url('x.yaml'),
                    'HtTpS' + self.listener.url('x.template')[4:],
                    'Http' + self.listener.url('x.template')[4:]):
            result = self.validate(url, validation._guarded({}))
            self.assertNotIn('Error', result)
        self.assertEqual([], self.listener.requests)

    def test_without_guard_the_engine_fetches(self):
        # What the guard is for: Heat fetches a computed template type.
        self.validate(self.listener.url('x.yaml'), {})
        self.assertEqual(['/x.yaml'], self.listener.requests)


def chain_bundle(depth, fan_out=1):
    """A root and ``depth`` levels of children, each nesting the next."""
    files = {}
    for level in range(depth, 0, -1):
        nested = ('c%d.yaml' % (level + 1) if level < depth
                  else 'OS::Heat::None')
        files['c%d.yaml' % level] = HOT + 'resources:\n' + ''.join(
            '  r%d: {type: %s}\n' % (i, nested) for i in range(fan_out))
    template = HOT + 'resources:\n' + ''.join(
        '  r%d: {type: c1.yaml}\n' % i for i in range(fan_out))
    return {'template': template, 'files': files, 'version': '2.0.0'}


class PublishCostTest(PublishTestBase):
    """Heat's limits apply to a bundle before the engine sees it."""

    def test_fan_out_refused_quickly(self):
        # 30 resources per template, five templates deep: 25 million.
        body = chain_bundle(4, fan_out=30)
        self.assertLess(len(json.dumps(body)), 5000)
        with mock.patch('heat.engine.service.EngineService.'
                        'validate_template') as validate, \
                mock.patch('heat.engine.service.EngineService.'
                           'preview_stack') as preview:
            start = time.monotonic()
            self.assertRefused(body, r'25137930 resources; at most 1000 '
                               r'are allowed \(max_resources_per_stack\)',
                               error_type='RequestLimitExceeded')
            self.assertLess(time.monotonic() - start, 5)
        validate.assert_not_called()
        preview.assert_not_called()

    def test_group_counts_are_multiplied(self):
        child = HOT + 'resources:\n' + ''.join(
            '  r%d: {type: OS::Heat::None}\n' % i for i in range(40))
        template = (HOT + 'parameters:\n  n: {type: number, default: 30}\n'
                    'resources:\n  g:\n    type: OS::Heat::ResourceGroup\n'
                    '    properties:\n      count: {get_param: n}\n'
                    '      resource_def: {type: child.yaml}\n')
        self.assertRefused({'template': template, 'version': '2.0.0',
                            'files': {'child.yaml': child}},
                           r'1231 resources.*max_resources_per_stack',
                           error_type='RequestLimitExceeded')

    def test_depth_six_refused(self):
        self.assertRefused(chain_bundle(6), r'6 levels deep; at most 5 '
                           r'are allowed \(max_nested_stack_depth\)',
                           error_type='RequestLimitExceeded')

    def test_depth_five_accepted(self):
        status, body = self.call('POST', VERSIONS, chain_bundle(5))
        self.assertEqual(201, status, body)

    def test_self_nesting_refused(self):
        child = HOT + 'resources:\n  again: {type: child.yaml}\n'
        self.assertRefused({'template': HOT + 'resources:\n  c: {type: '
                            'child.yaml}\n', 'files': {'child.yaml': child},
                            'version': '2.0.0'},
                           'infinitely.*max_nested_stack_depth',
                           error_type='RequestLimitExceeded')

    def test_slow_validation_refused_within_budget(self):
        from heat.engine import service
        real = service.EngineService.preview_stack

        def slow(engine, *args, **kwargs):
            time.sleep(3)
            return real(engine, *args, **kwargs)

        CONF.set_override('validation_timeout', 1, group='template_store')
        self.addCleanup(CONF.clear_override, 'validation_timeout',
                        group='template_store')
        patch = mock.patch.object(service.EngineService, 'preview_stack',
                                  slow)
        patch.start()
        self.addCleanup(patch.stop)
        start = time.monotonic()
        self.assertRefused(chain_bundle(1), r'validating the bundle took '
                           r'longer than the 1 seconds allowed '
                           r'\(validation_timeout\)',
                           error_type='RequestLimitExceeded')
        self.assertLess(time.monotonic() - start, 2.5)
