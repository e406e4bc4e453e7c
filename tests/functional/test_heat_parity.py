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

"""The store's verdict beside Heat's, on the shapes real template trees have.

Each fixture tree is judged by Heat's own ``POST /validate?ignore_errors=
99001`` on the body ``openstack stack create`` sends, and published to the
store three ways: that very body (heatclient's ``template_utils``, absolute
``file:///`` keys and ``environment_files``), the body openstacksdk builds
(absolute keys, one merged environment), and the store's CLI from the
directory. The two bodies must give one digest; the CLI keys files relative
to the root template's directory (which a body of URLs does not tell: it
is rebased onto the deepest directory its root refers into), so its
digest is the same where those directories are one, and otherwise its
files are the same files under keys relative to the root. The store's
verdict must be Heat's, but where a comment in FIXTURES explains why not.
"""

import json
import os
import sys

from heatclient.common import template_utils as heatclient_utils
from openstack.orchestration.util import template_utils as sdk_utils
from oslo_serialization import jsonutils
from testtools import content

from tests.functional import test_cli

HOT = 'heat_template_version: 2018-08-31\n'


def _value(name, value):
    return ('  %s:\n    type: OS::Heat::Value\n    properties:\n'
            '      value: %s\n' % (name, value))


# name -> (files, root, environments, Heat and the store may differ
# because...). Every tree is written under a top folder of its own.
FIXTURES = {
    'sibling-fragments': ({
        'templates/cluster.yaml': HOT + 'resources:\n' +
        _value('boot', '{get_file: ../../common/fragments/boot.sh}') +
        '  net:\n    type: ../../common/fragments/net.yaml\n' +
        '  local:\n    type: node.yaml\n',
        'templates/node.yaml': HOT + 'resources:\n' +
        _value('cfg', '{get_file: ../../common/fragments/cfg.ini}'),
        '../common/fragments/boot.sh': '#!/bin/sh\necho boot\n',
        '../common/fragments/cfg.ini': '[a]\nb = c\n',
        '../common/fragments/net.yaml': HOT + 'resources:\n' +
        _value('v', '{get_file: boot.sh}'),
    }, 'templates/cluster.yaml', [], None),
    'environment-elsewhere': ({
        'templates/root.yaml': HOT + 'parameters:\n'
        '  size: {type: number}\nresources:\n'
        '  net:\n    type: My::Net\n'
        '    properties: {size: {get_param: size}}\n'
        '  app:\n    type: My::App\n',
        'lib/net.yaml': HOT + 'parameters:\n  size: {type: number}\n'
        'resources:\n' + _value('s', '{get_param: size}'),
        'lib/app.yaml': HOT + 'resources:\n' +
        _value('a', '{get_file: ../scripts/app.sh}'),
        'scripts/app.sh': 'echo app\n',
        'environments/prod/env.yaml': 'resource_registry:\n'
        '  My::Net: ../../lib/net.yaml\n  My::App: ../../lib/app.yaml\n'
        'parameter_defaults:\n  size: 3\n',
        'environments/override.yaml': 'parameter_defaults:\n  size: 4\n',
    }, 'templates/root.yaml',
        ['environments/prod/env.yaml', 'environments/override.yaml'], None),
    'get-file-two-up': ({
        'deploy/site/root.yaml': HOT + 'resources:\n' +
        _value('a', '{get_file: ../../scripts/install.sh}') +
        _value('b', '{get_file: local.txt}'),
        'deploy/site/local.txt': 'local\n',
        'scripts/install.sh': '#!/bin/sh\nset -e\n',
    }, 'deploy/site/root.yaml', [], None),
    'groups-with-required-parameters': ({
        'groups.yaml': HOT + 'parameters:\n'
        '  key_name: {type: string}\n  image: {type: string}\n'
        '  count: {type: number}\nresources:\n'
        '  rg:\n    type: OS::Heat::ResourceGroup\n    properties:\n'
        '      count: {get_param: count}\n      resource_def:\n'
        '        type: member.yaml\n        properties:\n'
        '          key_name: {get_param: key_name}\n'
        '          index: "%index%"\n'
        '  asg:\n    type: OS::Heat::AutoScalingGroup\n    properties:\n'
        '      min_size: 1\n      max_size: 3\n      resource:\n'
        '        type: member.yaml\n        properties:\n'
        '          key_name: {get_param: key_name}\n'
        '  plain:\n    type: OS::Heat::ResourceGroup\n    properties:\n'
        '      count: 2\n      resource_def:\n'
        '        type: OS::Heat::RandomString\n        properties:\n'
        '          length: {get_param: count}\n',
        'member.yaml': HOT + 'parameters:\n  key_name: {type: string}\n'
        '  index: {type: string, default: "0"}\nresources:\n' +
        _value('k', '{get_param: key_name}'),
    }, 'groups.yaml', [], None),
    'aws-instance-group': ({
        'aws.yaml': 'AWSTemplateFormatVersion: "2010-09-09"\n'
        'Parameters:\n  KeyName: {Type: String}\n  ImageId: {Type: String}\n'
        'Resources:\n  Launch:\n'
        '    Type: AWS::AutoScaling::LaunchConfiguration\n'
        '    Properties:\n      ImageId: {Ref: ImageId}\n'
        '      InstanceType: m1.small\n      KeyName: {Ref: KeyName}\n'
        '  Group:\n    Type: OS::Heat::InstanceGroup\n    Properties:\n'
        '      AvailabilityZones: ["nova"]\n'
        '      LaunchConfigurationName: {Ref: Launch}\n      Size: 2\n',
    }, 'aws.yaml', [], None),
    'providers-three-deep': ({
        'top.yaml': HOT + 'parameters:\n  name: {type: string}\n'
        'resources:\n  one:\n    type: layers/one.yaml\n'
        '    properties: {name: {get_param: name}}\n',
        'layers/one.yaml': HOT + 'parameters:\n  name: {type: string}\n'
        'resources:\n  two:\n    type: two/two.yaml\n'
        '    properties: {name: {get_param: name}}\n',
        'layers/two/two.yaml': HOT + 'parameters:\n  name: {type: string}\n'
        'resources:\n  three:\n    type: ../../leaf/three.yaml\n'
        '    properties: {name: {get_param: name}}\n',
        'leaf/three.yaml': HOT + 'parameters:\n  name: {type: string}\n'
        'resources:\n' + _value('n', '{get_param: name}') +
        'outputs:\n  n: {value: {get_attr: [n, value]}}\n',
    }, 'top.yaml', [], None),
    'software-config-scripts': ({
        'sc.yaml': HOT + 'resources:\n' + ''.join(
            '  config%d:\n    type: OS::Heat::SoftwareConfig\n'
            '    properties:\n      group: script\n'
            '      config: {get_file: scripts/step%d.sh}\n' % (i, i)
            for i in range(12)) +
        '  init:\n    type: OS::Heat::CloudConfig\n    properties:\n'
        '      cloud_config:\n        write_files:\n'
        '        - path: /etc/motd\n'
        '          content: {get_file: ../shared/motd.txt}\n'
        '  mime:\n    type: OS::Heat::MultipartMime\n    properties:\n'
        '      parts:\n      - config: {get_resource: init}\n'
        '      - config: {get_file: scripts/step0.sh}\n',
        '../shared/motd.txt': 'hello\n',
        **{'scripts/step%d.sh' % i: '#!/bin/sh\necho step %d\n' % i
           for i in range(12)},
    }, 'sc.yaml', [], None),
    'windows-line-endings': ({
        'crlf.yaml': (HOT + 'resources:\n' +
                      _value('a', '{get_file: crlf.sh}') +
                      _value('b', '|\n        line one\n        line two')
                      ).replace('\n', '\r\n'),
        'crlf.sh': 'echo one\r\necho two\r\n',
    }, 'crlf.yaml', [], None),
    'byte-order-mark': ({
        'bom.yaml': '\ufeff' + HOT + 'resources:\n' +
        _value('a', '{get_file: bom.txt}') +
        '  c:\n    type: child.yaml\n',
        'child.yaml': '\ufeff' + HOT + 'resources: {}\n',
        'bom.txt': '\ufeffcontent\n',
    }, 'bom.yaml', [], None),
    'tabs-in-block-scalars': ({
        'tabs.yaml': HOT + 'resources:\n' +
        _value('a', '|\n        for x in a b; do\n        \techo $x\n'
               '        done') +
        '  c:\n    type: tab-child.yaml\n',
        'tab-child.yaml': HOT + 'outputs:\n  o:\n    value: |\n'
        '      \tindented\n      plain\n',
    }, 'tabs.yaml', [], None),
    'unknown-type-in-child': ({
        'root.yaml': HOT + 'resources:\n  c:\n    type: child.yaml\n',
        'child.yaml': HOT + 'resources:\n  x:\n    type: No::Such::Type\n',
    }, 'root.yaml', [],
        # Heat's /validate is shallow for children (HEAT-NOTES): it passes
        # a type it cannot build; stack create would fail. The store
        # validates each child deeply and refuses it, naming the file.
        'Heat accepts, the store refuses: Heat would fail to build it'),
    'bad-function-at-root': ({
        'root.yaml': HOT + 'resources:\n' +
        _value('a', '{get_attr: [nothing, value]}'),
    }, 'root.yaml', [], None),
}


