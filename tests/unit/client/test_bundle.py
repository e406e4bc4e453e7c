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

"""The client's bundler: root-relative paths, one environment, round trips."""

import json
import os
import shlex
import shutil
import subprocess
from unittest import mock

import fixtures

from heat_store.client import bundle
from heat_store.client import errors
from heat_store.client import shell
from heat_store.osc import stored_template as osc_template
from tests import base

ROOT = """
heat_template_version: 2018-08-31
parameters:
  greeting: {type: string, default: hi}
resources:
  boot:
    type: OS::Heat::Value
    properties:
      value: {get_file: scripts/boot.sh}
  child:
    type: nested/child.yaml
  mapped:
    type: My::Mapped
"""

CHILD = """
heat_template_version: 2018-08-31
resources:
  own:
    type: OS::Heat::Value
    properties:
      value: {get_file: data.txt}
  shared:
    type: OS::Heat::Value
    properties:
      value: {get_file: ../scripts/boot.sh}
"""

MAPPED = """
heat_template_version: 2018-08-31
resources: {}
"""

ENV_BASE = """
resource_registry:
  My::Mapped: ../mapped.yaml
parameter_defaults:
  greeting: hello
  size: 1
"""

ENV_OVERRIDE = """
parameter_defaults:
  size: 2
"""


class BundleTestCase(base.BaseTestCase):
    def setUp(self):
        super().setUp()
        self.tmp = self.useFixture(fixtures.TempDir()).path

    def tree(self, files, where='src'):
        top = os.path.join(self.tmp, where)
        for path, text in files.items():
            full = os.path.join(top, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, 'w') as f:
                f.write(text)
        return top

    def source(self, where='src'):
        return self.tree({
            'web.yaml': ROOT, 'scripts/boot.sh': '#!/bin/sh\necho hi\n',
            'nested/child.yaml': CHILD, 'nested/data.txt': 'data\n',
            'mapped.yaml': MAPPED, 'envs/base.yaml': ENV_BASE,
            'envs/override.yaml': ENV_OVERRIDE}, where)

    def load(self, top):
        return bundle.load(os.path.join(top, 'web.yaml'),
                           [os.path.join(top, 'envs/base.yaml'),
                            os.path.join(top, 'envs/override.yaml')])


class TextsTest(BundleTestCase):
    """The texts as written travel beside the stored forms."""

    def test_root_children_and_one_environment_as_written(self):
        top = self.source()
        loaded = bundle.load(os.path.join(top, 'web.yaml'),
                             [os.path.join(top, 'envs/base.yaml')])
        body = loaded.version_fields()
        self.assertEqual(ROOT, body['template_text'])
        self.assertEqual(ENV_BASE, body['environment_text'])
        # The children heatclient rewrote, read again as written.
        self.assertEqual({'nested/child.yaml': CHILD,
                          'mapped.yaml': MAPPED}, body['files_text'])
        # The stored forms are untouched by the texts: the same digest.
        self.assertEqual(self.load(top).template, loaded.template)
        self.assertNotIn('template_text', loaded.fields())

    def test_merged_environments_have_no_text(self):
        body = self.load(self.source()).version_fields()
        self.assertNotIn('environment_text', body)
        self.assertEqual(ROOT, body['template_text'])

    def test_a_template_alone_has_its_text(self):
        top = self.tree({'one.yaml': MAPPED})
        body = bundle.load(os.path.join(top, 'one.yaml')).version_fields()
        self.assertEqual(MAPPED, body['template_text'])
        self.assertNotIn('files_text', body)

    def test_download_writes_the_texts_kept(self):
        version = mock.Mock(
            template_name='web', version='1.0.0', digest='sha256:x',
            template={'heat_template_version': '2018-08-31'},
            template_text='# mine\nheat_template_version: 2018-08-31\n',
            files={'nested/child.yaml': '{}', 'data.txt': 'd\n'},
            files_text={'nested/child.yaml': '# child\n{}\n'},
            environment={'parameter_defaults': {'a': 1}},
            environment_text='# env\nparameter_defaults: {a: 1}\n')
        out = os.path.join(self.tmp, 'out')
        bundle.write_version(version, out, False, {
            'command': 'x', 'environment': ' -e %(environment)s'})
        for path, text in (('web.yaml', version.template_text),
                           ('environment.yaml', version.environment_text),
                           ('nested/child.yaml', '# child\n{}\n'),
                           ('data.txt', 'd\n')):
            with open(os.path.join(out, path)) as f:
                self.assertEqual(text, f.read())

    def test_download_without_texts_writes_yaml(self):
        version = mock.Mock(
            template_name='web', version='1.0.0', digest='sha256:x',
            template={'heat_template_version': '2018-08-31'},
            template_text=None, files={}, files_text={},
            environment={}, environment_text=None)
        out = os.path.join(self.tmp, 'out')
        bundle.write_version(version, out, False, {
            'command': 'x', 'environment': ' -e %(environment)s'})
        with open(os.path.join(out, 'web.yaml')) as f:
            self.assertEqual("heat_template_version: '2018-08-31'\n",
                             f.read())


