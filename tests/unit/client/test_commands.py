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

"""The command sets: their options, their errors, the heat shell wrapper."""

import argparse
import importlib.metadata
import io
import json
import os
from unittest import mock
from urllib import error as url_error

import fixtures
from heatclient import exc as heat_exc
from heatclient import shell as heat_shell
from openstackclient import shell as osc_shell
from osc_lib import exceptions as osc_exc

from heat_store.client import cli
from heat_store.client import errors
from heat_store.client.i18n import _
from heat_store.client import shell as store_shell
from heat_store.client import sync
from heat_store.cmd import heat
from heat_store.osc import stored_template
from tests import base

GROUP = 'openstack.orchestration.v1'
PREFIX = 'orchestration_template_store_'
OSC_COMMANDS = ('create', 'list', 'show', 'set', 'delete', 'resolve',
                'download', 'sync', 'version_create', 'version_list',
                'version_show', 'version_set', 'version_delete',
                'version_consumers', 'version_dependents',
                'version_impact', 'member_list', 'member_create',
                'member_delete', 'member_set-status')
HEAT_COMMANDS = ('create', 'list', 'show', 'update', 'delete',
                 'version-create', 'version-list', 'version-show',
                 'version-delete', 'version-deprecate', 'resolve',
                 'download', 'sync', 'version-impact', 'member-list',
                 'member-create', 'member-delete', 'member-update')


def fault(code, message):
    return json.dumps({'code': code, 'title': 'x', 'explanation': 'y',
                       'error': {'type': 'Z', 'message': message,
                                 'traceback': None}})


def option_strings(parser):
    return {option for action in parser._actions
            for option in action.option_strings}


def store_entry_points():
    return {ep.name: ep for ep in importlib.metadata.entry_points(group=GROUP)
            if ep.name.startswith(PREFIX)}


class ErrorMessageTest(base.BaseTestCase):
    def test_server_fault_gives_its_message(self):
        error = heat_exc.HTTPNotFound(fault(404, 'The stored template '
                                            '(nope) could not be found.'))
        self.assertEqual('ERROR: The stored template (nope) could not be '
                         'found.', errors.message(error))

    def test_message_keeps_its_lines(self):
        error = heat_exc.HTTPBadRequest(fault(
            400, 'bad at line 2, column 3: oops  \n    a: [b\n      ^\n'))
        self.assertEqual('ERROR: bad at line 2, column 3: oops\n'
                         '    a: [b\n      ^', errors.message(error))

    def test_body_without_fault_names_the_status(self):
        error = heat_exc.HTTPConflict('<html>conflict</html>')
        self.assertIn('ERROR: ', errors.message(error))

    def test_unreadable_file(self):
        error = url_error.URLError(FileNotFoundError(
            2, 'No such file or directory', '/tmp/x/web.yaml'))
        self.assertEqual('ERROR: cannot read /tmp/x/web.yaml: No such file '
                         'or directory', errors.message(error))

    def test_heatclient_command_error_and_bundle_error(self):
        self.assertEqual(
            'ERROR: Could not fetch contents for file:///a',
            errors.message(heat_exc.CommandError(
                'Could not fetch contents for file:///a')))
        self.assertEqual('ERROR: outside',
                         errors.message(errors.BundleError('outside')))

    def test_unexpected_error_is_not_ours(self):
        self.assertIsNone(errors.message(KeyError('x')))

    def test_failures_collects_messages(self):
        def delete(name):
            if name == 'bad':
                raise heat_exc.HTTPNotFound(fault(404, 'no bad'))
        self.assertEqual(['ERROR: no bad'],
                         errors.failures(delete, [('good',), ('bad',)]))


