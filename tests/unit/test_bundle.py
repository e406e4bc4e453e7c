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

"""Tests of bundle parsing, canonical form, references and interface."""

import hashlib
import json
import os

import fixtures
from oslo_config import fixture as config_fixture

from heat_store.bundle import canonical as bundle_canonical
from heat_store.bundle import engine as bundle_engine
from heat_store.bundle import file_references as bundle_file_references
from heat_store.bundle import interface as bundle_interface
from heat_store.bundle import parse as bundle_parse
from heat_store.client import bundle as client_bundle
from heat_store import exception
from heat_store import references
from tests import base

ROOT_YAML = """
heat_template_version: 2018-08-31
description: A server with a script
parameters:
  flavor:
    type: string
    default: m1.small
    label: Flavor
    description: The flavor of the server
  image:
    type: string
resources:
  server:
    type: OS::Nova::Server
    properties:
      flavor: {get_param: flavor}
      image: {get_param: image}
      user_data: {get_file: scripts/boot.sh}
outputs:
  ip:
    description: The address
    value: {get_attr: [server, first_address]}
"""

ROOT_DICT = {
    'heat_template_version': '2018-08-31',
    'description': 'A server with a script',
    'parameters': {
        'image': {'type': 'string'},
        'flavor': {'type': 'string', 'default': 'm1.small',
                   'label': 'Flavor',
                   'description': 'The flavor of the server'},
    },
    'resources': {
        'server': {
            'type': 'OS::Nova::Server',
            'properties': {
                'flavor': {'get_param': 'flavor'},
                'image': {'get_param': 'image'},
                'user_data': {'get_file': 'scripts/boot.sh'},
            },
        },
    },
    'outputs': {
        'ip': {'description': 'The address',
               'value': {'get_attr': ['server', 'first_address']}},
    },
}

HOT = 'heat_template_version: 2018-08-31\n'


def _alias_bomb(header=HOT, indent=''):
    """About 500 bytes of nested aliases that expand to 9**9 strings."""
    strings = ','.join(['"%s"' % ('lol' * 5)] * 9)
    lines = [header, '%sa: &a [%s]\n' % (indent, strings)]
    previous = 'a'
    for name in 'bcdefghi':
        lines.append('%s%s: &%s [%s]\n' % (indent, name, name,
                                           ','.join(['*' + previous] * 9)))
        previous = name
    return ''.join(lines)