class LoadTest(BundleTestCase):
    def test_files_are_keyed_relative_to_the_root_template(self):
        loaded = self.load(self.source())
        self.assertEqual(['mapped.yaml', 'nested/child.yaml',
                          'nested/data.txt', 'scripts/boot.sh'],
                         sorted(loaded.files))
        self.assertEqual('#!/bin/sh\necho hi\n',
                         loaded.files['scripts/boot.sh'])

    def test_root_references_are_relative(self):
        resources = self.load(self.source()).template['resources']
        self.assertEqual({'get_file': 'scripts/boot.sh'},
                         resources['boot']['properties']['value'])
        self.assertEqual('nested/child.yaml', resources['child']['type'])
        self.assertEqual('My::Mapped', resources['mapped']['type'])

    def test_child_references_are_root_relative_keys(self):
        child = json.loads(self.load(self.source()).files['nested/child.yaml'])
        resources = child['resources']
        self.assertEqual('nested/data.txt',
                         resources['own']['properties']['value']['get_file'])
        self.assertEqual(
            'scripts/boot.sh',
            resources['shared']['properties']['value']['get_file'])

    def test_child_template_is_canonical_json(self):
        text = self.load(self.source()).files['nested/child.yaml']
        self.assertEqual(bundle.canonical_text(json.loads(text)), text)

    def test_no_absolute_path_is_left(self):
        top = self.source()
        dumped = json.dumps(self.load(top).fields())
        self.assertNotIn('file://', dumped)
        self.assertNotIn(self.tmp, dumped)

    def test_environments_are_merged_with_relative_registry(self):
        environment = self.load(self.source()).environment
        self.assertEqual({'My::Mapped': 'mapped.yaml'},
                         environment['resource_registry'])
        self.assertEqual({'greeting': 'hello', 'size': 2},
                         environment['parameter_defaults'])

    def test_registry_base_url_is_dropped(self):
        top = self.source()
        self.tree({'envs/base.yaml': 'resource_registry:\n'
                   '  base_url: file://%s/\n'
                   '  My::Mapped: mapped.yaml\n' % top})
        environment = self.load(top).environment
        self.assertEqual({'My::Mapped': 'mapped.yaml'},
                         environment['resource_registry'])

    def test_per_resource_registry_entries_are_relative(self):
        top = self.source()
        self.tree({'envs/base.yaml': 'resource_registry:\n  resources:\n'
                   '    mapped:\n      My::Mapped: ../mapped.yaml\n'
                   '      hooks: pre-create\n'})
        registry = self.load(top).environment['resource_registry']
        self.assertEqual({'mapped': {'My::Mapped': 'mapped.yaml',
                                     'hooks': 'pre-create'}},
                         registry['resources'])

    def test_same_bundle_from_two_directories_is_identical(self):
        first = self.load(self.source('one'))
        second = self.load(self.source('elsewhere/deeper/two'))
        self.assertEqual(first.fields(), second.fields())

    def test_files_in_sibling_folders_climb(self):
        top = self.source()
        self.tree({'web.yaml': ROOT.replace('scripts/boot.sh',
                                            '../outside.sh'),
                   '../outside.sh': 'echo\n'})
        loaded = self.load(top)
        # Keys are relative to the root template's folder, and climb.
        self.assertEqual(['../outside.sh', 'mapped.yaml',
                          'nested/child.yaml', 'nested/data.txt',
                          'scripts/boot.sh'], sorted(loaded.files))
        self.assertEqual(
            {'get_file': '../outside.sh'},
            loaded.template['resources']['boot']['properties']['value'])
        child = json.loads(loaded.files['nested/child.yaml'])
        # The key itself, which Heat finds by exact key.
        self.assertEqual('scripts/boot.sh', child['resources']['shared'][
            'properties']['value']['get_file'])

    def test_children_climb_above_the_root(self):
        top = self.source()
        self.tree({'nested/child.yaml': CHILD.replace(
            '../scripts/boot.sh', '../../../common/boot.sh'),
            '../../common/boot.sh': 'echo\n'})
        loaded = self.load(top)
        self.assertIn('../../common/boot.sh', loaded.files)
        child = json.loads(loaded.files['nested/child.yaml'])
        self.assertEqual('../../common/boot.sh', child['resources'][
            'shared']['properties']['value']['get_file'])

    def test_root_referring_into_one_folder_keeps_its_keys(self):
        # The CLI knows the root's folder: keys stay relative to it.
        # (A file:/// body tells nothing of it, and is rebased onto the
        # deepest folder its root refers into: 'a.sh' here.)
        top = self.tree({'t.yaml': 'heat_template_version: 2018-08-31\n'
                         'outputs: {o: {value: {get_file: lib/a.sh}}}\n',
                         'lib/a.sh': 'a\n'}, 'one')
        loaded = bundle.load(os.path.join(top, 't.yaml'))
        self.assertEqual({'lib/a.sh': 'a\n'}, loaded.files)
        self.assertEqual({'get_file': 'lib/a.sh'},
                         loaded.template['outputs']['o']['value'])
        texts = {'file://%s' % os.path.join(top, 'lib/a.sh'): 'a\n'}
        body = {'heat_template_version': '2018-08-31', 'outputs': {'o': {
            'value': {'get_file': 'file://%s' % os.path.join(
                top, 'lib/a.sh')}}}}
        rebased = bundle.relative_bundle(body, texts, {})
        self.assertEqual({'a.sh': 'a\n'}, rebased.files)

    def test_ambiguous_child_reference_stays_relative_to_the_child(self):
        # nested/child.yaml refers to nested/data.txt; were it written as
        # its key, "nested/data.txt", the server would first look for
        # nested/nested/data.txt, which exists too.
        top = self.source()
        self.tree({'nested/nested/data.txt': 'other\n',
                   'nested/other.yaml': 'heat_template_version: 2018-08-31\n'
                   'outputs:\n  x: {value: {get_file: nested/data.txt}}\n',
                   'web.yaml': ROOT + '  other:\n'
                   '    type: nested/other.yaml\n'})
        files = self.load(top).files
        child = json.loads(files['nested/child.yaml'])
        self.assertEqual(
            'data.txt',
            child['resources']['own']['properties']['value']['get_file'])
        # nested/other.yaml means nested/nested/data.txt, and nothing else
        # is named so from nested/: its key does.
        other = json.loads(files['nested/other.yaml'])
        self.assertEqual('nested/nested/data.txt',
                         other['outputs']['x']['value']['get_file'])

    def test_bad_environment_is_a_bundle_error(self):
        top = self.source()
        self.tree({'envs/base.yaml': 'not_a_section: {}\n'})
        error = self.assertRaises(errors.BundleError, self.load, top)
        self.assertIn('not_a_section', str(error))

    def test_urls_are_rebased_like_paths(self):
        base = 'http://example.com/t/'
        loaded = bundle.relative_bundle(
            {'resources': {'a': {'type': base + 'lib/a.yaml'}}},
            {base + 'lib/a.yaml': json.dumps(
                {'heat_template_version': '2018-08-31',
                 'outputs': {'o': {'value': {'get_file': base + 'x%20y'}}}}),
             base + 'x%20y': b'text'},
            {})
        # The root refers to lib/ only: keys start there.
        self.assertEqual({'resources': {'a': {'type': 'a.yaml'}}},
                         loaded.template)
        self.assertEqual('text', loaded.files['../x y'])
        self.assertIn('"get_file":"../x y"', loaded.files['a.yaml'])

    def test_version_fields_leave_unset_metadata_out(self):
        loaded = bundle.Bundle({'heat_template_version': '2018-08-31'})
        self.assertEqual(
            {'template': {'heat_template_version': '2018-08-31'},
             'files': {}, 'environment': {}, 'version': '1.0.0',
             'source': {'url': 'https://git.example/web'}, 'force': True},
            loaded.version_fields(version='1.0.0',
                                  source_url='https://git.example/web',
                                  force=True))


