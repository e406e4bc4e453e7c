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

"""The store's verdict is Heat's: what Heat builds is published.

Each shape is sent to Heat's ``POST /validate?ignore_errors=99001`` and to
a real ``stack create`` (Heat builds it when both pass and the stack
reaches CREATE_COMPLETE), and published to the store with the same body;
the two verdicts must be one. The shapes are those where the store and
Heat used to differ (a child judged apart from the parent that calls it)
and their neighbours.
"""

import json
import uuid

from testtools import content

from tests.functional import fixtures

HOT = 'heat_template_version: 2018-08-31\n'

CHILD_IF = HOT + '''parameters:
  prefix: {type: string}
resources:
  r:
    type: OS::Heat::Value
    properties:
      value:
        if:
          - equals: [{get_param: prefix}, ""]
          - "docker.io/"
          - {get_param: prefix}
outputs:
  image: {value: {get_attr: [r, value]}}
'''
CHILD_CONDITION = HOT + '''parameters:
  mode: {type: string}
conditions:
  enabled: {equals: [{get_param: mode}, "yes"]}
resources:
  r: {type: OS::Heat::None, condition: enabled}
'''
CHILD_REPEAT = HOT + '''parameters:
  names: {type: comma_delimited_list}
resources:
  r:
    type: OS::Heat::Value
    properties:
      value:
        repeat:
          for_each: {'%n%': {get_param: names}}
          template: 'x-%n%'
'''
PASS_PREFIX = HOT + '''parameters:
  prefix: {type: string, default: ""}
resources:
  c:
    type: child.yaml
    properties: {prefix: {get_param: prefix}}
'''
VALUE = '''  %s:
    type: OS::Heat::Value
    properties: {value: %s}
'''


def _root(resources, parameters=''):
    return HOT + parameters + 'resources:\n' + resources


def _group(count, member, properties='{}'):
    return ('  g:\n    type: OS::Heat::ResourceGroup\n    properties:\n'
            '      count: %s\n      resource_def:\n        type: %s\n'
            '        properties: %s\n' % (count, member, properties))


# name -> (template, files, environment, Heat builds it)
SHAPES = {
    'child-if-reads-passed-parameter': (
        PASS_PREFIX, {'child.yaml': CHILD_IF}, None, True),
    'child-if-literal-value-passed': (
        _root('  c:\n    type: child.yaml\n    properties: {prefix: q/}\n'),
        {'child.yaml': CHILD_IF}, None, True),
    'child-condition-reads-passed-parameter': (
        _root('  c:\n    type: child.yaml\n    properties: {mode: "yes"}\n'),
        {'child.yaml': CHILD_CONDITION}, None, True),
    'child-repeat-reads-passed-list': (
        _root('  c:\n    type: child.yaml\n    properties: {names: "a,b"}\n'),
        {'child.yaml': CHILD_REPEAT}, None, True),
    'group-member-if-reads-passed-parameter': (
        _root(_group(2, 'child.yaml', '{prefix: "r/"}')),
        {'child.yaml': CHILD_IF}, None, True),
    'registry-child-if-reads-passed-parameter': (
        _root('  c:\n    type: My::Child\n    properties: {prefix: ""}\n'),
        {'child.yaml': CHILD_IF},
        {'resource_registry': {'My::Child': 'child.yaml'}}, True),
    'grandchild-if-reads-passed-parameter': (
        PASS_PREFIX, {
            'child.yaml': HOT + 'parameters:\n  prefix: {type: string}\n'
            'resources:\n  gc:\n    type: grandchild.yaml\n'
            '    properties: {prefix: {get_param: prefix}}\n',
            'grandchild.yaml': CHILD_IF}, None, True),
    'zero-count-group-unknown-member': (
        _root(_group(0, 'OS::Nowhere::Thing')), {}, None, True),
    'zero-count-group-from-default-unknown-member': (
        _root(_group('{get_param: n}', 'OS::Nowhere::Thing'),
              'parameters:\n  n: {type: number, default: 0}\n'),
        {}, None, True),
    'absolute-get-file': (
        _root(VALUE % ('v', '{get_file: /cfg1.sh}')),
        {'/cfg1.sh': '#!/bin/sh\necho one\n'}, None, True),
    'absolute-get-file-in-child': (
        _root('  c: {type: child.yaml}\n'),
        {'child.yaml': _root(VALUE % ('v', '{get_file: /cfg1.sh}')),
         '/cfg1.sh': 'echo one\n'}, None, True),
    'child-unknown-type': (
        _root('  c: {type: child.yaml}\n'),
        {'child.yaml': _root('  x: {type: OS::Nowhere::Thing}\n')},
        None, False),
    'child-bad-get-attr': (
        _root('  c: {type: child.yaml}\n'),
        {'child.yaml': _root(VALUE % ('v', '{get_attr: [nope, x]}'))},
        None, False),
    'child-unknown-property': (
        _root('  c: {type: child.yaml}\n'),
        {'child.yaml': _root('  v:\n    type: OS::Heat::Value\n'
                             '    properties: {value: 1, valeu: 2}\n')},
        None, False),
    'child-depends-on-nothing': (
        _root('  c: {type: child.yaml}\n'),
        {'child.yaml': _root('  v:\n    type: OS::Heat::None\n'
                             '    depends_on: [ghost]\n')},
        None, False),
    'child-output-bad-get-attr': (
        _root('  c: {type: child.yaml}\n'),
        {'child.yaml': _root('  v: {type: OS::Heat::None}\n') +
         'outputs:\n  o: {value: {get_attr: [ghost, a]}}\n'},
        None, False),
    'child-required-parameter-not-passed': (
        _root('  c: {type: child.yaml}\n'), {'child.yaml': CHILD_IF},
        None, False),
    'child-parameter-passed-with-wrong-name': (
        _root('  c:\n    type: child.yaml\n    properties: {prefx: a}\n'),
        {'child.yaml': CHILD_IF}, None, False),
    'group-member-unknown-type': (
        _root(_group(2, 'OS::Nowhere::Thing')), {}, None, False),
    'group-member-child-unknown-type': (
        _root(_group(1, 'child.yaml')),
        {'child.yaml': _root('  x: {type: OS::Nowhere::Thing}\n')},
        None, False),
    'root-unknown-type': (
        _root('  x: {type: OS::Nowhere::Thing}\n'), {}, None, False),
    'root-if-reads-default': (
        _root(VALUE % ('v', '{if: [{equals: [{get_param: p}, a]}, 1, 2]}'),
              'parameters:\n  p: {type: string, default: a}\n'),
        {}, None, True),
    'child-get-file-relative': (
        _root('  c: {type: sub/child.yaml}\n'),
        {'sub/child.yaml': _root(VALUE % ('v', '{get_file: sub/boot.sh}')),
         'sub/boot.sh': 'echo\n'}, None, True),
    'child-grandchild-bad-property-type': (
        _root('  c: {type: child.yaml}\n'),
        {'child.yaml': _root('  g: {type: grandchild.yaml}\n'),
         'grandchild.yaml': _root(
             '  r:\n    type: OS::Heat::RandomString\n'
             '    properties: {length: many}\n')}, None, False),
}