class ParityTest(test_cli.CLITestCase):
    def tree(self, name, files):
        top = os.path.join(self.tmp, name, 'top')
        for path, text in files.items():
            full = os.path.normpath(os.path.join(top, path))
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, 'w', newline='') as f:
                f.write(text)
        return top

    def heatclient_body(self, top, root, envs):
        """The bundle fields ``openstack stack create`` posts."""
        files, template = heatclient_utils.process_template_path(
            os.path.join(top, root))
        tracker = []
        env_files, env = (
            heatclient_utils.process_multiple_environments_and_files(
                env_paths=[os.path.join(top, e) for e in envs] or None,
                env_list_tracker=tracker))
        body = {'template': template, 'files': dict(files, **env_files),
                'environment': env}
        if tracker:
            body['environment_files'] = tracker
        # As heatclient's HTTP client encodes it: bytes become text.
        return jsonutils.loads(jsonutils.dumps(body))

    def sdk_body(self, top, root, envs):
        """The bundle fields openstacksdk's create_stack posts."""
        files, template = sdk_utils.get_template_contents(
            template_file=os.path.join(top, root))
        env_files, env = sdk_utils.process_multiple_environments_and_files(
            env_paths=[os.path.join(top, e) for e in envs] or None)
        return jsonutils.loads(jsonutils.dumps(
            {'template': template, 'files': dict(files, **env_files),
             'environment': env}))

    def stored_files(self, name):
        version = self.server.request(
            'GET', '/stored_templates/%s/versions/latest' % name)[2]
        return version['stored_template_version']['files']

    def publish(self, name, body):
        code, _h, answer = self.server.request(
            'POST', '/stored_templates', {'name': name, 'version': body})
        if code == 201:
            version = self.server.request(
                'GET', '/stored_templates/%s/versions/latest' % name)[2]
            return True, version['stored_template_version']['digest']
        self.assertEqual(400, code, answer)
        return False, answer['error']['message']

    def check_cli_keys(self, name, top, root, by_body, by_cli):
        """The CLI's bundle is the body's, keyed from the root's folder.

        One digest where the body's base (the deepest folder its root
        refers into) is the root's own folder; otherwise the very same
        files: some folder ``base`` maps every key of the body onto the
        CLI's key of the same file (``base/key`` is ``root_dir/cli_key``).
        """
        if by_body[1] == by_cli[1]:
            return
        from_body = set(self.stored_files('hc-' + name))
        from_cli = set(self.stored_files('cli-' + name))
        root_dir = os.path.dirname(os.path.join(top, root))
        on_disk = {os.path.normpath(os.path.join(root_dir, k))
                   for k in from_cli}
        bases = {os.path.normpath(d) for d, _dirs, _files in os.walk(top)}
        parent = os.path.normpath(top)
        while parent != os.path.dirname(parent):
            parent = os.path.dirname(parent)
            bases.add(parent)
        self.assertTrue(
            any({os.path.normpath(os.path.join(base, k))
                 for k in from_body} == on_disk for base in bases),
            (name, sorted(from_body), sorted(from_cli)))

    def cli(self, *args, ok=True):
        result = self.store(*args, ok=ok)
        self.assertNotIn('Traceback', result.err)
        return result

    def test_store_agrees_with_heat(self):
        counts = {'tried': 0, 'heat_accepts': 0, 'store_accepts': 0,
                  'agree': 0}
        report = []
        sdk_failures = []
        for name, (files, root, envs, why) in sorted(FIXTURES.items()):
            top = self.tree(name, files)
            body = self.heatclient_body(top, root, envs)
            code, _h, answer = self.server.request(
                'POST', '/validate?ignore_errors=99001', body)
            heat_ok = code == 200
            by_heatclient = self.publish('hc-' + name, body)
            try:
                by_sdk = self.publish('sdk-' + name,
                                      self.sdk_body(top, root, envs))
            except TypeError as error:
                # openstacksdk's own parser leaves a YAML date (a child's
                # heat_template_version: 2018-08-31) that its json.dumps
                # then refuses: the SDK cannot send this tree to Heat
                # either, so there is no SDK body to compare.
                sdk_failures.append('%s (%s)' % (name, error))
                by_sdk = by_heatclient
            cli = self.cli('create', 'cli-' + name, '-t',
                           os.path.join(top, root), '-f', 'json',
                           *sum((['-e', os.path.join(top, e)]
                                 for e in envs), []), ok=False)
            if cli.code == 0:
                by_cli = (True, self.cli(
                    'version', 'show', 'cli-' + name, 'latest', '-f',
                    'json', '-c', 'digest').out)
                by_cli = (True, json.loads(by_cli[1])['digest'])
            else:
                by_cli = (False, cli.err.strip())
            verdicts = {by_heatclient[0], by_sdk[0], by_cli[0]}
            self.assertEqual(1, len(verdicts), (name, by_heatclient,
                                                by_sdk, by_cli))
            store_ok = by_heatclient[0]
            if store_ok:
                self.assertEqual(by_heatclient[1], by_sdk[1], name)
                self.check_cli_keys(name, top, root, by_heatclient, by_cli)
            counts['tried'] += 1
            counts['heat_accepts'] += heat_ok
            counts['store_accepts'] += store_ok
            agree = heat_ok == store_ok
            counts['agree'] += agree
            report.append('%-32s heat=%-6s store=%-6s %s' % (
                name, 'accept' if heat_ok else 'refuse',
                'accept' if store_ok else 'refuse',
                '' if agree else '(%s)' % why))
            if not agree:
                self.assertIsNotNone(why, '%s: Heat %s, the store %s' % (
                    name, answer, by_heatclient[1]))
        report.extend('openstacksdk cannot build: %s' % failure
                      for failure in sdk_failures)
        summary = ('bundles tried %(tried)d, Heat accepts %(heat_accepts)d, '
                   'the store accepts %(store_accepts)d, agreements '
                   '%(agree)d' % counts)
        self.addDetail('parity', content.text_content(
            '\n'.join(report + [summary])))
        sys.stderr.write('\n' + '\n'.join(report + [summary]) + '\n')
        self.assertEqual(len(FIXTURES), counts['tried'])

    def written_root(self, output):
        """The root template path a download printed."""
        roots = [line.split()[0] for line in output.splitlines()
                 if line.endswith('(template)')]
        self.assertEqual(1, len(roots), output)
        return roots[0]

    def test_download_climbing_bundle_republishes_the_same_digest(self):
        files, root, envs, _why = FIXTURES['environment-elsewhere']
        top = self.tree('dl', files)
        name = 'dl-climbing'
        published = self.publish(name, self.heatclient_body(top, root,
                                                            envs))
        self.assertTrue(published[0], published)
        for command_set in ('openstack', 'heat'):
            out = os.path.join(self.tmp, 'out-' + command_set)
            if command_set == 'openstack':
                printed = self.cli('download', name, '--output-dir',
                                   out).out
            else:
                printed = self.heat('template-store-download', name, '-o',
                                    out).out
            root_path = self.written_root(printed)
            self.assertTrue(root_path.startswith(out + os.sep), root_path)
            written = [os.path.join(d, f) for d, _s, fs in os.walk(out)
                       for f in fs]
            self.assertIn(os.path.join(out, 'scripts', 'app.sh'), written)
            env = os.path.join(os.path.dirname(root_path),
                               'environment.yaml')
            again = self.cli('version', 'create', name, '-t', root_path,
                             '-e', env, '-f', 'json', '-c', 'digest')
            self.assertEqual(published[1],
                             json.loads(again.out)['digest'],
                             command_set)
            # The same digest again is a new version of the same bundle.

    def test_hostile_bundle_downloads_inside_the_directory_only(self):
        escapes = ['../../x', '../../../../../../../../tmp/pwn',
                   'a/../../../../b', 'lib -> etc/passwd', 'web']
        template = {'heat_template_version': '2018-08-31',
                    'outputs': {str(i): {'value': {'get_file': key}}
                                for i, key in enumerate(escapes)}}
        body = {'template': template,
                'files': {key: 'evil %s\n' % key for key in escapes}}
        self.assertTrue(self.publish('hostile', body)[0])
        # Keys that are not names inside a bundle are refused at publish:
        # an absolute path beside its relative name, other schemes,
        # file:/// URLs mixed with paths.
        for files in ({'/etc/evil': 'x', 'etc/evil': 'y'},
                      {'http://x/evil': 'x'},
                      {'a\\..\\..\\evil': 'x'}, {'..': 'x'},
                      {'file:///etc/evil': 'x', 'b': 'y'}):
            code, _h, answer = self.server.request(
                'POST', '/stored_templates', {'name': 'refused', 'version': {
                    'template': {'heat_template_version': '2018-08-31'},
                    'files': files}})
            self.assertEqual(400, code, (files, answer))
        self.assertEqual(404, self.server.request(
            'GET', '/stored_templates/refused')[0])
        outside = os.path.join(self.tmp, 'outside')
        os.mkdir(outside)
        out = os.path.join(self.tmp, 'hostile-out')
        printed = self.cli('download', 'hostile', '--output-dir',
                           out).out
        root_path = self.written_root(printed)
        written = sorted(os.path.relpath(os.path.join(d, f), out)
                         for d, _s, fs in os.walk(out) for f in fs)
        self.assertEqual(len(escapes) + 1, len(written), written)
        self.assertTrue(all(not p.startswith('..') for p in written))
        self.assertFalse(os.path.exists('/tmp/pwn'))
        # A symbolic link already in the directory is not followed out.
        linked = os.path.join(self.tmp, 'linked-out')
        os.makedirs(linked)
        first = os.path.relpath(root_path, out).split(os.sep)[0]
        os.symlink(outside, os.path.join(linked, first))
        failed = self.cli('download', 'hostile', '--output-dir', linked,
                          ok=False)
        self.assertNotEqual(0, failed.code)
        self.assertIn('nothing was written', failed.err)
        self.assertEqual([], os.listdir(outside))
        self.assertEqual([first], os.listdir(linked))