class ExpansionTest(base.BaseTestCase):

    def test_alias_bomb_refused_before_parsing(self):
        # NOTE: Heat's default; the API tests lower it in the same process.
        self.useFixture(config_fixture.Config()).config(
            max_template_size=524288)
        bomb = _alias_bomb()
        self.assertLess(len(bomb), 600)
        # Heat's parser (which would expand it) is never reached.
        heat_parse = self.useFixture(fixtures.MockPatch(
            'heat.common.template_format.parse')).mock
        error = self.assertRaises(
            exception.InvalidBundle,
            bundle_parse.parse_template, bomb, 'bomb.yaml')
        heat_parse.assert_not_called()
        self.assertIn('bomb.yaml expands its YAML aliases to more than '
                      '524288 characters', str(error))

    def test_alias_bomb_in_environment_refused(self):
        bomb = _alias_bomb('parameter_defaults:\n  x:\n', '    ')
        error = self.assertRaises(
            exception.InvalidBundle,
            bundle_parse.parse_environment, bomb, 'env.yaml')
        self.assertIn('env.yaml expands its YAML aliases', str(error))

    def test_harmless_anchor_accepted(self):
        text = HOT + (
            'resources:\n'
            '  a:\n'
            '    type: OS::Heat::None\n'
            '    properties: &props {value: 1, list: [1, 2, 3]}\n'
            '  b:\n'
            '    type: OS::Heat::None\n'
            '    properties: *props\n')
        template = bundle_parse.parse_template(text, 't.yaml')
        self.assertEqual(template['resources']['a']['properties'],
                         template['resources']['b']['properties'])

    def test_limit_follows_max_template_size(self):
        conf = self.useFixture(config_fixture.Config())
        text = HOT + 'a: &a [%s]\nb: [*a, *a, *a, *a]\n' % ','.join(
            ['1'] * 100)
        bundle_parse.parse_template(text, 't.yaml')
        conf.config(max_template_size=400)
        error = self.assertRaises(exception.InvalidBundle,
                                  bundle_parse.parse_template, text,
                                  't.yaml')
        self.assertIn('more than 400 characters', str(error))

    def test_long_string_repeated_by_aliases_refused(self):
        conf = self.useFixture(config_fixture.Config())
        conf.config(max_template_size=10000)
        text = HOT + 'a: &a %s\nb: [%s]\n' % (
            'x' * 1000, ', '.join(['*a'] * 20))
        self.assertLess(len(text), 10000)
        error = self.assertRaises(exception.InvalidBundle,
                                  bundle_parse.parse_template, text,
                                  't.yaml')
        self.assertIn('more than 10000 characters', str(error))

    def test_recursive_alias_refused(self):
        error = self.assertRaises(exception.InvalidBundle,
                                  bundle_parse.parse_template,
                                  HOT + 'a: &a [1, *a]\n', 'loop.yaml')
        self.assertIn('loop.yaml', str(error))
        self.assertIn('recursive', str(error))

    def test_syntax_error_names_file_and_position(self):
        error = self.assertRaises(exception.InvalidBundle,
                                  bundle_parse.parse_template,
                                  HOT + 'resources: [a, b\n', 'bad.yaml')
        self.assertIn('bad.yaml', str(error))
        self.assertIn('line 3, column 1', str(error))

    def test_json_passes(self):
        text = json.dumps(ROOT_DICT, indent='\t')
        self.assertEqual(ROOT_DICT, bundle_parse.parse_template(text,
                                                                'r.json'))


class ParseTest(base.BaseTestCase):

    def test_yaml(self):
        self.assertEqual(ROOT_DICT,
                         bundle_parse.parse_template(ROOT_YAML, 'root.yaml'))

    def test_dict_taken_as_is(self):
        self.assertIs(ROOT_DICT, bundle_parse.parse_template(ROOT_DICT,
                                                             'root'))

    def test_heat_errors_name_the_file(self):
        for text, message in (
                ('resources: {}\n', 'Template format version not found'),
                ('[1, 2]\n', 'not a JSON object or YAML mapping')):
            error = self.assertRaises(exception.InvalidBundle,
                                      bundle_parse.parse_template, text,
                                      'nested/a.yaml')
            self.assertIn('nested/a.yaml', str(error))
            self.assertIn(message, str(error))

    def test_not_text(self):
        self.assertRaises(exception.InvalidBundle,
                          bundle_parse.parse_template, ['x'], 'x.yaml')

    def test_size_limit(self):
        self.useFixture(config_fixture.Config()).config(
            max_template_size=100)
        error = self.assertRaises(exception.InvalidBundle,
                                  bundle_parse.parse_template, ROOT_YAML,
                                  'root.yaml')
        self.assertIn('root.yaml', str(error))
        self.assertIn('exceeds maximum allowed size', str(error))
        error = self.assertRaises(
            exception.InvalidBundle,
            bundle_parse.parse_template, ROOT_DICT, 'root')
        self.assertIn('more than the 100 bytes allowed', str(error))

    def test_environment(self):
        self.assertEqual({}, bundle_parse.parse_environment(None))
        env = {'parameter_defaults': {'image': 'cirros'}}
        self.assertEqual(env, bundle_parse.parse_environment(
            'parameter_defaults:\n  image: cirros\n'))
        self.assertEqual(env, bundle_parse.parse_environment(env))

    def test_environment_errors(self):
        for env in ('wrong_section: {}\n', {'wrong_section': {}},
                    'parameters: [1\n', '[1]\n', 42):
            error = self.assertRaises(exception.InvalidBundle,
                                      bundle_parse.parse_environment, env,
                                      'my-env.yaml')
            self.assertIn('my-env.yaml', str(error))


