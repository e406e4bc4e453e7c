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

"""Stored templates inside stored templates (heat_store.dependencies).

Which references a bundle makes are read from the templates alone; how
they resolve for the publisher is read from Heat's in-memory SQLite
database with the store's tables beside Heat's (as in
tests/unit/resources/test_stored_template.py), and no server.
"""

import copy
import json

from heat.db import api as heat_db_api
from heat.tests import common
from heat.tests import utils

from heat_store.bundle import engine as bundle_engine
from heat_store.bundle import formats as bundle_formats
from heat_store.bundle import parse as bundle_parse
from heat_store.db import models as store_models
from heat_store import dependencies
from heat_store import exception
from heat_store.objects import member as member_obj
from heat_store.objects import stored_template as template_obj
from heat_store.objects import stored_template_version as version_obj
from heat_store.resources import stored_template
from tests import base
from tests.unit.resources import test_stored_template

HOT = '2018-08-31'
ROOT = bundle_formats.ROOT


def stored(template, version=None):
    props = {'template': template}
    if version is not None:
        props['version'] = version
    return {'type': 'OS::Heat::StoredTemplate', 'properties': props}


def hot(**resources):
    return {'heat_template_version': HOT, 'resources': resources}


def found(template, children=None):
    return list(dependencies.literal_references(template, children or {}))


class ReferencesTest(base.TestCase):
    """The references a bundle writes, and which of them are literal."""

    def test_a_hot_resource_with_name_and_constraint(self):
        self.assertEqual([('lib', '^1.2', ROOT, 'resources.r')],
                         found(hot(r=stored('lib', '^1.2'))))

    def test_a_cfn_resource(self):
        template = {'AWSTemplateFormatVersion': '2010-09-09',
                    'Resources': {'r': {
                        'Type': 'OS::Heat::StoredTemplate',
                        'Properties': {'template': 'lib',
                                       'version': '1.0.0'}}}}
        self.assertEqual([('lib', '1.0.0', ROOT, 'Resources.r')],
                         found(template))

    def test_no_version_is_latest(self):
        self.assertEqual([('lib', 'latest', ROOT, 'resources.r')],
                         found(hot(r=stored('lib'))))

    def test_group_members_at_any_depth(self):
        group = {'type': 'OS::Heat::ResourceGroup',
                 'properties': {'count': 2, 'resource_def': stored('a', '1')}}
        scaling = {'type': 'OS::Heat::AutoScalingGroup',
                   'properties': {'min_size': 1, 'max_size': 2,
                                  'resource': {
                                      'type': 'OS::Heat::ResourceGroup',
                                      'properties': {
                                          'resource_def': stored('b')}}}}
        self.assertEqual(
            [('a', '1', ROOT, 'resources.g.properties.resource_def'),
             ('b', 'latest', ROOT, 'resources.s.properties.resource'
              '.properties.resource_def')],
            found(hot(g=group, s=scaling)))

    def test_child_files_say_which_file(self):
        children = {'lib/child.yaml': hot(deep=stored('lib', '~2.1'))}
        self.assertEqual(
            [('top', '^1', ROOT, 'resources.r'),
             ('lib', '~2.1', 'lib/child.yaml', 'resources.deep')],
            found(hot(r=stored('top', '^1')), children))

    def test_each_reference_once_where_first_written(self):
        children = {'c.yaml': hot(again=stored('lib', '^1'))}
        self.assertEqual(
            [('lib', '^1', ROOT, 'resources.a'),
             ('lib', '^2', ROOT, 'resources.c')],
            found(hot(a=stored('lib', '^1'), b=stored('lib', '^1'),
                      c=stored('lib', '^2')), children))

    def test_unquoted_integers_and_booleans_are_their_text(self):
        # Heat reads a string property written as a YAML integer or
        # boolean as str(value): `version: 2` is the constraint '2'. A
        # float is no text to Heat (the stack fails), so no reference.
        template = bundle_parse.parse_template(
            'heat_template_version: %s\n'
            'resources:\n'
            '  a: {type: OS::Heat::StoredTemplate,\n'
            '      properties: {template: lib, version: 2}}\n'
            '  b: {type: OS::Heat::StoredTemplate,\n'
            '      properties: {template: 42, version: true}}\n'
            '  c: {type: OS::Heat::StoredTemplate,\n'
            '      properties: {template: lib, version: 2.5}}\n' % HOT,
            'template')
        self.assertEqual([('lib', '2', ROOT, 'resources.a'),
                          ('42', 'True', ROOT, 'resources.b')],
                         found(template))

    def test_computed_references_are_seen_but_not_literal(self):
        # Known only when a stack is built, in that stack's project.
        template = hot(
            name=stored({'get_param': 'name'}, '^1'),
            constraint=stored('lib', {'get_param': 'constraint'}),
            group={'type': 'OS::Heat::ResourceGroup', 'properties': {
                'resource_def': {'type': {'get_param': 'member'},
                                 'properties': {'template': 'lib'}}}})
        self.assertEqual(
            ['resources.constraint', 'resources.name'],
            sorted(where for _props, where in
                   dependencies.stored_template_references(template)))
        self.assertEqual([], found(template))

    def test_other_types_and_odd_shapes_are_no_reference(self):
        template = hot(
            none={'type': 'OS::Heat::None',
                  'properties': {'template': 'lib', 'version': '1'}},
            listed={'type': 'OS::Heat::StoredTemplate',
                    'properties': ['template', 'lib']},
            bare={'type': 'OS::Heat::StoredTemplate'})
        self.assertEqual([], list(
            dependencies.stored_template_references(template)))

    def test_a_file_the_registry_maps_is_read(self):
        # The environment's resource_registry makes a bundle file a
        # template: the references written there count.
        files = {'lib/server.yaml': json.dumps(hot(s=stored('lib', '^3')))}
        env = {'resource_registry': {'My::Server': 'lib/server.yaml'}}
        children = bundle_engine.check_references(hot(), files, env)
        self.assertEqual([('lib', '^3', 'lib/server.yaml', 'resources.s')],
                         found(hot(), children))