class VerdictTest(fixtures.ProjectTestCase):

    def heat_body(self, template, files, environment):
        body = {'template': template, 'files': files}
        if environment:
            body['environment'] = environment
        return body

    def heat_builds(self, name, template, files, environment):
        """Heat's verdict: validate with ignore_errors=99001, then create."""
        body = self.heat_body(template, files, environment)
        status, answer = self.call('POST', '/validate?ignore_errors=99001',
                                   body)
        if status != 200:
            return False, 'validate: %s' % answer
        stack = 'v-%s' % uuid.uuid4().hex[:8]
        # Heat keeps the user's password for the stack's later actions
        # (deferred_auth_method = password): a create needs one.
        res = self.request('POST', '/stacks', json.dumps(
            dict(body, stack_name=stack)).encode(), headers={
            'X-Auth-User': self.USER, 'X-Auth-Key': 'secret'})
        status, answer = res.status_int, json.loads(res.body)
        if status != 201:
            return False, 'create: %s' % answer
        path = '/stacks/%s/%s' % (stack, answer['stack']['id'])
        shown = self.wait_stack(path)
        self.call('DELETE', path)
        state = shown['stack_status']
        return (state == 'CREATE_COMPLETE',
                '%s: %s' % (state, shown['stack_status_reason']))

    def store_takes(self, name, template, files, environment):
        body = self.heat_body(template, files, environment)
        status, answer = self.call('POST', '/stored_templates', {
            'name': name, 'version': dict(body, version='1.0.0')})
        return status == 201, answer

    def test_store_verdict_is_heats(self):
        agree, disagree = [], []
        for name, (template, files, env, builds) in sorted(SHAPES.items()):
            self.project = uuid.uuid4().hex
            heat, why = self.heat_builds(name, template, files, env)
            self.assertEqual(builds, heat, '%s: Heat %s' % (name, why))
            store, answer = self.store_takes(name, template, files, env)
            (agree if store == heat else disagree).append(
                '%s: Heat %s, store %s' % (name, why, answer))
        self.addDetail('agree', content.text_content('\n'.join(agree)))
        self.assertEqual([], disagree)
        self.assertGreaterEqual(len(agree), 20)


RBAC = HOT + '''resources:
  rbac:
    type: OS::Neutron::RBACPolicy
    properties:
      object_type: network
      object_id: 0bd2ec8b-1e94-4f35-9bd5-5c0f82c7d8b5
      action: access_as_shared
      target_tenant: "*"
'''