class DigestTest(base.BaseTestCase):

    files = {'scripts/boot.sh': '#!/bin/sh\necho h\u00e9llo\n'}
    env = {'parameter_defaults': {'image': 'cirros'}}

    def test_dict_and_yaml_forms_agree(self):
        parsed = bundle_parse.parse_template(ROOT_YAML, 'root.yaml')
        env = bundle_parse.parse_environment(
            'parameter_defaults: {image: cirros}')
        self.assertEqual(bundle_canonical.digest(ROOT_DICT, self.files,
                                                 self.env),
                         bundle_canonical.digest(parsed, self.files, env))

    def test_key_order_does_not_matter(self):
        reordered = json.loads(json.dumps(ROOT_DICT, sort_keys=True))
        reordered = dict(reversed(list(reordered.items())))
        self.assertEqual(
            bundle_canonical.canonical_bytes(ROOT_DICT, self.files, self.env),
            bundle_canonical.canonical_bytes(reordered, dict(self.files),
                                             self.env))

    def test_format(self):
        data = bundle_canonical.canonical_bytes({'b': 1, 'a': '\u00e9'}, {},
                                                None)
        self.assertEqual(
            '{"environment":{},"files":{},"template":{"a":"\u00e9","b":1}}'
            .encode('utf-8'), data)
        value = bundle_canonical.digest({'b': 1, 'a': '\u00e9'}, {}, None)
        self.assertEqual('sha256:' + hashlib.sha256(data).hexdigest(), value)
        self.assertEqual(value, bundle_canonical.digest_of(data))

    def test_any_change_changes_the_digest(self):
        base_digest = bundle_canonical.digest(ROOT_DICT, self.files, self.env)
        changed_file = {'scripts/boot.sh': 'echo bye\n'}
        changed_env = {'parameter_defaults': {'image': 'fedora'}}
        changed_template = dict(ROOT_DICT, description='other')
        digests = {
            bundle_canonical.digest(changed_template, self.files, self.env),
            bundle_canonical.digest(ROOT_DICT, changed_file, self.env),
            bundle_canonical.digest(ROOT_DICT, self.files, changed_env),
            bundle_canonical.digest(ROOT_DICT, self.files, None),
        }
        self.assertEqual(4, len(digests))
        self.assertNotIn(base_digest, digests)

    def test_the_client_computes_the_digest_the_server_gives(self):
        # sync compares a tag with a stored version by this digest.
        top = self.useFixture(fixtures.TempDir()).path
        for path, text in (('root.yaml', ROOT_YAML),
                           ('scripts/boot.sh', self.files['scripts/boot.sh']),
                           ('env.yaml', 'parameter_defaults: {image: a}\n'
                                        'resource_registry: {}\n')):
            os.makedirs(os.path.dirname(os.path.join(top, path)),
                        exist_ok=True)
            with open(os.path.join(top, path), 'w') as f:
                f.write(text)
        loaded = client_bundle.load(os.path.join(top, 'root.yaml'),
                                    [os.path.join(top, 'env.yaml')])
        sent = json.loads(json.dumps(loaded.fields()))
        self.assertEqual(
            bundle_canonical.digest(
                bundle_parse.parse_template(sent['template'], 't'),
                bundle_file_references.normalise_files(sent['files']),
                bundle_parse.parse_environment(sent['environment'])),
            loaded.digest())

    def test_templates_by_their_form_other_files_by_their_bytes(self):
        root = {'heat_template_version': '2018-08-31', 'resources': {
            'a': {'type': 'tiers/a.yaml'}, 'm': {'type': 'My::M'}}}
        env = {'resource_registry': {'My::M': 'm.yaml'}}
        child = ('heat_template_version: 2018-08-31\n# a comment\n'
                 'resources:\n  n: {type: n.yaml}\n'
                 '  d: {type: OS::Heat::Value, properties: '
                 '{value: {get_file: data.yaml}}}\n')
        files = {'tiers/a.yaml': child,
                 'tiers/n.yaml': 'heat_template_version: 2018-08-31\n',
                 'm.yaml': 'heat_template_version: 2018-08-31\n',
                 'tiers/data.yaml': '#cloud-config\npackages: [a]\n'}
        self.assertEqual(
            {'tiers/a.yaml', 'tiers/n.yaml', 'm.yaml'},
            set(references.template_keys(
                root, files, env,
                lambda key: bundle_parse.parse_file(files[key], key))))
        digest = bundle_canonical.digest(root, files, env)
        # Comments, flow maps, JSON and the spelling of a reference: one
        # digest (n.yaml named by its key, relative to nothing).
        same = dict(files, **{
            'tiers/a.yaml': json.dumps(references.rewrite(
                bundle_parse.parse_file(child, 'a'),
                lambda v: {'n.yaml': 'tiers/n.yaml',
                           'data.yaml': 'tiers/data.yaml'}.get(v)),
                indent=2),
            'm.yaml': '{"heat_template_version": "2018-08-31"}'})
        self.assertEqual(digest, bundle_canonical.digest(root, same, env))
        # The data file's bytes count, though it parses as YAML.
        data = dict(files, **{'tiers/data.yaml': '{"packages": ["a"]}'})
        self.assertNotEqual(digest, bundle_canonical.digest(root, data, env))

    def test_rebase_keeps_a_data_file_that_parses_as_yaml(self):
        text = '#cloud-config\npackages: [a]\n'
        root = {'heat_template_version': '2018-08-31', 'resources': {
            'c': {'type': 'file:///src/c.yaml'},
            'd': {'type': 'OS::Heat::Value',
                  'properties': {'value': {'get_file':
                                           'file:///src/data.yaml'}}}}}
        files = {'file:///src/c.yaml': 'heat_template_version: 2018-08-31'
                                       '\n# a comment\n',
                 'file:///src/data.yaml': text}
        _root, stored, _env = references.rebase(
            root, files, {}, lambda t: bundle_parse.parse_file(t, 'f'))
        self.assertEqual(text, stored['data.yaml'])
        self.assertEqual('{"heat_template_version":"2018-08-31"}',
                         stored['c.yaml'])

    def test_files_stay_text(self):
        files = {'a.yaml': 'b: 1\n'}
        data = json.loads(bundle_canonical.canonical_bytes({}, files, {}))
        self.assertEqual(files, data['files'])

    def test_unserialisable(self):
        self.assertRaises(exception.InvalidBundle,
                          bundle_canonical.canonical_bytes, {'a': {1,
                                                                   2}}, {}, {})