class OSCCommandsTest(base.BaseTestCase):
    def setUp(self):
        super().setUp()
        self.app = mock.Mock()

    def parser(self, name):
        command = store_entry_points()[PREFIX + name].load()(self.app, None)
        return command, command.get_parser('openstack ' + name)

    def test_every_command_is_registered(self):
        self.assertEqual(sorted(PREFIX + name for name in OSC_COMMANDS),
                         sorted(store_entry_points()))

    def test_no_command_owns_an_option_cliff_takes_as_global(self):
        global_options = option_strings(
            osc_shell.OpenStackShell().build_option_parser('openstack', '1'))
        self.assertIn('--version', global_options)
        for name in OSC_COMMANDS:
            _command, parser = self.parser(name)
            ours = option_strings(parser)
            self.assertEqual({'-h', '--help'}, ours & global_options, name)
            # cliff parses its options with abbreviations allowed: none of
            # ours may be the start of a global one either.
            for option in ours:
                clash = [g for g in global_options - {'--help'}
                         if option.startswith('--') and g.startswith(option)]
                self.assertEqual([], clash, (name, option))

    def test_version_create_takes_the_version_positionally(self):
        _command, parser = self.parser('version_create')
        args = parser.parse_args(['web', '1.2.0', '-t', 'web.yaml',
                                  '-e', 'a.yaml', '-e', 'b.yaml'])
        self.assertEqual(('web', '1.2.0', ['a.yaml', 'b.yaml']),
                         (args.stored_template, args.version,
                          args.environment))
        args = parser.parse_args(['web', '--template', 'web.yaml'])
        self.assertIsNone(args.version)
        self.assertRaises(SystemExit, parser.parse_args, ['web'])

    def test_version_create_dry_run_impact(self):
        command, parser = self.parser('version_create')
        self.app.stderr = io.StringIO()
        path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'web.yaml')
        with open(path, 'w') as f:
            f.write('heat_template_version: 2021-04-16\n')
        http = self.app.client_manager.orchestration.http_client
        entry = {'stack_id': 's1', 'stack_name': 'web1',
                 'resource_name': 'r', 'current_version': '1.0.0',
                 'constraint': '^1.0', 'upgrade_policy': 'LATEST_MATCHING',
                 'moves_on_update': True,
                 'added': [{'resource_name': 'c',
                            'resource_type': 'OS::Heat::None'}],
                 'updated': [], 'deleted': [], 'replaced': [],
                 'breaks': {'outputs': ['y'], 'parameters': []},
                 'error': None}
        http.post.return_value = mock.Mock(
            headers={'content-type': 'application/json'},
            json=mock.Mock(return_value={
                'stored_template_version': {'id': None,
                                            'version': '1.1.0'},
                'impact': [entry], 'other_consumers': 0}))
        columns, row = command.take_action(parser.parse_args(
            ['web', '1.1.0', '-t', path, '--dry-run', '--impact']))
        ((url,), kwargs), = http.post.call_args_list
        self.assertEqual('/stored_templates/web/versions', url)
        self.assertEqual((True, True, '1.1.0'),
                         (kwargs['data']['dry_run'], kwargs['data']['impact'],
                          kwargs['data']['version']))
        shown = dict(zip(columns, row))
        self.assertEqual((None, '1.1.0', 0),
                         (shown['id'], shown['version'],
                          shown['other_consumers']))
        self.assertEqual([entry], shown['impact'].machine_readable())
        self.assertEqual(
            'web1 (s1), resource r: 1.0.0 on "^1.0", LATEST_MATCHING, '
            'moves on its next update\n'
            '  added c (OS::Heat::None)\n'
            '  output y is read but missing',
            shown['impact'].human_readable())

    def test_version_create_impact_needs_dry_run(self):
        command, parser = self.parser('version_create')
        error = self.assertRaises(
            osc_exc.CommandError, command.take_action,
            parser.parse_args(['web', '-t', 'web.yaml', '--impact']))
        self.assertIn('--dry-run', str(error))
        http = self.app.client_manager.orchestration.http_client
        http.post.assert_not_called()

    def test_version_set_deprecate_and_activate_exclude_each_other(self):
        _command, parser = self.parser('version_set')
        self.assertEqual('deprecated', parser.parse_args(
            ['web', '1.0.0', '--deprecate']).status)
        self.assertEqual('active', parser.parse_args(
            ['web', '1.0.0', '--activate']).status)
        self.assertRaises(SystemExit, parser.parse_args,
                          ['web', '1.0.0', '--deprecate', '--activate'])

    def test_server_fault_becomes_one_command_error(self):
        command, parser = self.parser('show')
        http = self.app.client_manager.orchestration.http_client
        http.get.side_effect = heat_exc.HTTPNotFound(
            fault(404, 'The stored template (web) could not be found.'))
        error = self.assertRaises(osc_exc.CommandError, command.take_action,
                                  parser.parse_args(['web']))
        self.assertEqual('ERROR: The stored template (web) could not be '
                         'found.', str(error))

    def test_create_sends_first_version_and_tags(self):
        command, parser = self.parser('create')
        http = self.app.client_manager.orchestration.http_client
        http.post.return_value = mock.Mock(
            headers={'content-type': 'application/json'},
            json=mock.Mock(return_value={'stored_template': {'id': 'x'}}))
        loaded = mock.Mock()
        loaded.version_fields.return_value = {'template': {}}
        with mock.patch('heat_store.client.bundle.load',
                        return_value=loaded) as load:
            command.take_action(parser.parse_args(
                ['web', '-t', 'web.yaml', '--tags', 'a, b',
                 '--first-version', '2.0.0']))
        self.assertEqual('web.yaml', load.call_args[0][0])
        self.assertEqual('2.0.0',
                         loaded.version_fields.call_args[1]['version'])
        http.post.assert_called_once_with(
            '/stored_templates',
            data={'name': 'web', 'tags': ['a', 'b'],
                  'version': {'template': {}}})

    def test_one_failed_delete_of_several_is_reported_once(self):
        def delete(name):
            if name == 'b':
                raise heat_exc.HTTPConflict(fault(409, 'b is in use'))
        with mock.patch('sys.stderr', new_callable=io.StringIO) as err:
            error = self.assertRaises(
                osc_exc.CommandError, stored_template.delete_all, delete,
                [('a',), ('b',)], 'stored templates')
        self.assertEqual('ERROR: b is in use\n', err.getvalue())
        self.assertIn('1 of the 2', str(error))

    def test_version_list_pages_with_limit_and_marker(self):
        command, parser = self.parser('version_list')
        http = self.app.client_manager.orchestration.http_client
        http.get.return_value = mock.Mock(
            headers={'content-type': 'application/json'},
            json=mock.Mock(return_value={'stored_template_versions': []}))
        command.take_action(parser.parse_args(
            ['web', '--limit', '2', '--marker', '1.1.0', '--oldest-first']))
        http.get.assert_called_once_with(
            '/stored_templates/web/versions'
            '?limit=2&marker=1.1.0&sort_dir=asc')

    def test_version_impact_one_row_per_stack(self):
        command, parser = self.parser('version_impact')
        self.app.stderr = io.StringIO()
        http = self.app.client_manager.orchestration.http_client
        entry = {'stack_id': 's1', 'stack_name': 'web1',
                 'resource_name': 'r', 'current_version': '1.0.0',
                 'constraint': '^1.0', 'upgrade_policy': 'PINNED',
                 'moves_on_update': False,
                 'added': [{'resource_name': 'c',
                            'resource_type': 'OS::Heat::None'}],
                 'updated': [], 'deleted': [],
                 'replaced': [{'resource_name': 'a',
                               'resource_type': 'OS::Nova::Server'}],
                 'breaks': {'outputs': ['y'], 'parameters': []},
                 'error': None}
        http.get.return_value = mock.Mock(
            headers={'content-type': 'application/json'},
            json=mock.Mock(return_value={'impact': [entry],
                                         'other_consumers': 2}))
        columns, rows = command.take_action(
            parser.parse_args(['web', '1.1.0']))
        http.get.assert_called_once_with(
            '/stored_templates/web/versions/1.1.0/impact')
        row = dict(zip(columns, rows[0]))
        self.assertEqual('a (OS::Nova::Server)',
                         row['Replaced'].human_readable())
        self.assertEqual([{'resource_name': 'c',
                           'resource_type': 'OS::Heat::None'}],
                         row['Added'].machine_readable())
        self.assertEqual('output y is read but missing',
                         row['Breaks'].human_readable())
        # Not a terminal: no progress line, only the count of others.
        self.assertEqual('2 stack(s) of other projects would move too\n',
                         self.app.stderr.getvalue())

    def test_sync_options(self):
        _command, parser = self.parser('sync')
        args = parser.parse_args(['web', '--repo', 'git@h:o/web.git',
                                  '-t', 'web.yaml', '-e', 'a.yaml',
                                  '--environment', 'b.yaml',
                                  '--tag-pattern', 'v1.*', '--dry-run'])
        self.assertEqual(('web', 'git@h:o/web.git', 'web.yaml',
                          ['a.yaml', 'b.yaml'], 'v1.*', True),
                         (args.stored_template, args.repo, args.template,
                          args.environment, args.tag_pattern, args.dry_run))
        self.assertRaises(SystemExit, parser.parse_args,
                          ['web', '--repo', 'r'])

    def test_sync_prints_the_table_and_exits_non_zero_on_failures(self):
        command, parser = self.parser('sync')
        self.app.stderr = io.StringIO()
        self.app.stdout = io.StringIO()
        rows = [sync.Row('v1.0.0', '1.0.0', 'c1', sync.PUBLISHED, 'd'),
                sync.Row('v1.1.0', '1.1.0', 'c2', sync.CONFLICT, 'x')]
        args = parser.parse_args(['web', '--repo', '/r', '-t', 'w.yaml',
                                  '-f', 'json'])
        with mock.patch.object(sync, 'sync', return_value=rows) as run:
            self.assertEqual(1, command.run(args))
        self.assertEqual(('/r', 'w.yaml', None), run.call_args[0][2:5])
        self.assertIn('ERROR: 1 tag(s) failed or were refused',
                      self.app.stderr.getvalue())
        self.assertEqual(
            [{'Tag': 'v1.0.0', 'Version': '1.0.0', 'Commit': 'c1',
              'Result': 'published', 'Detail': 'd'},
             {'Tag': 'v1.1.0', 'Version': '1.1.0', 'Commit': 'c2',
              'Result': 'conflict', 'Detail': 'x'}],
            json.loads(self.app.stdout.getvalue()))

    def answers(self, method, *bodies):
        http = self.app.client_manager.orchestration.http_client
        getattr(http, method).side_effect = [mock.Mock(
            headers={'content-type': 'application/json'},
            json=mock.Mock(return_value=body)) for body in bodies]
        return http

    def test_member_set_status_by_id(self):
        command, parser = self.parser('member_set-status')
        tid = '3f2a9c1e-0b7d-4e8a-9f1c-2d3e4f5a6b7c'
        http = self.answers('get', {'stored_templates': []})
        self.answers('put', {'member': {'project_id': 'p2',
                                        'status': 'accepted'}})
        columns, row = command.take_action(parser.parse_args(
            [tid, 'p2', '--status', 'accepted']))
        http.put.assert_called_once_with(
            '/stored_templates/%s/members/p2' % tid,
            data={'status': 'accepted'})
        self.assertEqual('accepted', dict(zip(columns, row))['Status'])

    def test_member_set_status_finds_a_name_among_the_offers(self):
        command, parser = self.parser('member_set-status')
        http = self.answers('get', {'stored_templates': [
            {'id': 'the-id', 'name': 'web'}]})
        self.answers('put', {'member': {'status': 'rejected'}})
        command.take_action(parser.parse_args(
            ['web', 'p2', '--status', 'rejected']))
        http.get.assert_called_once_with(
            '/stored_templates?member_status=all&name=web')
        http.put.assert_called_once_with(
            '/stored_templates/the-id/members/p2',
            data={'status': 'rejected'})

    def test_member_set_status_refuses_an_ambiguous_name(self):
        command, parser = self.parser('member_set-status')
        http = self.answers('get', {'stored_templates': [
            {'id': 'a', 'name': 'web'}, {'id': 'b', 'name': 'web'}]})
        error = self.assertRaises(osc_exc.CommandError, command.take_action,
                                  parser.parse_args(
                                      ['web', 'p2', '--status', 'accepted']))
        self.assertIn('2 stored templates named web', str(error))
        http.put.assert_not_called()

    def test_member_set_status_takes_only_the_statuses(self):
        _command, parser = self.parser('member_set-status')
        with mock.patch('sys.stderr', new_callable=io.StringIO):
            self.assertRaises(SystemExit, parser.parse_args,
                              ['web', 'p2', '--status', 'maybe'])
            self.assertRaises(SystemExit, parser.parse_args, ['web', 'p2'])

    def test_list_offers_shows_the_member_status(self):
        command, parser = self.parser('list')
        http = self.answers('get', {'stored_templates': [
            {'id': 'x', 'name': 'web', 'project_id': 'p1',
             'member_status': 'pending'}]})
        columns, rows = command.take_action(parser.parse_args(
            ['--member-status', 'pending']))
        http.get.assert_called_once_with(
            '/stored_templates?member_status=pending')
        self.assertEqual('pending',
                         dict(zip(columns, list(rows)[0]))['Member Status'])

    def test_member_create_and_list(self):
        command, parser = self.parser('member_create')
        http = self.answers('post', {'member': {'project_id': 'p2',
                                                'status': 'pending'}})
        columns, row = command.take_action(parser.parse_args(['web', 'p2']))
        http.post.assert_called_once_with(
            '/stored_templates/web/members', data={'project_id': 'p2'})
        self.assertEqual('pending', dict(zip(columns, row))['Status'])

    def test_sort_takes_one_direction(self):
        self.assertEqual({'sort_keys': ['name', 'updated_time'],
                          'sort_dir': 'desc'},
                         stored_template._sort_params('name:desc,'
                                                      'updated_time'))
        self.assertRaises(osc_exc.CommandError, stored_template._sort_params,
                          'name:asc,updated_time:desc')


