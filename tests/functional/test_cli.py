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

"""The real ``openstack`` and ``heat`` commands against an embedded Heat.

Each test runs the installed console scripts of this virtualenv, each in a
process of its own, against ``shared_server()``. The processes are forked
by a host that has done the imports every ``openstack`` process would do
(about 1.5 s of CPU each; tests/functional/commands.py). ReadmeTourTest
runs the tour as written, in bash, with the executables themselves.
"""

import collections
import json
import os
import shutil
import subprocess
import sys
import time

import fixtures
import yaml

from tests import base
from tests.functional import commands
from tests.functional import server

BIN = os.path.dirname(sys.executable)
TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
STORE = ('orchestration', 'template', 'store')

ROOT = """
heat_template_version: 2018-08-31
description: A web tier
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
outputs:
  script:
    value: {get_attr: [boot, value]}
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

SOURCE = {
    'web.yaml': ROOT,
    'scripts/boot.sh': '#!/bin/sh\necho "hello from the store"\n',
    'nested/child.yaml': CHILD,
    'nested/data.txt': 'child data\n',
    'mapped.yaml': 'heat_template_version: 2018-08-31\nresources: {}\n',
    'envs/base.yaml': 'resource_registry:\n  My::Mapped: ../mapped.yaml\n'
                      'parameter_defaults:\n  greeting: hello\n',
    'envs/override.yaml': 'parameter_defaults:\n  greeting: bonjour\n',
}

# A YAML syntax error: a flow mapping that is never closed.
UNPARSABLE = """heat_template_version: 2018-08-31
resources:
  pw:
    type: OS::Heat::RandomString
    properties: {length: 8
"""

BROKEN = """
heat_template_version: 2018-08-31
resources:
  thing:
    type: Nope::Such::Type
"""

Result = collections.namedtuple('Result', 'code out err')


class CLITestCase(base.BaseTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = server.shared_server()

    def setUp(self):
        super().setUp()
        self.tmp = self.useFixture(fixtures.TempDir()).path
        self.env = {key: value for key, value in os.environ.items()
                    if not key.startswith('OS_') and key != 'HEAT_URL'}

    def source(self, where, tree=None):
        top = os.path.join(self.tmp, where)
        for path, text in (tree or SOURCE).items():
            full = os.path.join(top, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, 'w') as f:
                f.write(text)
        return top

    def bundle_args(self, top, template='-t'):
        return [template, os.path.join(top, 'web.yaml'),
                '-e', os.path.join(top, 'envs/base.yaml'),
                '-e', os.path.join(top, 'envs/override.yaml')]

    def broken_template(self):
        path = os.path.join(self.tmp, 'broken.yaml')
        with open(path, 'w') as f:
            f.write(BROKEN)
        return path

    def unparsable_template(self):
        path = os.path.join(self.tmp, 'unparsable.yaml')
        with open(path, 'w') as f:
            f.write(UNPARSABLE)
        return path

    def assert_yaml_error_as_stack_create(self, result):
        """The YAML error with the lines ``openstack stack create`` shows:
        the parser's context line and its caret, each on its own line.
        """
        stock = self.openstack('stack', 'create', '-t',
                               self.unparsable_template(), 'never', ok=False)
        expected = stock.err[stock.err.index('Error parsing'):].splitlines()
        self.assertIn('        properties: {length: 8', expected)
        self.assertIn(' ' * 20 + '^', expected)
        self.assert_error(result, 'Error parsing template')
        shown = result.err[result.err.index('Error parsing'):].splitlines()
        self.assertEqual(expected, shown)

    def run_cli(self, argv, ok=True, env=None):
        """A console script of this virtualenv, in a process of its own
        (started by the command host: tests/functional/commands.py).
        """
        result = Result(*commands.run(argv, env or self.env, self.tmp))
        if ok:
            self.assertEqual(0, result.code, '%s\n%s%s' % (
                ' '.join(argv), result.out, result.err))
            self.assertNotIn('Traceback', result.err)
        return result

    def openstack(self, *args, ok=True):
        return self.run_cli(
            [os.path.join(BIN, 'openstack'), '--os-auth-type', 'none',
             '--os-endpoint', self.server.endpoint] + list(args), ok=ok)

    def store(self, *args, ok=True):
        return self.openstack(*(STORE + args), ok=ok)

    def store_json(self, *args):
        return json.loads(self.store(*(args + ('-f', 'json'))).out)

    def heat(self, *args, ok=True):
        env = dict(self.env, HEAT_URL=self.server.endpoint)
        return self.run_cli(
            [os.path.join(BIN, 'heat'), '--os-no-client-auth',
             '--os-auth-token', 'x'] + list(args), ok=ok, env=env)

    def wait_stack(self, stack_path, statuses, timeout=60):
        """Poll a stack until its status is one of ``statuses``.

        ``GONE`` is the status of a stack that is not found any more.
        """
        deadline = time.monotonic() + timeout
        for pause in base.poll_pauses():
            code, _headers, body = self.server.request(
                'GET', '/stacks/%s?resolve_outputs=false' % stack_path)
            status = 'GONE' if code == 404 else body['stack']['stack_status']
            if status in statuses:
                return status
            if time.monotonic() > deadline:
                self.fail('stack %s is %s after %ds' % (stack_path, status,
                                                        timeout))
            time.sleep(pause)

    def assert_error(self, result, *fragments):
        """A failure reported as one ERROR message (the line that starts
        it is returned), with no traceback.
        """
        self.assertNotEqual(0, result.code, result)
        self.assertNotIn('Traceback', result.err + result.out)
        lines = [line for line in result.err.splitlines()
                 if line.startswith('ERROR')]
        self.assertEqual(1, len(lines), result.err)
        for fragment in fragments:
            self.assertIn(fragment, lines[0])
        return lines[0]


def table_rows(text):
    """The rows of a prettytable as dicts (continuation lines joined)."""
    lines = [line for line in text.splitlines() if line.startswith('|')]
    header = [cell.strip() for cell in lines[0].strip('|').split('|')]
    rows = []
    for line in lines[1:]:
        cells = [cell.strip() for cell in line.strip('|').split('|')]
        if cells[0] or not rows:
            rows.append(dict(zip(header, cells)))
        else:
            for key, cell in zip(header, cells):
                if cell:
                    rows[-1][key] += '\n' + cell
    return rows


def table_dict(text):
    """heat's ``Property | Value`` table as a dict."""
    return {row['Property']: row['Value'] for row in table_rows(text)}


class OpenStackCommandsTest(CLITestCase):
    def test_publish_list_resolve_download_republish_delete(self):
        name = 'cli-web'
        src = self.source('src')
        elsewhere = self.source('elsewhere/deeper/copy')

        created = self.store_json(
            'create', name, *self.bundle_args(src), '--tags', 'web,cli',
            '--description', 'A web tier')
        self.assertEqual((name, '1.0.0', ['cli', 'web']),
                         (created['name'], created['latest_version'],
                          created['tags']))

        # The same bundle from another directory, no version: next patch.
        second = self.store_json('version', 'create', name,
                                 *self.bundle_args(elsewhere),
                                 '--description', 'same, elsewhere')
        self.assertEqual('1.0.1', second['version'])
        self.assertEqual(['mapped.yaml', 'nested/child.yaml',
                          'nested/data.txt', 'scripts/boot.sh'],
                         second['files'])
        versions = self.store_json('version', 'list', name)
        self.assertEqual(['1.0.1', '1.0.0'],
                         [v['Version'] for v in versions])
        self.assertEqual({second['digest']},
                         {v['Digest'] for v in versions})

        table = self.store('list').out
        self.assertIn('Latest Version', table)
        row = [r for r in table_rows(table) if r['Name'] == name]
        self.assertEqual('1.0.1', row[0]['Latest Version'])
        listed = self.store_json('list', '--tags', 'cli')
        self.assertEqual([(name, '1.0.1', 2)],
                         [(t['Name'], t['Latest Version'],
                           t['Version Count']) for t in listed])

        shown = self.store_json('show', name)
        self.assertEqual(('A web tier', 2, created['id']),
                         (shown['description'], shown['version_count'],
                          shown['id']))

        resolved = self.store_json('resolve', name, '~1.0')
        self.assertEqual('1.0.1', resolved['version'])
        self.assertEqual({'greeting': {'type': 'string', 'default': 'hi'}},
                         resolved['parameters'])

        out = os.path.join(self.tmp, 'downloaded')
        written = self.store('download', name, '1.0.0', '--output-dir',
                             out).out
        self.assertIn('Publish it again with:', written)
        for path in ('cli-web.yaml', 'environment.yaml', 'mapped.yaml',
                     'nested/child.yaml', 'nested/data.txt',
                     'scripts/boot.sh'):
            self.assertTrue(os.path.exists(os.path.join(out, path)), path)
        with open(os.path.join(out, 'environment.yaml')) as f:
            self.assertEqual(
                {'resource_registry': {'My::Mapped': 'mapped.yaml'},
                 'parameter_defaults': {'greeting': 'bonjour'}},
                yaml.safe_load(f))
        republished = self.store_json(
            'version', 'create', name, '2.0.0',
            '-t', os.path.join(out, 'cli-web.yaml'),
            '-e', os.path.join(out, 'environment.yaml'))
        self.assertEqual(second['digest'], republished['digest'])

        printed = self.store('download', name).out
        self.assertNotIn('file://', printed)
        template = yaml.safe_load(printed)
        self.assertEqual({'get_file': 'scripts/boot.sh'},
                         template['resources']['boot']['properties']['value'])
        self.assertEqual('nested/child.yaml',
                         template['resources']['child']['type'])

        deprecated = self.store_json('version', 'set', name, '1.0.0',
                                     '--deprecate')
        self.assertEqual('deprecated', deprecated['status'])

        # A stack built from 1.0.1 is its consumer, and keeps it.
        stack = self.build_stack(name, '1.0.1')
        consumers = self.store_json('version', 'consumers', name, '1.0.1')
        self.assertEqual([stack['name']],
                         [c['Stack Name'] for c in consumers])
        self.assert_error(self.store('version', 'delete', name, '1.0.1',
                                     ok=False), 'in use', stack['name'])
        self.server.request('DELETE', '/stacks/%(name)s/%(id)s' % stack)
        self.wait_stack('%(name)s/%(id)s' % stack,
                        ('GONE', 'DELETE_COMPLETE'))

        self.store('version', 'delete', name, '2.0.0')
        self.store('delete', name)
        self.assert_error(self.store('show', name, ok=False),
                          'could not be found')

    def build_stack(self, template, version):
        stack = {'name': 'cli-consumer', 'id': None}
        code, _headers, body = self.server.request('POST', '/stacks', {
            'stack_name': stack['name'],
            'template': {
                'heat_template_version': '2018-08-31',
                'resources': {'web': {
                    'type': 'OS::Heat::StoredTemplate',
                    'properties': {'template': template,
                                   'version': version}}}}})
        self.assertEqual(201, code, body)
        stack['id'] = body['stack']['id']
        self.assertEqual('CREATE_COMPLETE', self.wait_stack(
            '%(name)s/%(id)s' % stack, ('CREATE_COMPLETE', 'CREATE_FAILED')))
        return stack

    def test_errors_and_version_is_global(self):
        name = 'cli-errors'
        self.store('create', name)
        self.assert_error(self.store('create', name, ok=False),
                          'already exists')
        self.assert_error(
            self.store('version', 'create', name, '1.0.0',
                       '-t', self.broken_template(), ok=False),
            'Nope::Such::Type')
        self.assert_yaml_error_as_stack_create(
            self.store('version', 'create', name, '1.0.0',
                       '-t', self.unparsable_template(), ok=False))
        # cliff takes --version anywhere on the line, even after a
        # command's own positionals and options.
        shown = self.store('version', 'create', name, '1.0.0', '-t',
                           'nowhere.yaml', '--version')
        self.assertTrue(shown.out.startswith('openstack '), shown)


class HeatShellTest(CLITestCase):
    def test_template_store_commands_beside_stock_ones(self):
        with open(os.path.join(BIN, 'heat')) as f:
            self.assertIn('heat_store.cmd.heat', f.read(),
                          "bin/heat is python-heatclient's own again: "
                          'reinstall heat-store (pip install -e .)')
        name = 'cli-heat'
        src = self.source('src')
        elsewhere = self.source('other/place')

        created = table_dict(self.heat(
            'template-store-create', name, *self.bundle_args(src, '-f'),
            '--tags', 'legacy').out)
        self.assertEqual(('1.0.0', 'legacy'),
                         (created['latest_version'], created['tags']))
        second = table_dict(self.heat(
            'template-store-version-create', name,
            *self.bundle_args(elsewhere, '-f')).out)
        self.assertEqual('1.0.1', second['version'])
        first = table_dict(self.heat('template-store-version-show', name,
                                     '1.0.0').out)
        self.assertEqual(first['digest'], second['digest'])
        versions = table_rows(self.heat('template-store-version-list',
                                        name).out)
        self.assertEqual(['1.0.1', '1.0.0'],
                         [v['version'] for v in versions])

        self.assertIn(name, self.heat('template-store-list').out)
        self.assertEqual('2', table_dict(self.heat(
            'template-store-show', name).out)['version_count'])
        self.assertEqual('1.0.1', table_dict(self.heat(
            'template-store-resolve', name, '~1.0').out)['version'])

        out = os.path.join(self.tmp, 'downloaded')
        self.heat('template-store-download', name, '1.0.0', '-o', out)
        again = table_dict(self.heat(
            'template-store-version-create', name, '1.1.0',
            '-f', os.path.join(out, 'cli-heat.yaml'),
            '-e', os.path.join(out, 'environment.yaml')).out)
        self.assertEqual(second['digest'], again['digest'])
        printed = yaml.safe_load(self.heat('template-store-download',
                                           name).out)
        self.assertEqual('A web tier', printed['description'])

        self.assertEqual('deprecated', table_dict(self.heat(
            'template-store-version-deprecate', name, '1.0.0').out)['status'])
        self.assertEqual('renamed', table_dict(self.heat(
            'template-store-update', name,
            '--description', 'renamed').out)['description'])

        self.assert_error(
            self.heat('template-store-version-create', name, '1.0.1',
                      *self.bundle_args(src, '-f'), ok=False),
            '1.0.1')
        self.assert_error(
            self.heat('template-store-version-create', name, '1.2.0',
                      '-f', self.broken_template(), ok=False),
            'Nope::Such::Type')
        self.assert_yaml_error_as_stack_create(
            self.heat('template-store-version-create', name, '1.2.0',
                      '-f', self.unparsable_template(), ok=False))
        self.heat('template-store-version-delete', name, '1.1.0')
        self.heat('template-store-delete', name)
        self.assert_error(self.heat('template-store-show', name, ok=False),
                          'could not be found')

        # Stock commands are heatclient's own, unchanged.
        stock = self.heat('stack-list')
        self.assertIn('stack_name', stock.out)
        self.assertIn('deprecated', stock.err)
        version = self.heat('template-store-list', '--version')
        self.assertTrue(version.out.strip() or version.err.strip())

    def test_the_openstack_commands_environment(self):
        """OS_AUTH_TYPE=none and OS_ENDPOINT, as the README's tour exports
        them for ``openstack``, serve the store's and the stock commands.
        """
        name = 'cli-heat-env'
        tour = dict(self.env, OS_AUTH_TYPE='none',
                    OS_ENDPOINT=self.server.endpoint)
        heat = os.path.join(BIN, 'heat')
        created = table_dict(self.run_cli(
            [heat, 'template-store-create', name, '-f',
             os.path.join(self.source('src'), 'web.yaml'),
             '-e', os.path.join(self.tmp, 'src', 'envs', 'base.yaml')],
            env=tour).out)
        self.assertEqual('1.0.0', created['latest_version'])
        self.assertIn(name, self.run_cli(
            [heat, 'template-store-list'], env=tour).out)
        stock = self.run_cli([heat, 'stack-list'], env=tour)
        self.assertIn('stack_name', stock.out)
        # The options of openstack, on the line, do the same.
        shown = table_dict(self.run_cli(
            [heat, '--os-auth-type', 'none', '--os-endpoint',
             self.server.endpoint, 'template-store-show', name]).out)
        self.assertEqual(created['id'], shown['id'])
        # Without the endpoint, the message says what is missing.
        lost = self.run_cli([heat, 'template-store-list'], ok=False,
                            env=dict(self.env, OS_AUTH_TYPE='none'))
        self.assertEqual(1, lost.code)
        self.assertIn('--os-endpoint or env[OS_ENDPOINT]', lost.err)
        self.heat('template-store-delete', name)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)
        super().tearDown()