class PathTest(base.BaseTestCase):

    def test_normalise(self):
        self.assertEqual('a/b.yaml',
                         bundle_file_references.normalise_path('./a/b.yaml'))
        self.assertEqual('b.yaml',
                         bundle_file_references.normalise_path('a/../b.yaml'))
        self.assertEqual('a/b.yaml',
                         bundle_file_references.normalise_path('a//b.yaml'))
        self.assertEqual('a.yaml',
                         bundle_file_references.normalise_path('a.yaml'))

    def test_keys_may_climb(self):
        self.assertEqual('../a.yaml',
                         bundle_file_references.normalise_path('../a.yaml'))
        self.assertEqual(
            '../b.yaml',
            bundle_file_references.normalise_path('a/../../b.yaml'))
        self.assertEqual(
            '../../c/f.yaml',
            bundle_file_references.normalise_path('../x/../../c/./f.yaml'))

    def test_refused(self):
        for path in ('', '/etc/passwd', 'file:///etc/passwd',
                     'http://example.com/a.yaml', '..', '../..',
                     'a/../..', 'a\\b.yaml', '.', 'a/..',
                     'x' * 256, 'a\nb', None):
            error = self.assertRaises(
                exception.InvalidBundle,
                bundle_file_references.normalise_path, path)
            self.assertIn(str(path)[:20], str(error))

    def test_longest(self):
        self.assertEqual('x' * 255,
                         bundle_file_references.normalise_path('x' * 255))

    def test_normalise_files(self):
        self.assertEqual(
            {'a/b.yaml': 'x'},
            bundle_file_references.normalise_files({'./a/b.yaml': 'x'}))
        self.assertEqual({}, bundle_file_references.normalise_files(None))
        for files in ({'a.yaml': 'x', './a.yaml': 'y'}, {'a.yaml': 1},
                      ['a.yaml']):
            self.assertRaises(exception.InvalidBundle,
                              bundle_file_references.normalise_files, files)


