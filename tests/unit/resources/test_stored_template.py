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

"""OS::Heat::StoredTemplate, tested as Heat tests its own resources.

``heat.tests.common.HeatTestCase`` and ``heat.tests.utils`` (Heat's
in-memory SQLite database, a dummy context, ``parse_stack``), the store's
tables created beside Heat's, and no server: Heat's nested-stack calls
(``create_with_template``, ``update_with_template`` and the check of the
nested stack) are the parts replaced, as Heat's own StackResource tests
replace them.
"""

import os
import sys

from oslo_config import cfg

from heat.common import exception
from heat.db import api as heat_db_api
from heat.engine import environment
from heat.engine import resource
from heat.engine import resources
from heat.engine.resources import stack_resource
from heat.tests import common
from heat.tests import utils

from heat_store.bundle import canonical as bundle_canonical
from heat_store.db import models as store_models
from heat_store.dev import statements
from heat_store.objects import consumer as consumer_obj
from heat_store.objects import stored_template as template_obj
from heat_store.objects import stored_template_version as version_obj
from heat_store.resources import stored_template
from heat_store import versioning

# The project of heat.tests.utils.dummy_context().
PROJECT = 'test_tenant_id'
HOT = '2018-08-31'


def _environment_dir():
    """Heat's global environment from the wheel's etc (see HEAT-NOTES).

    HeatTestCase looks for it beside the heat package, where a wheel does
    not put it, and the global environment is built once per process
    (perhaps already, by another test in this worker): read the wheel's
    environment files into it when its mappings are missing.
    """
    etc = os.path.join(sys.prefix, 'etc', 'heat')
    cfg.CONF.set_default('environment_dir',
                         os.path.join(etc, 'environment.d'))
    cfg.CONF.set_default('template_dir', os.path.join(etc, 'templates'))
    env = resources.global_env()
    try:
        env.get_resource_info('AWS::RDS::DBInstance')
    except exception.EntityNotFound:
        environment.read_global_environment(
            env, os.path.join(etc, 'environment.d'))


def child(length):
    return {'heat_template_version': HOT,
            'resources': {'pw': {'type': 'OS::Heat::RandomString',
                                 'properties': {'length': length}}},
            'outputs': {'value': {'value': {'get_attr': ['pw', 'value']}}}}


def version_values(version, length):
    template = child(length)
    return {'version': version, 'template': template, 'files': {},
            'environment': {}, 'digest': bundle_canonical.digest(template, {},
                                                                 {}),
            'size': 100, 'interface': {'parameters': {},
                                       'outputs': {'value': {}}}}


def parent(policy='PINNED', version='^1'):
    return {'heat_template_version': HOT,
            'resources': {'r': {'type': 'OS::Heat::StoredTemplate',
                                'properties': {'template': 'lib',
                                               'version': version,
                                               'upgrade_policy': policy}}}}