class CasesTest(fixtures.ProjectTestCase):
    """The four shapes the store used to refuse though Heat builds them."""

    def publish(self, body, name='t'):
        status, answer = self.call('POST', '/stored_templates',
                                   {'name': name})
        self.assertEqual(201, status, answer)
        status, answer = self.call(
            'POST', '/stored_templates/%s/versions' % name,
            dict(body, version='1.0.0'))
        return status, answer

    def build(self, template, version='1.0.0', outputs=None):
        """A stack of one OS::Heat::StoredTemplate; its outputs."""
        stack = 's-%s' % uuid.uuid4().hex[:8]
        body = {'stack_name': stack, 'template': {
            'heat_template_version': '2018-08-31',
            'resources': {'r': {'type': 'OS::Heat::StoredTemplate',
                                'properties': {'template': template,
                                               'version': version}}},
            'outputs': {name: {'value': {'get_attr': ['r', 'outputs', name]}}
                        for name in outputs or []}}}
        res = self.request('POST', '/stacks', json.dumps(body).encode(),
                           headers={'X-Auth-User': self.USER,
                                    'X-Auth-Key': 'secret'})
        self.assertEqual(201, res.status_int, res.body)
        path = '/stacks/%s/%s' % (stack, json.loads(res.body)['stack']['id'])
        shown = self.wait_stack(path)
        self.assertEqual('CREATE_COMPLETE', shown['stack_status'],
                         shown['stack_status_reason'])
        return {o['output_key']: o['output_value']
                for o in shown.get('outputs') or []}

    def test_child_if_reads_a_parameter_its_parent_passes(self):
        status, answer = self.publish({
            'template': PASS_PREFIX, 'files': {'child.yaml': CHILD_IF}})
        self.assertEqual(201, status, answer)
        self.assertEqual([], answer['stored_template_version']['warnings'])

    def test_missing_service_is_a_warning_whatever_the_type_asks_first(self):
        # Heat reads RBACPolicy's properties before it checks its service.
        status, answer = self.publish({'template': RBAC})
        self.assertEqual(201, status, answer)
        warnings = answer['stored_template_version']['warnings']
        self.assertEqual(1, len(warnings), warnings)
        self.assertRegex(warnings[0], r'^HEAT-E99001 Service neutron is not '
                         r'available for resource type '
                         r'OS::Neutron::RBACPolicy')

    def test_missing_services_in_children_each_warned(self):
        child = HOT + 'resources:\n  vm:\n    type: OS::Nova::Server\n' \
            '    properties: {image: cirros, flavor: m1.tiny}\n'
        status, answer = self.publish({
            'template': RBAC + '  c: {type: child.yaml}\n',
            'files': {'child.yaml': child}})
        self.assertEqual(201, status, answer)
        warnings = answer['stored_template_version']['warnings']
        self.assertEqual(2, len(warnings), warnings)
        self.assertIn('OS::Neutron::RBACPolicy', warnings[0])
        self.assertIn('OS::Nova::Server', warnings[1])

    def test_strict_refuses_a_missing_service(self):
        status, answer = self.publish({'template': RBAC, 'strict': True})
        self.assertEqual(400, status, answer)
        self.assertIn('OS::Neutron::RBACPolicy', answer['error']['message'])

    def test_zero_count_group_of_an_unknown_type(self):
        status, answer = self.publish({
            'template': _root(_group(0, 'OS::Nowhere::Thing'))})
        self.assertEqual(201, status, answer)

    def test_group_of_an_unknown_type_refused(self):
        status, answer = self.publish({
            'template': _root(_group(1, 'OS::Nowhere::Thing'))})
        self.assertEqual(400, status, answer)
        self.assertIn('OS::Nowhere::Thing', answer['error']['message'])

    def test_child_error_names_the_child(self):
        status, answer = self.publish({
            'template': _root('  c: {type: child.yaml}\n'),
            'files': {'child.yaml': _root(
                '  x: {type: OS::Nowhere::Thing}\n')}})
        self.assertEqual(400, status, answer)
        self.assertRegex(answer['error']['message'],
                         r'child\.yaml: .*OS::Nowhere::Thing')

    def test_absolute_get_file_builds_the_same_content(self):
        script = '#!/bin/sh\necho one\n'
        child = _root(VALUE % ('v', '{get_file: /cfg1.sh}'))
        status, answer = self.publish({
            'template': _root(VALUE % ('v', '{get_file: /cfg1.sh}') +
                              '  c: {type: sub/child.yaml}\n') +
            'outputs:\n  root: {value: {get_attr: [v, value]}}\n'
            '  child: {value: {get_attr: [c, v]}}\n',
            'files': {'/cfg1.sh': script, 'sub/child.yaml': child + (
                'outputs:\n  v: {value: {get_attr: [v, value]}}\n')}})
        self.assertEqual(201, status, answer)
        _s, shown = self.call('GET', '/stored_templates/t/versions/1.0.0')
        version = shown['stored_template_version']
        self.assertEqual(['cfg1.sh', 'sub/child.yaml'],
                         sorted(version['files']))
        self.assertEqual(script, version['files']['cfg1.sh'])
        self.assertEqual({'root': script, 'child': script},
                         self.build('t', outputs=['root', 'child']))

    def test_absolute_key_beside_another_file_of_its_name_refused(self):
        status, answer = self.publish({
            'template': _root(VALUE % ('v', '{get_file: /cfg1.sh}')),
            'files': {'/cfg1.sh': 'one', 'cfg1.sh': 'two'}})
        self.assertEqual(400, status, answer)
        self.assertIn("'/cfg1.sh' and 'cfg1.sh'", answer['error']['message'])