class ReferencesTest(base.BaseTestCase):

    def test_template_references(self):
        template = {
            'heat_template_version': '2018-08-31',
            'resources': {
                'server': {
                    'type': 'OS::Nova::Server',
                    'properties': {
                        'user_data': {'str_replace': {
                            'template': {'get_file': 'boot.sh'},
                            'params': {}}},
                        'personality': [{'get_file': 'a.txt'},
                                        {'get_file': 'boot.sh'}],
                    },
                },
                'net': {'type': 'lib/net.yaml'},
                'vol': {'type': 'volume.template'},
                'group': {
                    'type': 'OS::Heat::ResourceGroup',
                    'properties': {'resource_def': {'type': 'member.yml'}},
                },
                'chain': {
                    'type': 'OS::Heat::ResourceChain',
                    'properties': {'resources': ['c1.yaml', 'OS::Heat::None']},
                },
            },
        }
        get_files, types = bundle_file_references.template_references(template)
        self.assertEqual(['boot.sh', 'a.txt'], get_files)
        self.assertEqual(['lib/net.yaml', 'volume.template', 'member.yml',
                          'c1.yaml'], types)

    def test_cfn_references(self):
        template = {
            'AWSTemplateFormatVersion': '2010-09-09',
            'Resources': {
                'Nested': {'Type': 'nested.json',
                           'Properties': {'Data': {'get_file': 'd.txt'}}},
                'Server': {'Type': 'AWS::EC2::Instance'},
            },
        }
        self.assertEqual((['d.txt'], ['nested.json']),
                         bundle_file_references.template_references(template))

    def test_environment_references(self):
        env = {'resource_registry': {
            'My::Server': 'lib/server.yaml',
            'My::Alias': 'OS::Nova::Server',
            'resources': {'db': {'My::Server': 'db.yaml',
                                 'hooks': 'pre-create'}},
        }}
        self.assertEqual(['lib/server.yaml', 'db.yaml'],
                         bundle_file_references.environment_references(env))
        self.assertEqual([], bundle_file_references.environment_references({}))
        self.assertEqual([],
                         bundle_file_references.environment_references(None))

    def test_check_references_follows_children(self):
        root = {
            'heat_template_version': '2018-08-31',
            'resources': {
                'a': {'type': 'nested/a.yaml',
                      'properties': {'x': {'get_file': 'top.sh'}}},
                'custom': {'type': 'My::Thing'},
            },
        }
        files = {
            'top.sh': '',
            'nested/a.yaml': HOT + (
                'resources:\n'
                '  b: {type: b.yaml}\n'
                '  c: {type: ../c.yaml}\n'
                '  s:\n'
                '    type: OS::Heat::SoftwareConfig\n'
                '    properties: {config: {get_file: script.sh}}\n'),
            'nested/b.yaml': HOT + (
                'resources:\n'
                '  a: {type: a.yaml}\n'),
            'nested/script.sh': '',
            'c.yaml': HOT,
            'thing.yaml': HOT + 'outputs: {o: {value: {get_file: top.sh}}}\n',
        }
        env = {'resource_registry': {'My::Thing': 'thing.yaml'}}
        self.assertEqual(
            ['thing.yaml', 'nested/a.yaml', 'nested/b.yaml', 'c.yaml'],
            list(bundle_engine.check_references(root, files, env)))

    def test_exact_key_accepted(self):
        files = {'nested/a.yaml': HOT + (
            'resources:\n'
            '  s:\n'
            '    type: OS::Heat::SoftwareConfig\n'
            '    properties: {config: {get_file: script.sh}}\n'),
            'script.sh': ''}
        root = dict(HOT_ROOT, resources={'a': {'type': 'nested/a.yaml'}})
        self.assertEqual(['nested/a.yaml'],
                         list(bundle_engine.check_references(root, files)))

    def test_missing_file(self):
        root = bundle_parse.parse_template(ROOT_YAML, 'root.yaml')
        error = self.assertRaises(
            exception.InvalidBundle,
            bundle_engine.check_references, root, {}, None)
        self.assertIn("root template refers to 'scripts/boot.sh' at "
                      "resources.server.properties.user_data, which is not "
                      "in files", str(error))

    def test_missing_in_child(self):
        root = dict(HOT_ROOT, resources={'a': {'type': 'nested/a.yaml'}})
        files = {'nested/a.yaml': HOT + (
            'resources:\n'
            '  s:\n'
            '    type: OS::Heat::SoftwareConfig\n'
            '    properties:\n'
            '      config: {get_file: script.sh}\n'),
            'scripts.sh': ''}
        error = self.assertRaises(exception.InvalidBundle,
                                  bundle_engine.check_references, root, files)
        self.assertIn("nested/a.yaml refers to 'script.sh' at "
                      "resources.s.properties.config", str(error))

    def test_missing_registry_target(self):
        env = {'resource_registry': {'My::X': 'x.yaml'}}
        error = self.assertRaises(
            exception.InvalidBundle,
            bundle_engine.check_references, HOT_ROOT, {}, env)
        self.assertIn("environment refers to 'x.yaml' at "
                      "resource_registry.My::X", str(error))

    def test_urls_refused(self):
        for ref in ('http://example.com/a.yaml', 'file:///etc/passwd'):
            root = dict(HOT_ROOT, resources={'a': {'type': ref}})
            error = self.assertRaises(exception.InvalidBundle,
                                      bundle_engine.check_references, root,
                                      {ref: HOT})
            self.assertIn('URL', str(error))
            root = dict(HOT_ROOT, outputs={'o': {'value': {'get_file': ref}}})
            error = self.assertRaises(exception.InvalidBundle,
                                      bundle_engine.check_references, root, {})
            self.assertIn("the URL '%s' at outputs.o.value" % ref,
                          str(error))

    def test_climbing_references(self):
        # A child in a sibling folder, and its script two levels up.
        root = dict(HOT_ROOT, resources={'a': {'type': '../lib/a.yaml'}})
        child = dict(HOT_ROOT, outputs={
            'o': {'value': {'get_file': '../../scripts/s.sh'}}})
        files = {'../lib/a.yaml': json.dumps(child),
                 '../../scripts/s.sh': 'echo\n'}
        self.assertEqual(['../lib/a.yaml'],
                         list(bundle_engine.check_references(root, files)))

    def test_climbing_to_a_missing_file_refused(self):
        root = dict(HOT_ROOT, resources={'a': {'type': '../a.yaml'}})
        error = self.assertRaises(exception.InvalidBundle,
                                  bundle_engine.check_references, root,
                                  {'a.yaml': HOT})
        self.assertIn("root template refers to '../a.yaml' at "
                      "resources.a.type, which is not in files", str(error))

    def test_bad_child_named(self):
        root = dict(HOT_ROOT, resources={'a': {'type': 'a.yaml'}})
        error = self.assertRaises(exception.InvalidBundle,
                                  bundle_engine.check_references, root,
                                  {'a.yaml': _alias_bomb()})
        self.assertIn('a.yaml', str(error))

    def test_children_from_the_trees_are_not_parsed_again(self):
        files = {'a.yaml': HOT + 'resources:\n  b: {type: b.yaml}\n',
                 'b.yaml': HOT, 'lib/t.yaml': HOT, 'notes.txt': 'hello'}
        root = dict(HOT_ROOT, resources={'a': {'type': 'a.yaml'}})
        env = {'resource_registry': {'My::T': 'lib/t.yaml'}}
        trees = bundle_parse.check_files(files)
        parsed = self.useFixture(fixtures.MockPatchObject(
            bundle_parse.parsing, 'load', side_effect=(
                bundle_parse.parsing.load)))
        children = bundle_engine.check_references(root, files, env, trees)
        self.assertFalse(parsed.mock.called)
        self.assertEqual(bundle_engine.check_references(root, files, env),
                         children)
        self.assertTrue(parsed.mock.called)

    def test_a_child_from_the_trees_is_refused_as_a_parsed_one(self):
        root = dict(HOT_ROOT, resources={'a': {'type': 'a.yaml'}})
        for child, message in (
                # No JSON form: .nan and .inf pass the gate, not the store.
                (HOT + 'outputs: {o: {value: [.nan, -.inf]}}\n',
                 'a.yaml cannot be stored as JSON'),
                # Not a template: check_files keeps it as no tree.
                ('resources: {}\n', 'Template format version not found'),
                ('a: [b\n', 'a.yaml is not valid YAML at line 2')):
            for how in ({'trees': bundle_parse.check_files({'a.yaml':
                                                            child})}, {}):
                error = self.assertRaises(
                    exception.InvalidBundle, bundle_engine.check_references,
                    root, {'a.yaml': child}, None, **how)
                self.assertIn(message, str(error))