class StoredTemplateTest(common.HeatTestCase):

    def setUp(self):
        _environment_dir()
        super().setUp()
        store_models.BASE.metadata.create_all(heat_db_api.get_engine())
        resource._register_class('OS::Heat::StoredTemplate',
                                 stored_template.StoredTemplate)
        self.ctx = utils.dummy_context()
        self.template = template_obj.StoredTemplate.create(
            self.ctx, {'name': 'lib', 'visibility': 'private'}, [],
            first_version=version_values('1.0.0', 8))
        self.create_nested = self.patchobject(
            stack_resource.StackResource, 'create_with_template')
        self.update_nested = self.patchobject(
            stack_resource.StackResource, 'update_with_template')
        self.check_create = self.patchobject(
            stack_resource.StackResource, 'check_create_complete',
            return_value=True)
        self.patchobject(stack_resource.StackResource,
                         'check_update_complete', return_value=True)
        self.patchobject(stack_resource.StackResource,
                         'check_delete_complete', return_value=True)

    def publish(self, version, length):
        version_obj.StoredTemplateVersion.create(
            self.ctx, self.template.id, version_values(version, length))

    def resource(self, tmpl):
        # NOTE: a resource holds its stack weakly.
        self.stack = utils.parse_stack(tmpl)
        rsrc = self.stack['r']
        rsrc.state_set(rsrc.CREATE, rsrc.IN_PROGRESS)
        return rsrc

    def created(self, tmpl):
        rsrc = self.resource(tmpl)
        rsrc.handle_create()
        rsrc.resource_id_set('nested-stack-id')
        self.assertTrue(rsrc.check_create_complete())
        rsrc.state_set(rsrc.CREATE, rsrc.COMPLETE)
        return rsrc

    def pins(self, rsrc):
        rows = consumer_obj.StoredTemplateConsumer.get_all_by_key(
            self.ctx, rsrc._consumer_key())
        versions = {v.id: v.version for v in
                    version_obj.StoredTemplateVersion.get_all(
                        self.ctx, self.template.id)}
        return sorted((row.state, versions[row.version_id])
                      for row in rows)

    def built(self, call):
        """The RandomString length of the child template a call built."""
        template = call.call_args[0][0]
        return template['resources']['pw']['properties']['length']

    def test_handle_create_builds_and_pins_the_resolved_version(self):
        self.publish('1.1.0', 12)
        self.publish('2.0.0', 16)
        rsrc = self.created(parent(version='^1'))
        self.assertEqual(12, self.built(self.create_nested))
        self.assertEqual([(consumer_obj.PINNED, '1.1.0')], self.pins(rsrc))
        self.assertEqual('1.1.0', rsrc.FnGetAtt('resolved_version'))
        self.assertEqual(self.template.id, rsrc.FnGetAtt('template_id'))
        self.assertEqual(bundle_canonical.digest(child(12), {}, {}),
                         rsrc.FnGetAtt('digest'))

    def test_a_reference_resolves_without_reading_tags(self):
        with statements.counting(this_thread=True) as counter:
            found, version = (
                version_obj.StoredTemplateVersion.resolve_reference(
                    self.ctx, 'lib', versioning.parse_constraint('^1')))
        self.assertEqual(('lib', '1.0.0'), (found.name, version.version))
        self.assertEqual([], [s for s in counter.statements
                              if 'stored_template_tag' in s])

    def test_a_check_is_one_check_of_the_nested_stack(self):
        # Heat's scheduler does the waiting: a check that finds the nested
        # stack still in progress answers at once, and pins nothing.
        rsrc = self.resource(parent())
        rsrc.handle_create()
        rsrc.resource_id_set('nested-stack-id')
        self.check_create.return_value = False
        self.assertFalse(rsrc.check_create_complete())
        self.assertEqual(1, self.check_create.call_count)
        self.assertEqual([(consumer_obj.PINNED, '1.0.0')], self.pins(rsrc))
        rows = consumer_obj.StoredTemplateConsumer.get_all_by_key(
            self.ctx, rsrc._consumer_key())
        self.assertEqual([None], [row.stack_id for row in rows])
        self.check_create.return_value = True
        self.assertTrue(rsrc.check_create_complete())
        rows = consumer_obj.StoredTemplateConsumer.get_all_by_key(
            self.ctx, rsrc._consumer_key())
        self.assertEqual(['nested-stack-id'], [row.stack_id for row in rows])

    def test_a_reference_that_matches_nothing_fails_validation(self):
        rsrc = self.resource(parent(version='^3'))
        error = self.assertRaises(exception.StackValidationFailed,
                                  rsrc.validate)
        self.assertIn('no active version of stored template "lib" '
                      'matches "^3"', str(error))

    def updated(self, rsrc, props=None):
        snippet = rsrc.t.freeze(properties=dict(rsrc.properties.data,
                                                **(props or {})))
        rsrc.handle_update(snippet, {}, {})
        return rsrc.check_update_complete()

    def test_update_pinned_keeps_the_version(self):
        rsrc = self.created(parent('PINNED'))
        self.publish('1.1.0', 12)
        self.assertTrue(self.updated(rsrc))
        self.assertEqual(8, self.built(self.update_nested))
        self.assertEqual([(consumer_obj.PINNED, '1.0.0')], self.pins(rsrc))
        self.assertEqual('1.0.0', rsrc.FnGetAtt('resolved_version'))

    def test_update_pinned_moves_when_the_version_asked_for_changes(self):
        rsrc = self.created(parent('PINNED'))
        self.publish('1.1.0', 12)
        self.assertTrue(self.updated(rsrc, {'version': '1.1.0'}))
        self.assertEqual(12, self.built(self.update_nested))
        self.assertEqual([(consumer_obj.PINNED, '1.1.0')], self.pins(rsrc))

    def test_update_latest_matching_moves_to_the_highest_match(self):
        rsrc = self.created(parent('LATEST_MATCHING'))
        self.publish('1.1.0', 12)
        self.publish('2.0.0', 16)
        snippet = rsrc.t.freeze(properties=rsrc.properties.data)
        rsrc.handle_update(snippet, {}, {})
        self.assertEqual(12, self.built(self.update_nested))
        # Pending until the nested stack's update completes.
        self.assertEqual([(consumer_obj.PENDING, '1.1.0'),
                          (consumer_obj.PINNED, '1.0.0')], self.pins(rsrc))
        self.assertTrue(rsrc.check_update_complete())
        self.assertEqual([(consumer_obj.PINNED, '1.1.0')], self.pins(rsrc))
        self.assertEqual('1.1.0', rsrc.FnGetAtt('resolved_version'))

    def test_rollback_returns_to_the_version_pinned_before(self):
        rsrc = self.created(parent('LATEST_MATCHING'))
        self.publish('1.1.0', 12)
        snippet = rsrc.t.freeze(properties=rsrc.properties.data)
        rsrc.handle_update(snippet, {}, {})
        # The update failed; Heat rolls back with the old definition.
        rsrc.stack.action = rsrc.stack.ROLLBACK
        rsrc.handle_update(snippet, {}, {})
        self.assertEqual(8, self.built(self.update_nested))
        self.assertTrue(rsrc.check_update_complete())
        self.assertEqual([(consumer_obj.PINNED, '1.0.0')], self.pins(rsrc))
        self.assertEqual('1.0.0', rsrc.FnGetAtt('resolved_version'))

    def test_delete_releases_the_pin_once_the_nested_stack_is_gone(self):
        rsrc = self.created(parent())
        rsrc.handle_delete()
        self.assertEqual([(consumer_obj.PINNED, '1.0.0')], self.pins(rsrc))
        self.assertTrue(rsrc.check_delete_complete(None))
        self.assertEqual([], self.pins(rsrc))
        # Nothing holds 1.0.0 any more: it can be deleted.
        version_obj.StoredTemplateVersion.delete(self.ctx, self.template.id,
                                                 '1.0.0')

    def test_get_attribute_reads_outputs_by_name(self):
        rsrc = self.created(parent())
        self.patchobject(stack_resource.StackResource, 'get_output',
                         side_effect=lambda key: {'value': 'abc'}[key]
                         if key == 'value' else (_ for _ in ()).throw(
                             exception.NotFound()))
        self.assertEqual('abc', rsrc.get_attribute('value'))
        self.assertRaises(exception.InvalidTemplateAttribute,
                          rsrc.get_attribute, 'nope')
        self.assertEqual('1.0.0', rsrc.get_attribute('resolved_version'))

    def test_attributes_of_a_resource_created_by_an_earlier_release(self):
        # Earlier releases wrote one resource data key per field.
        rsrc = self.resource(parent())
        for key, value in (('version', '1.0.0'), ('version_id', 'v-id'),
                           ('template_id', self.template.id),
                           ('digest', 'sha256:old')):
            rsrc.data_set(key, value)
        self.assertEqual(('1.0.0', self.template.id, 'sha256:old'),
                         (rsrc.FnGetAtt('resolved_version'),
                          rsrc.FnGetAtt('template_id'),
                          rsrc.FnGetAtt('digest')))