class SharedTextTest(base.BaseTestCase):
    """Both command sets say what an option means with one text."""

    # (openstack command, heat command, option as each spells it)
    SAME = (
        ('create', 'create', '--description', '--description'),
        ('create', 'create', '--visibility', '--visibility'),
        ('create', 'create', '--source-url', '--source-url'),
        ('create', 'create', '--force', '--force'),
        ('create', 'create', '-e', '-e'),
        ('list', 'list', '--limit', '--limit'),
        ('set', 'update', '--tags', '--tags'),
        ('version_list', 'version-list', '--marker', '--marker'),
        ('download', 'download', '--output-dir', '--output-dir'),
        ('sync', 'sync', '--repo', '--repo'),
        ('sync', 'sync', '--dry-run', '--dry-run'),
        ('version_create', 'version-create', '--description',
         '--description'),
        ('version_create', 'version-create', '--impact', '--impact'),
        ('list', 'list', '--member-status', '--member-status'),
        ('member_set-status', 'member-update', '--status', '--status'),
    )

    @staticmethod
    def _help(parser, option):
        return [a.help for a in parser._actions
                if option in a.option_strings][0]

    def test_osc_and_heat_help_match(self):
        shell = heat.HeatStoreShell()
        shell.get_subcommand_parser('1')
        app = mock.Mock()
        for osc_name, heat_name, osc_option, heat_option in self.SAME:
            command_class = store_entry_points()[PREFIX + osc_name].load()
            command = command_class(app, None)
            osc_help = self._help(command.get_parser('openstack'),
                                  osc_option)
            heat_help = self._help(
                shell.subcommands['template-store-' + heat_name],
                heat_option)
            self.assertEqual(cli.sentence(osc_help), heat_help,
                             (osc_name, osc_option))

    def test_list_columns_are_the_same_fields(self):
        self.assertEqual(['ID', 'Name', 'Latest Version', 'Version Count',
                          'Visibility', 'Tags', 'Updated Time'],
                         [cli.label(c) for c in cli.TEMPLATE_LIST_COLUMNS])