HOT_ROOT = {'heat_template_version': '2018-08-31'}


class InterfaceTest(base.BaseTestCase):

    def test_hot(self):
        self.assertEqual({
            'parameters': {
                'flavor': {'type': 'string', 'default': 'm1.small',
                           'label': 'Flavor',
                           'description': 'The flavor of the server'},
                'image': {'type': 'string'},
            },
            'outputs': {'ip': {'description': 'The address'}},
        }, bundle_interface.interface(ROOT_DICT))

    def test_cfn(self):
        template = {
            'AWSTemplateFormatVersion': '2010-09-09',
            'Parameters': {'KeyName': {'Type': 'String',
                                       'Description': 'A key'},
                           'Size': {'Type': 'Number', 'Default': 1}},
            'Outputs': {'Ip': {'Value': 'x', 'Description': 'The IP'},
                        'Id': {'Value': 'y'}},
        }
        self.assertEqual({
            'parameters': {'KeyName': {'type': 'String',
                                       'description': 'A key'},
                           'Size': {'type': 'Number', 'default': 1}},
            'outputs': {'Ip': {'description': 'The IP'}, 'Id': {}},
        }, bundle_interface.interface(template))

    def test_empty(self):
        self.assertEqual({'parameters': {}, 'outputs': {}},
                         bundle_interface.interface(HOT_ROOT))