class WriteTest(BundleTestCase):
    def test_written_bundle_loads_back_identical(self):
        loaded = self.load(self.source())
        out = os.path.join(self.tmp, 'out')
        root, env, paths = bundle.write(out, 'web', loaded.template,
                                        loaded.files, loaded.environment)
        self.assertEqual(os.path.join(out, 'web.yaml'), root)
        self.assertEqual(os.path.join(out, 'environment.yaml'), env)
        self.assertEqual(6, len(paths))
        again = bundle.load(root, [env])
        self.assertEqual(loaded.fields(), again.fields())

    def test_children_are_written_relative_to_themselves(self):
        loaded = self.load(self.source())
        out = os.path.join(self.tmp, 'out')
        bundle.write(out, 'web', loaded.template, loaded.files,
                     loaded.environment)
        with open(os.path.join(out, 'nested/child.yaml')) as f:
            text = f.read()
        self.assertIn('get_file: data.txt', text)
        self.assertIn('get_file: ../scripts/boot.sh', text)

    def test_tricky_text_survives_the_round_trip(self):
        template = {
            'heat_template_version': '2018-08-31',
            'description': 'line one\nline two  \n\ttabbed\n',
            'parameters': {'p': {'type': 'string', 'default': 'yes'},
                           'q': {'type': 'string', 'default': '0755'},
                           'r': {'type': 'number', 'default': 1.5}},
            'outputs': {'u': {'value': 'caf\u00e9 \u2713',
                              'description': 'trailing newline\n\n'}}}
        out = os.path.join(self.tmp, 'out')
        root, env, _paths = bundle.write(out, 'odd', template)
        self.assertIsNone(env)
        self.assertEqual(template, bundle.load(root).template)

    def test_names_clashing_with_child_files_are_avoided(self):
        root, env, texts = bundle.layout(
            'web', {'heat_template_version': '2018-08-31'},
            {'web.yaml': 'a', 'environment.yaml': 'b'},
            {'parameter_defaults': {'x': 1}})
        self.assertEqual('web-1.yaml', root)
        self.assertEqual('environment-1.yaml', env)
        self.assertEqual('a', texts['web.yaml'])

    def test_existing_files_are_not_overwritten(self):
        out = self.tree({'web.yaml': 'mine'}, 'out')
        error = self.assertRaises(errors.BundleError, bundle.write, out,
                                  'web', {'heat_template_version': 'x'})
        self.assertIn('already exists', str(error))
        with open(os.path.join(out, 'web.yaml')) as f:
            self.assertEqual('mine', f.read())
        bundle.write(out, 'web', {'heat_template_version': 'x'},
                     overwrite=True)

    def test_climbing_keys_are_laid_out_inside_the_directory(self):
        out = os.path.join(self.tmp, 'out')
        root, _env, paths = bundle.write(
            out, 'web', {'heat_template_version': '2018-08-31'},
            {'../../x.sh': 'a', '../web/y.sh': 'b', 'z.sh': 'c'})
        self.assertEqual(os.path.join(out, 'web/web-1/web.yaml'), root)
        self.assertEqual(
            sorted(os.path.join(out, p) for p in (
                'x.sh', 'web/web/y.sh', 'web/web-1/z.sh',
                'web/web-1/web.yaml')),
            sorted(paths))
        self.assertFalse(os.path.exists(os.path.join(self.tmp, 'x.sh')))

    def test_climbing_bundle_loads_back_identical(self):
        top = self.source()
        self.tree({'web.yaml': ROOT.replace('scripts/boot.sh',
                                            '../../common/boot.sh'),
                   '../../common/boot.sh': 'echo\n'})
        loaded = self.load(top)
        out = os.path.join(self.tmp, 'out')
        root, env, _paths = bundle.write(out, 'web', loaded.template,
                                         loaded.files, loaded.environment)
        self.assertEqual(loaded.fields(), bundle.load(root, [env]).fields())

    def test_hostile_keys_write_nothing(self):
        out = os.path.join(self.tmp, 'out')
        for files in ({'/etc/evil': 'x'}, {'a/../../b': 'x', 'c': 'y'},
                      {'a\\..\\b': 'x'}, {'..': 'x'},
                      {'file:///etc/evil': 'x'}, {'a': 'x', 'a/b': 'y'}):
            self.assertRaises(errors.BundleError, bundle.write, out, 'web',
                              {}, files)
            self.assertFalse(os.path.exists(out), files)

    def test_symlink_out_of_the_directory_writes_nothing(self):
        out = self.tree({'keep': 'k'}, 'out')
        outside = os.path.join(self.tmp, 'outside')
        os.mkdir(outside)
        os.symlink(outside, os.path.join(out, 'lib'))
        error = self.assertRaises(errors.BundleError, bundle.write, out,
                                  'web', {}, {'lib/evil.sh': 'rm', 'a': 'b'})
        self.assertIn('outside', str(error))
        self.assertEqual([], os.listdir(outside))
        self.assertEqual(['keep', 'lib'], sorted(os.listdir(out)))

    def test_to_yaml_uses_block_literals_for_multiline_text(self):
        self.assertEqual('script: |\n  echo a\n  echo b\n',
                         bundle.to_yaml({'script': 'echo a\necho b\n'}))

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)
        super().tearDown()