def _lib(names, outputs):
    return yaml.safe_dump({
        'heat_template_version': '2018-08-31',
        'resources': {n: {'type': 'OS::Heat::RandomString',
                          'properties': {'length': 4}} for n in names},
        'outputs': {o: {'value': o} for o in outputs}})


class DryRunImpactTest(CLITestCase):
    """version create --dry-run --impact, in both command sets.

    Stacks on ^1.0 (LATEST_MATCHING, reading y), ~1.0.0 and 1.0.0; the
    unpublished 1.1.0 renames b to c and drops y.
    """

    def consumer(self, name, constraint, policy=None, reads=None):
        props = {'template': name, 'version': constraint}
        if policy:
            props['upgrade_policy'] = policy
        template = {'heat_template_version': '2018-08-31',
                    'resources': {'r': {'type': 'OS::Heat::StoredTemplate',
                                        'properties': props}}}
        if reads:
            template['outputs'] = {'read': {'value': {
                'get_attr': ['r', reads]}}}
        stack = {'name': 'dry-%s' % os.urandom(4).hex(), 'id': None}
        code, _headers, body = self.server.request('POST', '/stacks', {
            'stack_name': stack['name'], 'template': template})
        self.assertEqual(201, code, body)
        stack['id'] = body['stack']['id']
        self.assertEqual('CREATE_COMPLETE', self.wait_stack(
            '%(name)s/%(id)s' % stack, ('CREATE_COMPLETE', 'CREATE_FAILED')))
        return stack

    def test_dry_run_impact_in_both_command_sets(self):
        name = 'cli-dry-%s' % os.urandom(3).hex()
        for file_name, text in (('v1.yaml', _lib('ab', 'xy')),
                                ('v11.yaml', _lib('ac', 'x'))):
            with open(os.path.join(self.tmp, file_name), 'w') as f:
                f.write(text)
        self.store('create', name, '-t', os.path.join(self.tmp, 'v1.yaml'))
        caret = self.consumer(name, '^1.0', 'LATEST_MATCHING', reads='y')
        self.consumer(name, '~1.0.0')
        self.consumer(name, '1.0.0')
        new = os.path.join(self.tmp, 'v11.yaml')

        shown = self.store_json('version', 'create', name, '1.1.0', '-t', new,
                                '--force', '--dry-run', '--impact')
        self.assertEqual((None, '1.1.0', 0),
                         (shown['id'], shown['version'],
                          shown['other_consumers']))
        self.assertEqual([caret['id']],
                         [e['stack_id'] for e in shown['impact']])
        entry = shown['impact'][0]
        self.assertEqual(
            ([('c', 'OS::Heat::RandomString')],
             [('b', 'OS::Heat::RandomString')], ['y'], None),
            ([(r['resource_name'], r['resource_type'])
              for r in entry['added']],
             [(r['resource_name'], r['resource_type'])
              for r in entry['deleted']],
             entry['breaks']['outputs'], entry['error']))
        # Without --force the interface check refuses, as a publish would,
        # and names the option of each command set (the API's words are
        # 'set "force": true').
        self.assert_error(self.store('version', 'create', name, '1.1.0',
                                     '-t', new, '--dry-run', ok=False),
                          'breaks the interface', 'or use --force.')
        self.assert_error(self.heat('template-store-version-create', name,
                                    '1.1.0', '-f', new, '--dry-run',
                                    ok=False),
                          'breaks the interface', 'or use --force.')

        legacy = self.heat('template-store-version-create', name, '1.1.0',
                           '-f', new, '--force', '--dry-run', '--impact').out
        self.assertIn('Stacks that would move: 1', legacy)
        self.assertIn('%s (%s), resource r: 1.0.0 on "^1.0", '
                      'LATEST_MATCHING, moves on its next update' % (
                          caret['name'], caret['id']), legacy)
        self.assertIn('  added c (OS::Heat::RandomString)', legacy)
        self.assertIn('  deleted b (OS::Heat::RandomString)', legacy)
        self.assertIn('  output y is read but missing', legacy)

        self.assertEqual(['1.0.0'], [v['Version'] for v in self.store_json(
            'version', 'list', name)])
        self.assertIn('Stacks that would move: 0', self.heat(
            'template-store-version-impact', name, '1.0.0').out)