class InterfaceBreaksTest(base.BaseTestCase):

    old = {
        'parameters': {'image': {'type': 'string'},
                       'flavor': {'type': 'string', 'default': 'm1'},
                       'count': {'type': 'number', 'default': 1}},
        'outputs': {'ip': {}, 'id': {'description': 'd'}},
    }

    def _new(self, **changes):
        new = json.loads(json.dumps(self.old))
        for section, value in changes.items():
            new[section] = value
        return new

    def test_compatible(self):
        self.assertEqual([], bundle_interface.interface_breaks(self.old,
                                                               self.old))
        new = self._new(parameters=dict(
            self.old['parameters'], extra={'type': 'string', 'default': ''}),
            outputs=dict(self.old['outputs'], more={}))
        new['parameters']['image']['description'] = 'changed'
        self.assertEqual([], bundle_interface.interface_breaks(self.old, new))

    def test_all_breaks(self):
        new = self._new(
            parameters={'image': {'type': 'json'},
                        'count': {'type': 'number'},
                        'key': {'type': 'string'}},
            outputs={'ip': {}})
        self.assertEqual([
            "parameter 'count' no longer has a default",
            "parameter 'flavor' was removed",
            "parameter 'image' changed type from 'string' to 'json'",
            "new parameter 'key' has no default",
            "output 'id' was removed",
        ], bundle_interface.interface_breaks(self.old, new))

    def test_parameter_defaults_count_as_default(self):
        new = self._new(parameters=dict(
            self.old['parameters'], key={'type': 'string'},
            count={'type': 'number'}))
        self.assertEqual(
            ["parameter 'count' no longer has a default",
             "new parameter 'key' has no default"],
            bundle_interface.interface_breaks(self.old, new))
        self.assertEqual([], bundle_interface.interface_breaks(
            self.old, new, {'key': 'k', 'count': 2}))

    def test_cfn_and_hot_type_names_agree(self):
        old = {'parameters': {'l': {'type': 'CommaDelimitedList'},
                              's': {'type': 'String'}}}
        new = {'parameters': {'l': {'type': 'comma_delimited_list'},
                              's': {'type': 'string'}}}
        self.assertEqual([], bundle_interface.interface_breaks(old, new))

    def test_from_templates(self):
        old = bundle_interface.interface(ROOT_DICT)
        new_template = json.loads(json.dumps(ROOT_DICT))
        del new_template['outputs']['ip']
        new_template['parameters']['network'] = {'type': 'string'}
        self.assertEqual(
            ["new parameter 'network' has no default",
             "output 'ip' was removed"],
            bundle_interface.interface_breaks(
                old, bundle_interface.interface(new_template)))


