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

"""Tests of what validation decides from the engine's answers alone."""

import types

from heat.common import exception as heat_exc

from heat_store import exception
from heat_store import validation
from tests import base

NOVA = ('HEAT-E99001 Service nova is not available for resource type '
        'OS::Nova::Server, reason: nova compute endpoint is not in service '
        'catalog.')
RBAC = ('resources.c<child.yaml>: HEAT-E99001 Service neutron is not '
        'available for resource type OS::Neutron::RBACPolicy, reason: '
        'neutron network endpoint is not in service catalog.\nmore')


class UnavailableTypeTest(base.TestCase):

    def test_heats_sentence_and_type(self):
        self.assertEqual(('OS::Nova::Server', NOVA),
                         validation.unavailable_type(NOVA))

    def test_found_inside_a_nested_path_up_to_the_line_end(self):
        name, line = validation.unavailable_type(RBAC)
        self.assertEqual('OS::Neutron::RBACPolicy', name)
        self.assertTrue(line.startswith('HEAT-E99001 Service neutron'))
        self.assertNotIn('more', line)

    def test_other_errors_are_not_a_missing_service(self):
        for error in ('', 'Property object_type not assigned',
                      'The Resource Type (OS::Nowhere) could not be found.'):
            self.assertIsNone(validation.unavailable_type(error))


class MaskedTest(base.TestCase):

    def test_types_map_to_the_placeholder_beside_the_registry(self):
        env = {'resource_registry': {'My::A': 'a.yaml'},
               'parameters': {'p': 1}}
        self.assertEqual(
            {'resource_registry': {'My::A': 'a.yaml',
                                   'OS::Nova::Server': 'OS::Heat::None'},
             'parameters': {'p': 1}},
            validation.masked(env, {'OS::Nova::Server': NOVA}))
        self.assertEqual({'My::A': 'a.yaml'}, env['resource_registry'])

    def test_nothing_masked_is_the_same_environment(self):
        env = {}
        self.assertIs(env, validation.masked(env, {}))


class StackInputTest(base.TestCase):

    def test_what_only_a_stack_is_given(self):
        for error in (str(heat_exc.UserParameterMissing(key='prefix')),
                      'resources.g: The Parameter (n) was not provided.',
                      str(heat_exc.MissingCredentialError(
                          required='X-Auth-Key')),
                      'You have reached the maximum stacks per tenant, 5.'):
            self.assertTrue(validation.needs_stack_input(error), error)

    def test_bundle_errors_are_not(self):
        for error in ('The Resource Type (OS::X) could not be found.',
                      'Property error: resources.r.properties: Unknown '
                      'Property valeu', NOVA):
            self.assertFalse(validation.needs_stack_input(error), error)


class FileOfTest(base.TestCase):

    FILES = {'child.yaml': '', 'sub/g.yaml': '', 'boot.sh': ''}

    def test_deepest_file_heat_names(self):
        self.assertEqual('sub/g.yaml', validation.file_of(
            'resources.c<child.yaml>.resources.g<sub/g.yaml>.resources.x: '
            'bad', self.FILES))

    def test_root_when_no_bundle_file_is_named(self):
        self.assertEqual('template', validation.file_of(
            'resources.g<nested_stack>.resources.0: bad', self.FILES))
        self.assertEqual('template', validation.file_of('bad', self.FILES))


class JudgedTest(base.TestCase):
    """Each missing service is learned from Heat's answer, then masked."""

    def engine(self, unavailable, then=None):
        calls = []

        def call(environment):
            registry = environment.get('resource_registry') or {}
            calls.append(sorted(registry))
            for name in unavailable:
                if name not in registry:
                    raise heat_exc.StackValidationFailed(
                        message='HEAT-E99001 Service x is not available '
                                'for resource type %s, reason: none' % name)
            return {'Error': then} if then else {'Description': ''}
        return call, calls

    def test_one_call_per_missing_type_plus_one(self):
        call, calls = self.engine(['OS::A::B', 'OS::C::D'])
        unavailable = {}
        self.assertIsNone(validation._judged(call, {}, unavailable))
        self.assertEqual(['OS::A::B', 'OS::C::D'], sorted(unavailable))
        self.assertEqual([[], ['OS::A::B'], ['OS::A::B', 'OS::C::D']],
                         calls)

    def test_the_first_other_error_is_the_answer(self):
        call, calls = self.engine(['OS::A::B'], then='Unknown Property x')
        unavailable = {}
        self.assertEqual('Unknown Property x',
                         validation._judged(call, {}, unavailable))
        self.assertEqual(['OS::A::B'], list(unavailable))
        self.assertEqual(2, len(calls))

    def test_a_type_heat_names_twice_ends_the_loop(self):
        def call(environment):
            return {'Error': NOVA}
        unavailable = {'OS::Nova::Server': NOVA}
        self.assertEqual(NOVA, validation._judged(call, {}, unavailable))

    def test_an_engine_read_error_is_said_without_its_traceback(self):
        def call(environment):
            raise AttributeError("'str' object has no attribute 'get'\n"
                                 "Traceback ...")
        error = validation._judged(call, {}, {})
        self.assertEqual("the engine cannot read it (AttributeError: 'str' "
                         "object has no attribute 'get')", error)


class CheckShapesTest(base.TestCase):

    class Prepared(object):
        def __init__(self, template, children=None, environment=None):
            self.template = template
            self.children = children or {}
            self.environment = environment

    def test_section_of_the_wrong_shape_named_with_its_file(self):
        prepared = self.Prepared({'resources': {}},
                                 {'c.yaml': {'outputs': []}})
        error = self.assertRaises(exception.InvalidBundle,
                                  validation.check_shapes, prepared)
        self.assertIn('c.yaml: outputs must be a map', str(error))

    def test_registry_entry_must_name_a_type_or_file(self):
        prepared = self.Prepared({}, environment={
            'resource_registry': {'My::A': ['x']}})
        error = self.assertRaises(exception.InvalidBundle,
                                  validation.check_shapes, prepared)
        self.assertIn('resource_registry.My::A', str(error))

    def test_well_shaped_bundle_passes(self):
        validation.check_shapes(self.Prepared(
            {'resources': {}, 'parameter_groups': []}, {},
            {'resource_registry': {'resources': {'r': {}}}}))


class PreviewContextTest(base.TestCase):

    def setUp(self):
        super().setUp()
        from oslo_config import cfg
        from oslo_config import fixture as config_fixture

        from heat.common import config  # noqa: F401 - deferred_auth_method
        self.conf = self.useFixture(config_fixture.Config(cfg.CONF))

    def context(self, password=None):
        # The attributes of heat.common.context.RequestContext it reads.
        return types.SimpleNamespace(user_id='u1', username=None,
                                     password=password)

    def test_password_method_gets_a_placeholder_on_a_copy(self):
        self.conf.config(deferred_auth_method='password')
        original = self.context()
        preview = validation._preview_context(original)
        self.assertIsNot(original, preview)
        self.assertEqual(('u1', 'unused'), (preview.username,
                                            preview.password))
        self.assertIsNone(original.password)

    def test_a_given_password_or_trusts_leave_the_context(self):
        self.conf.config(deferred_auth_method='password')
        given = self.context('secret')
        self.assertIs(given, validation._preview_context(given))
        self.conf.config(deferred_auth_method='trusts')
        trusts = self.context()
        self.assertIs(trusts, validation._preview_context(trusts))