def readme_block(after):
    """The first ``sh`` block of the README after the line ``after``."""
    with open(os.path.join(TOP, 'README.md')) as f:
        text = f.read()
    start = text.index('```sh\n', text.index(after + '\n')) + len('```sh\n')
    return text[start:text.index('```', start)]


class ReadmeTourTest(CLITestCase):
    # About 20 openstack calls and two stacks: minutes on a loaded machine.
    TIMEOUT_SCALING_FACTOR = 2

    def test_the_commands_tour_as_written(self):
        """The README's tour of the commands, pasted into a shell: it ends
        with a stack built from the store, among the version's consumers.
        """
        script = readme_block('### The same with the commands')
        self.assertIn('export OS_AUTH_TYPE=none OS_ENDPOINT='
                      'http://127.0.0.1:8004/v1/admin\n', script)
        script = script.replace(
            '. .venv/bin/activate\n', '').replace(
            'http://127.0.0.1:8004/v1/admin', self.server.endpoint).replace(
            '/tmp/tour', os.path.join(self.tmp, 'tour'))
        env = dict(self.env, PATH=BIN + os.pathsep + self.env['PATH'])
        proc = subprocess.run(['bash', '-c', script], capture_output=True,
                              text=True, timeout=600, env=env, cwd=TOP)
        self.assertNotIn('Traceback', proc.stderr)
        self.assertEqual(0, proc.returncode, proc.stderr)
        lines = proc.stdout.splitlines()
        header = [i for i, line in enumerate(lines)
                  if '| Stack Name ' in line and '| Resource Name ' in line]
        self.assertEqual(1, len(header), proc.stdout)
        # header, border, rows, border: the version consumers table.
        end = lines.index(lines[header[0] + 1], header[0] + 2)
        consumers = table_rows('\n'.join(lines[header[0]:end]))
        self.assertEqual([('app', 'secret')],
                         [(row['Stack Name'], row['Resource Name'])
                          for row in consumers])
        # The one error is the delete refused while the stack uses pw.
        errors = [line for line in proc.stderr.splitlines()
                  if line.startswith('ERROR')]
        self.assertEqual(['ERROR: Stored template pw is in use by 1 '
                          'stack(s): app.'], errors)
        self.assertEqual(404, self.server.request(
            'GET', '/stored_templates/pw')[0])