class EngineBundleTest(base.BaseTestCase):
    """References relative to a child are rewritten to bundle keys."""

    def test_child_references_become_keys(self):
        files = {
            'nested/a.yaml': HOT + (
                'resources:\n'
                '  cfg:\n'
                '    type: OS::Heat::SoftwareConfig\n'
                '    properties: {config: {get_file: script.sh}}\n'
                '  b: {type: b.yaml}\n'),
            'nested/b.yaml': HOT,
            'nested/script.sh': 'echo hi',
        }
        root = dict(HOT_ROOT, resources={'a': {'type': 'nested/a.yaml'}})
        children = bundle_engine.check_references(root, files)
        tmpl, engine_files, env, engine_children = bundle_engine.engine_bundle(
            root, files, {}, children)
        self.assertEqual('nested/a.yaml', tmpl['resources']['a']['type'])
        child = json.loads(engine_files['nested/a.yaml'])
        self.assertEqual({'get_file': 'nested/script.sh'},
                         child['resources']['cfg']['properties']['config'])
        self.assertEqual('nested/b.yaml', child['resources']['b']['type'])
        self.assertEqual(child, engine_children['nested/a.yaml'])
        self.assertEqual('echo hi', engine_files['nested/script.sh'])
        # The stored bundle itself is not changed.
        self.assertIn('get_file: script.sh', files['nested/a.yaml'])

    def test_registry_targets_become_keys(self):
        files = {'lib/thing.yaml': HOT}
        env = {'resource_registry': {'My::Thing': './lib/thing.yaml'}}
        children = bundle_engine.check_references(HOT_ROOT, files, env)
        _t, _f, engine_env, _c = bundle_engine.engine_bundle(
            HOT_ROOT, files, env, children)
        self.assertEqual('lib/thing.yaml',
                         engine_env['resource_registry']['My::Thing'])

    def test_resource_types_leave_out_files(self):
        root = dict(HOT_ROOT, resources={
            'a': {'type': 'nested/a.yaml'},
            'r': {'type': 'OS::Heat::RandomString'},
            's': {'type': 'OS::Nova::Server'}})
        self.assertEqual(['OS::Heat::RandomString', 'OS::Nova::Server'],
                         bundle_file_references.resource_types(root))