class HeatShellTest(base.BaseTestCase):
    def test_store_commands_sit_beside_the_stock_ones(self):
        shell = heat.HeatStoreShell()
        shell.get_subcommand_parser('1')
        stock = heat_shell.HeatShell()
        stock.get_subcommand_parser('1')
        self.assertLessEqual(set(stock.subcommands), set(shell.subcommands))
        self.assertIn('stack-list', shell.subcommands)
        self.assertEqual(
            sorted('template-store-' + name for name in HEAT_COMMANDS),
            sorted(set(shell.subcommands) - set(stock.subcommands)))

    def test_no_store_command_owns_a_global_option(self):
        shell = heat.HeatStoreShell()
        shell.get_subcommand_parser('1')
        global_options = option_strings(shell.get_base_parser())
        for name in HEAT_COMMANDS:
            ours = option_strings(shell.subcommands['template-store-' + name])
            self.assertEqual({'-h', '--help'}, ours & global_options, name)

    def test_unknown_shell_layout_warns_and_keeps_stock_commands(self):
        # As if a heatclient release renamed the loader the store calls.
        stock_loader = heat_shell.HeatShell._find_actions

        def renamed(shell, subparsers, module):
            if module is store_shell:
                raise AttributeError(_('_find_actions'))
            return stock_loader(shell, subparsers, module)

        shell = heat.HeatStoreShell()
        with mock.patch.object(heat.HeatStoreShell, '_find_actions',
                               renamed), \
                mock.patch('sys.stderr', new_callable=io.StringIO) as err:
            shell.get_subcommand_parser('1')
        self.assertIn('stack-list', shell.subcommands)
        self.assertNotIn('template-store-list', shell.subcommands)
        self.assertIn('WARNING: heat-store could not add', err.getvalue())

    def test_store_error_is_one_plain_line(self):
        with mock.patch.object(heat.HeatStoreShell, 'main',
                               side_effect=store_shell.StoreCommandError(
                                   'ERROR: no such template')), \
                mock.patch('sys.stderr', new_callable=io.StringIO) as err:
            exit_code = self.assertRaises(SystemExit, heat.main,
                                          ['template-store-show', 'x'])
        self.assertEqual(1, exit_code.code)
        self.assertEqual('ERROR: no such template\n', err.getvalue())

    def test_stock_error_is_printed_as_text(self):
        # Not as stock heat prints it: the repr of its UTF-8 bytes.
        with mock.patch.object(heat.HeatStoreShell, 'main',
                               side_effect=heat_exc.CommandError(
                                   'You must provide a username ü')), \
                mock.patch('sys.stderr', new_callable=io.StringIO) as err:
            self.assertRaises(SystemExit, heat.main, ['stack-show', 'x'])
        self.assertEqual('You must provide a username ü\n', err.getvalue())

    def test_store_command_turns_faults_into_store_errors(self):
        hc = mock.Mock()
        hc.http_client.get.side_effect = heat_exc.HTTPNotFound(
            fault(404, 'gone'))
        args = argparse.Namespace(template='web')
        error = self.assertRaises(store_shell.StoreCommandError,
                                  store_shell.do_template_store_show, hc,
                                  args)
        self.assertEqual('ERROR: gone', str(error))

    def test_member_update_prints_the_answer(self):
        hc = mock.Mock()
        hc.http_client.get.return_value = mock.Mock(
            headers={'content-type': 'application/json'},
            json=mock.Mock(return_value={'stored_templates': []}))
        hc.http_client.put.return_value = mock.Mock(
            headers={'content-type': 'application/json'},
            json=mock.Mock(return_value={'member': {
                'project_id': 'p2', 'template_id': 'tid',
                'status': 'accepted'}}))
        args = argparse.Namespace(template='tid', project='p2',
                                  status='accepted')
        with mock.patch('sys.stdout', new_callable=io.StringIO) as out:
            store_shell.do_template_store_member_update(hc, args)
        hc.http_client.put.assert_called_once_with(
            '/stored_templates/tid/members/p2', data={'status': 'accepted'})
        self.assertIn('accepted', out.getvalue())

    def test_version_list_pages_with_limit_and_marker(self):
        hc = mock.Mock()
        hc.http_client.get.return_value = mock.Mock(
            headers={'content-type': 'application/json'},
            json=mock.Mock(return_value={'stored_template_versions': []}))
        args = argparse.Namespace(template='web', constraint=None,
                                  status=None, limit=2, marker='1.1.0',
                                  sort_dir=None)
        with mock.patch('sys.stdout', new_callable=io.StringIO):
            store_shell.do_template_store_version_list(hc, args)
        hc.http_client.get.assert_called_once_with(
            '/stored_templates/web/versions?limit=2&marker=1.1.0')

    def test_sync_fails_after_printing_the_table(self):
        rows = [sync.Row('nightly', None, 'c1', sync.SKIPPED, 'not'),
                sync.Row('v1.2.0', '1.2.0', 'c2', sync.FAILED, 'bad')]
        args = argparse.Namespace(name='web', repo='/r', template='w.yaml',
                                  environment=None, tag_pattern=None,
                                  dry_run=False)
        with mock.patch.object(sync, 'sync', return_value=rows), \
                mock.patch('sys.stdout', new_callable=io.StringIO) as out:
            error = self.assertRaises(store_shell.StoreCommandError,
                                      store_shell.do_template_store_sync,
                                      mock.Mock(), args)
        self.assertIn('ERROR: 1 tag(s) failed', str(error))
        self.assertIn('| Tag ', out.getvalue())
        self.assertIn('| v1.2.0 ', out.getvalue())

    def test_argparse_version_stays_global(self):
        with mock.patch('sys.stdout', new_callable=io.StringIO) as out:
            exit_code = self.assertRaises(
                SystemExit, heat.HeatStoreShell().main,
                ['template-store-list', '--version'])
        self.assertEqual(0, exit_code.code)
        self.assertTrue(out.getvalue().strip())