# A tree as people write it: comments, flow maps, an unquoted version date,
# a block scalar, a child in a subfolder that refers relative to itself.
OWN_ROOT = """\
# The web tier, by hand.
heat_template_version: 2018-08-31   # no quotes
description: >
  A web tier, folded
parameters:
  size: {type: number, default: 16}   # flow map
resources:
  boot: {type: OS::Heat::Value,
         properties: {value: {get_file: scripts/boot.sh}}}
  child:
    type: nested/child.yaml
  mapped:
    type: My::Mapped
"""

OWN_CHILD = """\
# A child: its references are relative to itself.
heat_template_version: 2018-08-31
resources:
  own: {type: OS::Heat::Value, properties: {value: {get_file: data.txt}}}
  shared:
    type: OS::Heat::Value
    properties:
      value: {get_file: ../scripts/boot.sh}   # up and over
"""

OWN_TREE = {
    'web.yaml': OWN_ROOT,
    'environment.yaml': '# defaults\nparameter_defaults: {size: 8}\n'
                        'resource_registry:\n'
                        '  My::Mapped: nested/child.yaml  # reused\n',
    'nested/child.yaml': OWN_CHILD,
    'nested/data.txt': 'child data\n',
    'scripts/boot.sh': '#!/bin/sh\necho "hello"\n',
}