LOCKS = {('lib', '^1'): ('tid', '1.4.0'), ('lib', 'latest'): ('tid', '2.0.0')}


class LockTest(base.TestCase):
    """Rewriting literal references to the versions they are locked to."""

    def test_literal_references_point_at_their_locked_version(self):
        template = hot(a=stored('lib', '^1'), b=stored('lib'),
                       c=stored({'get_param': 'p'}, '^1'),
                       d=stored('other', '^1'))
        self.assertTrue(dependencies.lock_references(template, LOCKS))
        props = {name: definition['properties'] for name, definition
                 in template['resources'].items()}
        self.assertEqual({'template': 'tid', 'version': '1.4.0'}, props['a'])
        self.assertEqual({'template': 'tid', 'version': '2.0.0'}, props['b'])
        self.assertEqual({'template': {'get_param': 'p'}, 'version': '^1'},
                         props['c'])
        self.assertEqual({'template': 'other', 'version': '^1'}, props['d'])

    def test_group_members_are_locked(self):
        template = hot(g={'type': 'OS::Heat::ResourceGroup',
                          'properties': {'resource_def': stored('lib',
                                                                '^1')}})
        dependencies.lock_references(template, LOCKS)
        self.assertEqual(
            {'template': 'tid', 'version': '1.4.0'},
            template['resources']['g']['properties']['resource_def'][
                'properties'])

    def test_chain_members_are_locked(self):
        # A chain's members share its resource_properties.
        template = hot(c={'type': 'OS::Heat::ResourceChain',
                          'properties': {
                              'resources': ['OS::Heat::StoredTemplate',
                                            'OS::Heat::StoredTemplate'],
                              'resource_properties': {'template': 'lib',
                                                      'version': '^1'}}})
        self.assertEqual(
            [('lib', '^1', 'root template',
              'resources.c.properties.resources[0]')],
            list(dependencies.literal_references(template, {})))
        self.assertTrue(dependencies.lock_references(template, LOCKS))
        self.assertEqual(
            {'template': 'tid', 'version': '1.4.0'},
            template['resources']['c']['properties']['resource_properties'])

    def test_an_unquoted_integer_is_locked_as_its_text(self):
        template = hot(a=stored('lib', 1), b=stored('lib', '1'))
        dependencies.lock_references(template, {('lib', '1'): ('tid',
                                                               '1.4.0')})
        self.assertEqual(
            [stored('tid', '1.4.0')] * 2,
            [template['resources'][name] for name in ('a', 'b')])

    def test_nothing_to_lock_is_no_change(self):
        template = hot(c=stored('lib', '^2'))
        before = copy.deepcopy(template)
        self.assertFalse(dependencies.lock_references(template, LOCKS))
        self.assertEqual(before, template)

    def test_locking_twice_changes_nothing_more(self):
        template = hot(a=stored('lib', '^1'), b=stored('lib'))
        dependencies.lock_references(template, LOCKS)
        once = copy.deepcopy(template)
        self.assertFalse(dependencies.lock_references(template, LOCKS))
        self.assertEqual(once, template)

    def test_the_engine_bundle_locks_children_and_registry_files(self):
        # What a nested stack is given: the file a resource type names
        # and the file the registry maps, each locked.
        child = 'resources: {deep: %s}\nheat_template_version: %s\n' % (
            json.dumps(stored('lib', '^1')), HOT)
        files = {'child.yaml': child, 'mapped.yaml': child}
        root = hot(c={'type': 'child.yaml'}, m={'type': 'My::Mapped'})
        env = {'resource_registry': {'My::Mapped': 'mapped.yaml'}}
        _root, engine_files, _env, children = stored_template.engine_bundle(
            root, files, env, LOCKS)
        for path in ('child.yaml', 'mapped.yaml'):
            self.assertEqual(
                {'template': 'tid', 'version': '1.4.0'},
                json.loads(engine_files[path])['resources']['deep'][
                    'properties'], path)
        self.assertEqual(
            stored('tid', '1.4.0'),
            children['mapped.yaml']['resources']['deep'])