class RepublishLineTest(BundleTestCase):
    """The printed command is inert when pasted, whatever the name."""

    HOSTILE = 'x;touch${IFS}P'

    def run_pasted(self, line):
        """Run a pasted line in bash, the commands stubbed to print argv."""
        script = ('openstack() { printf "%s\\0" openstack "$@"; }\n'
                  'heat() { printf "%s\\0" heat "$@"; }\n' + line + '\n')
        cwd = self.useFixture(fixtures.TempDir()).path
        result = subprocess.run(['bash', '-c', script], cwd=cwd,
                                capture_output=True, timeout=30)
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertEqual([], os.listdir(cwd))
        return result.stdout.decode('utf-8').split('\0')[:-1]

    def test_hostile_name_is_quoted_in_both_command_sets(self):
        version = mock.Mock(
            template_name=self.HOSTILE, version='1.0.0', digest='sha256:0',
            template={'heat_template_version': '2018-08-31'}, files={},
            environment={'parameter_defaults': {'a': 1}})
        for republish, head in (
                (osc_template.REPUBLISH, [
                    'openstack', 'orchestration', 'template', 'store',
                    'version', 'create']),
                (shell.REPUBLISH, ['heat', 'template-store-version-create'])):
            out = os.path.join(self.useFixture(fixtures.TempDir()).path,
                               'o u$t')
            text = bundle.write_version(version, out, False, republish)
            line = text.splitlines()[-1]
            args = self.run_pasted(line)
            root = os.path.join(out, self.HOSTILE + '.yaml')
            env = os.path.join(out, 'environment.yaml')
            self.assertEqual(head + [self.HOSTILE, args[-4], root, '-e',
                                     env], args)
            self.assertTrue(os.path.exists(root))
            for listed in text.splitlines()[1:3]:
                path = shlex.split(listed)[0]
                self.assertTrue(os.path.exists(path), path)