class OwnTextsTest(CLITestCase):
    """What was published is what comes back, byte for byte."""

    def test_download_gives_the_published_tree_back(self):
        name = 'web'
        top = self.source('src', OWN_TREE)
        self.store(
            'create', name, '-t', os.path.join(top, 'web.yaml'),
            '-e', os.path.join(top, 'environment.yaml'),
            '--first-version', '1.0.0')
        shown = self.store_json('version', 'show', name, '1.0.0')
        out = os.path.join(self.tmp, 'out')
        self.store('download', name, '1.0.0', '--output-dir', out)
        diff = subprocess.run(['diff', '-r', top, out], capture_output=True,
                              text=True)
        self.assertEqual(0, diff.returncode, diff.stdout + diff.stderr)
        # The template alone, printed, is the root as written too.
        self.assertEqual(OWN_ROOT, self.store('download', name, '1.0.0').out)

        # Republished from the download, the same digest.
        again = self.store_json(
            'version', 'create', name, '1.0.1',
            '-t', os.path.join(out, 'web.yaml'),
            '-e', os.path.join(out, 'environment.yaml'))
        self.assertEqual(shown['digest'], again['digest'])

        # The same in the legacy command set.
        legacy = os.path.join(self.tmp, 'legacy')
        self.heat('template-store-download', name, '1.0.1', '-o', legacy)
        diff = subprocess.run(['diff', '-r', top, legacy],
                              capture_output=True, text=True)
        self.assertEqual(0, diff.returncode, diff.stdout + diff.stderr)

    def test_a_tree_sent_parsed_downloads_as_before(self):
        # A heatclient body: the template a map, no texts: the download is
        # the stored form, written as YAML.
        template = yaml.safe_load(OWN_ROOT)
        # As Heat's parser reads it: the version date is a string.
        template['heat_template_version'] = '2018-08-31'
        code, _headers, body = self.server.request(
            'POST', '/stored_templates', {
                'name': 'parsed-web', 'version': {
                    'version': '1.0.0',
                    'template': template,
                    'files': {'scripts/boot.sh': 'x\n',
                              'nested/data.txt': 'd\n',
                              'nested/child.yaml': OWN_CHILD},
                    'environment': {'resource_registry': {
                        'My::Mapped': 'nested/child.yaml'}}}})
        self.assertEqual(201, code, body)
        out = os.path.join(self.tmp, 'parsed')
        self.store('download', 'parsed-web', '1.0.0', '--output-dir', out)
        with open(os.path.join(out, 'parsed-web.yaml')) as f:
            root = f.read()
        self.assertNotIn('#', root)
        self.assertEqual(template, yaml.safe_load(root))
        # A child sent as text, its references relative to itself, is
        # written as it was sent.
        with open(os.path.join(out, 'nested/child.yaml')) as f:
            self.assertEqual(OWN_CHILD, f.read())