class ResolveTest(common.HeatTestCase):
    """Each literal reference resolved as the publisher sees it."""

    def setUp(self):
        test_stored_template._environment_dir()
        super().setUp()
        store_models.BASE.metadata.create_all(heat_db_api.get_engine())
        self.ctx = utils.dummy_context()
        self.other = utils.dummy_context(tenant_id='other_project')
        self.lib = self.template(self.ctx, 'lib', ['1.0.0', '1.2.0',
                                                   '2.0.0-rc.1', '2.1.0'])

    def template(self, context, name, versions, visibility='private'):
        first, *rest = versions
        template = template_obj.StoredTemplate.create(
            context, {'name': name, 'visibility': visibility}, [],
            first_version=test_stored_template.version_values(first, 4))
        for version in rest:
            version_obj.StoredTemplateVersion.create(
                context, template.id,
                test_stored_template.version_values(version, 4))
        return template

    def resolved(self, template, children=None, context=None):
        """``[(template name, version, constraint as written)]``."""
        return [(used.name, version.version, values['version_constraint'])
                for values, used, version in dependencies.resolve(
                    context or self.ctx, template, children or {})]

    def refusal(self, template, children=None, context=None):
        error = self.assertRaises(
            exception.InvalidBundle, dependencies.resolve,
            context or self.ctx, template, children or {})
        return str(error)

    def test_each_constraint_to_its_highest_active_match(self):
        self.assertEqual(
            [('lib', '1.2.0', '^1'), ('lib', '1.0.0', '1.0.0'),
             ('lib', '1.2.0', '~1.2'), ('lib', '2.1.0', 'latest'),
             ('lib', '2.0.0-rc.1', '2.0.0-rc.1')],
            self.resolved(hot(a=stored('lib', '^1'),
                              b=stored('lib', '1.0.0'),
                              c=stored('lib', '~1.2'),
                              d=stored('lib'),
                              e=stored('lib', '2.0.0-rc.1'))))

    def test_what_is_recorded_with_the_version(self):
        [(values, used, version)] = dependencies.resolve(
            self.ctx, hot(r=stored(self.lib.id, '^1')), {})
        self.assertEqual(
            {'template_ref': self.lib.id, 'version_constraint': '^1',
             'depends_on_template_id': self.lib.id,
             'depends_on_version_id': version.id}, values)
        self.assertEqual(('lib', '1.2.0'), (used.name, version.version))

    def test_an_unquoted_major_resolves_as_the_quoted_one(self):
        self.assertEqual([('lib', '2.1.0', '2')],
                         self.resolved(hot(r=stored('lib', 2))))

    def test_a_child_files_reference_resolves_too(self):
        self.assertEqual(
            [('lib', '1.0.0', '~1.0')],
            self.resolved(hot(), {'c.yaml': hot(r=stored('lib', '~1.0'))}))

    def test_a_missing_template_names_file_place_and_reference(self):
        message = self.refusal(hot(), {'c.yaml': hot(r=stored('nope'))})
        self.assertIn("c.yaml: resources.r uses stored template 'nope', "
                      "which could not be found", message)

    def test_no_matching_version_names_the_constraint(self):
        message = self.refusal(hot(r=stored('lib', '^3')))
        self.assertIn("root template: resources.r uses stored template "
                      "'lib' at '^3', and no active version matches",
                      message)

    def test_a_deprecated_version_is_not_resolved_anew(self):
        version_obj.StoredTemplateVersion.update(
            self.ctx, self.lib.id, '1.0.0', {'status': 'deprecated'})
        message = self.refusal(hot(r=stored('lib', '1.0.0')))
        self.assertIn("at '1.0.0', and no active version matches", message)
        self.assertEqual([('lib', '1.2.0', '^1')],
                         self.resolved(hot(r=stored('lib', '^1'))))

    def test_a_constraint_that_does_not_parse_names_its_place(self):
        message = self.refusal(hot(r=stored('lib', 'one point two')))
        self.assertIn("root template: resources.r: Invalid version "
                      "constraint 'one point two'", message)

    def test_another_projects_private_template_is_not_found(self):
        # Neither by its name (names are looked up in the publisher's own
        # project) nor by its id.
        for ref in ('lib', self.lib.id):
            message = self.refusal(hot(r=stored(ref, '^1')),
                                   context=self.other)
            self.assertIn("uses stored template '%s', which could not be "
                          "found" % ref, message)

    def test_a_template_shared_but_not_accepted_is_not_found(self):
        shared = self.template(self.ctx, 'shared', ['1.0.0'], 'shared')
        member_obj.StoredTemplateMember.create(self.ctx, shared.id,
                                               self.other.project_id)
        self.assertIn('could not be found', self.refusal(
            hot(r=stored(shared.id)), context=self.other))
        member_obj.StoredTemplateMember.update(self.other, shared.id,
                                               'rejected')
        self.assertIn('could not be found', self.refusal(
            hot(r=stored(shared.id)), context=self.other))
        member_obj.StoredTemplateMember.update(self.other, shared.id,
                                               'accepted')
        self.assertEqual([('shared', '1.0.0', 'latest')], self.resolved(
            hot(r=stored(shared.id)), context=self.other))

    def test_a_public_template_by_id_and_the_own_by_name(self):
        public = self.template(self.ctx, 'pub', ['1.0.0'], 'public')
        self.template(self.other, 'lib', ['7.0.0'])
        self.assertEqual([('pub', '1.0.0', 'latest')], self.resolved(
            hot(r=stored(public.id)), context=self.other))
        self.assertIn("'pub', which could not be found", self.refusal(
            hot(r=stored('pub')), context=self.other))
        [(_values, used, version)] = dependencies.resolve(
            self.other, hot(r=stored('lib')), {})
        self.assertEqual((self.other.project_id, '7.0.0'),
                         (used.project_id, version.version))

    def test_exposure_warnings_for_public_and_shared_versions(self):
        public = self.template(self.ctx, 'pub', ['1.0.0'], 'public')
        resolved = dependencies.resolve(
            self.ctx, hot(a=stored('lib', '^1'), b=stored(public.id)), {})
        self.assertEqual([], dependencies.exposure_warnings('private',
                                                            resolved))
        for visibility in ('public', 'shared'):
            [warning] = dependencies.exposure_warnings(visibility, resolved)
            self.assertIn('depends on lib 1.2.0 (private), which users of '
                          'this %s template may not see' % visibility,
                          warning)
