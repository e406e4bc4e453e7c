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

"""openstack orchestration template store create|list|show|set|delete|
resolve|download|sync"""

import logging
import sys

from osc_lib.command import command
from osc_lib import exceptions as exc
from osc_lib import utils

from heat_store.client import bundle
from heat_store.client import cli
from heat_store.client import common as client_common
from heat_store.client.i18n import _
from heat_store.client import sync
from heat_store.client import versions
from heat_store.osc import common

SORT_KEYS = ('name', 'creation_time', 'updated_time')
REPUBLISH = {
    'command': 'openstack orchestration template store version create '
               '%(name)s -t %(template)s',
    'environment': ' -e %(environment)s',
}
TAG_MODES = {None: 'tags', 'any': 'tags_any', 'not': 'not_tags',
             'not-any': 'not_tags_any'}


HELP = cli.HELP
_add_name = common.add_template_argument


class CreateStoredTemplate(command.ShowOne):
    """Create a stored template, publishing its first version from files."""

    log = logging.getLogger(__name__ + '.CreateStoredTemplate')

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('name', metavar='<name>',
                            help=HELP['new_name'])
        parser.add_argument('--description', metavar='<description>',
                            help=HELP['template_description'])
        common.add_tags_argument(parser, HELP['template_tags'])
        parser.add_argument('--visibility', metavar='<visibility>',
                            choices=common.VISIBILITIES,
                            help=HELP['visibility'])
        parser.add_argument('--first-version', metavar='<version>',
                            help=cli.first_version_help('--template'))
        common.add_bundle_arguments(parser, required=False)
        return parser

    @common.store_errors
    def take_action(self, parsed_args):
        self.log.debug('take_action(%s)', parsed_args)
        return _create(self.app, parsed_args)


def _create(app, args):
    fields = {'name': args.name, 'description': args.description,
              'tags': client_common.split_tags(args.tags),
              'visibility': args.visibility}
    if args.template:
        loaded = common.load_bundle(app, args)
        fields['version'] = common.version_fields(
            args, loaded, version=args.first_version or versions.FIRST_VERSION)
    elif args.environment or args.first_version:
        raise exc.CommandError(_('ERROR: --environment and --first-version '
                                 'need --template'))
    template = common.store(app).stored_templates.create(**fields)
    return common.TEMPLATE_COLUMNS, common.template_row(template)


class ListStoredTemplate(command.Lister):
    """List the stored templates you may see."""

    log = logging.getLogger(__name__ + '.ListStoredTemplate')

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('--name', metavar='<name>', action='append',
                            help=HELP['name_filter'])
        common.add_tags_argument(
            parser, _('Only stored templates with these tags, comma '
                      'separated (all of them unless --tag-mode says)'))
        parser.add_argument(
            '--tag-mode',
            metavar='<mode>',
            choices=('any', 'not', 'not-any'),
            help=_('How --tags filters: "any" (any of the tags), "not" '
                   '(not all of them) or "not-any" (none of them)'))
        parser.add_argument('--visibility', metavar='<visibility>',
                            choices=common.VISIBILITIES,
                            help=HELP['visibility_filter'])
        parser.add_argument('--limit', metavar='<limit>', type=int,
                            help=HELP['template_limit'])
        parser.add_argument('--marker', metavar='<id>',
                            help=HELP['template_marker'])
        parser.add_argument(
            '--sort',
            metavar='<key>[:<direction>]',
            help=_('Sort on the server by %s, comma separated, each '
                   'optionally :asc or :desc') % ', '.join(SORT_KEYS))
        parser.add_argument('--all-projects', action='store_true',
                            help=HELP['all_projects'])
        parser.add_argument('--member-status', metavar='<status>',
                            choices=cli.MEMBER_STATUSES + ('all',),
                            help=HELP['member_status_filter'])
        parser.add_argument('--long', action='store_true',
                            help=_('List more columns'))
        return parser

    @common.store_errors
    def take_action(self, parsed_args):
        self.log.debug('take_action(%s)', parsed_args)
        return _list(common.store(self.app), parsed_args)


def _sort_params(text):
    if not text:
        return {}
    keys, directions = [], set()
    for item in text.split(','):
        key, _sep, direction = item.strip().partition(':')
        keys.append(key)
        if direction:
            directions.add(direction)
    if len(directions) > 1:
        raise exc.CommandError(_('ERROR: --sort takes one direction for '
                                 'all its keys'))
    return {'sort_keys': keys,
            'sort_dir': directions.pop() if directions else None}


def _list(store, args):
    params = {'name': args.name, 'visibility': args.visibility,
              'limit': args.limit, 'marker': args.marker,
              'global_tenant': args.all_projects or None,
              'member_status': args.member_status}
    params[TAG_MODES[args.tag_mode]] = client_common.split_tags(args.tags)
    params.update(_sort_params(args.sort))
    columns = [cli.label(c) for c in cli.TEMPLATE_LIST_COLUMNS]
    if args.member_status:
        columns = [cli.label(c) for c in cli.OFFER_LIST_COLUMNS]
    elif args.long:
        columns[2:2] = ['Description', 'Project ID']
        columns.append('Creation Time')
    templates = store.stored_templates.list(**params)
    return columns, [utils.get_item_properties(
        t, columns, formatters={'Tags': common.ListColumn})
        for t in templates]


class ShowStoredTemplate(command.ShowOne):
    """Show a stored template."""

    log = logging.getLogger(__name__ + '.ShowStoredTemplate')

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        _add_name(parser)
        return parser

    @common.store_errors
    def take_action(self, parsed_args):
        self.log.debug('take_action(%s)', parsed_args)
        template = common.store(self.app).stored_templates.get(
            parsed_args.stored_template)
        return common.TEMPLATE_COLUMNS, common.template_row(template)


class SetStoredTemplate(command.ShowOne):
    """Change a stored template's description, tags or visibility."""

    log = logging.getLogger(__name__ + '.SetStoredTemplate')

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        _add_name(parser)
        parser.add_argument('--description', metavar='<description>',
                            help=HELP['new_description'])
        common.add_tags_argument(parser, HELP['new_tags'])
        parser.add_argument('--visibility', metavar='<visibility>',
                            choices=common.VISIBILITIES,
                            help=HELP['new_visibility'])
        return parser

    @common.store_errors
    def take_action(self, parsed_args):
        self.log.debug('take_action(%s)', parsed_args)
        return _set(common.store(self.app), parsed_args)


def _set(store, args):
    fields = {'description': args.description,
              'tags': client_common.split_tags(args.tags),
              'visibility': args.visibility}
    if all(value is None for value in fields.values()):
        raise exc.CommandError(_('ERROR: nothing to set: give '
                                 '--description, --tags or --visibility'))
    template = store.stored_templates.update(args.stored_template, **fields)
    return common.TEMPLATE_COLUMNS, common.template_row(template)


class DeleteStoredTemplate(command.Command):
    """Delete stored templates with all their versions."""

    log = logging.getLogger(__name__ + '.DeleteStoredTemplate')

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        _add_name(parser, 'templates_to_delete', nargs='+')
        return parser

    def take_action(self, parsed_args):
        self.log.debug('take_action(%s)', parsed_args)
        store = common.store(self.app)
        return delete_all(store.stored_templates.delete,
                          [(name,) for name in parsed_args.stored_template],
                          _('stored templates'))


def delete_all(delete, calls, what):
    """Run every delete; report each failure and raise once at the end."""
    cli.delete_each(delete, calls, what, exc.CommandError)


class ResolveStoredTemplate(command.ShowOne):
    """Show the version a stack asking for a constraint would get."""

    log = logging.getLogger(__name__ + '.ResolveStoredTemplate')

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        _add_name(parser)
        parser.add_argument('constraint', metavar='<constraint>',
                            nargs='?', help=HELP['constraint_to_resolve'])
        return parser

    @common.store_errors
    def take_action(self, parsed_args):
        self.log.debug('take_action(%s)', parsed_args)
        version = common.store(self.app).versions.resolve(
            parsed_args.stored_template, parsed_args.constraint)
        return common.version_columns_and_row(version)


class DownloadStoredTemplate(command.Command):
    """Print a version's template, or write its whole bundle to a directory.

    With --output-dir, the template, its child files and its environment
    are written so that publishing from that directory gives the same
    digest.
    """

    log = logging.getLogger(__name__ + '.DownloadStoredTemplate')

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        _add_name(parser)
        parser.add_argument('version', metavar='<version-or-constraint>',
                            nargs='?', help=HELP['version_to_download'])
        parser.add_argument('--output-dir', metavar='<directory>',
                            help=HELP['output_dir'])
        parser.add_argument('--overwrite', action='store_true',
                            help=HELP['overwrite'])
        return parser

    @common.store_errors
    def take_action(self, parsed_args):
        self.log.debug('take_action(%s)', parsed_args)
        version = common.store(self.app).versions.find(
            parsed_args.stored_template, parsed_args.version)
        if not parsed_args.output_dir:
            self.app.stdout.write(bundle.as_text(
                bundle.version_texts(version)[0]))
            return
        self.app.stdout.write(bundle.write_version(
            version, parsed_args.output_dir, parsed_args.overwrite,
            REPUBLISH))


class SyncStoredTemplate(command.Lister):
    """Publish the semver git tags of a repository as versions.

    Each tag v1.2.3 or 1.2.3 (others are skipped) that is not yet a
    version is published, oldest first, from the tag's own tree, with its
    source set to the repository and the tag's commit; the stored template
    is created if needed. A tag whose version exists with other content is
    reported as a conflict and never overwritten. Exits non-zero when a
    tag failed or was refused.
    """

    log = logging.getLogger(__name__ + '.SyncStoredTemplate')

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        _add_name(parser, 'sync_name')
        add_sync_arguments(parser)
        return parser

    def run(self, parsed_args):
        self.failures = 0
        code = super().run(parsed_args)
        if self.failures:
            self.app.stderr.write('%s\n' % sync_failed_message(self.failures))
        return code or (1 if self.failures else 0)

    @common.store_errors
    def take_action(self, parsed_args):
        self.log.debug('take_action(%s)', parsed_args)
        rows = _sync(common.store(self.app), parsed_args, self.app.stderr)
        self.failures = sync.failures(rows)
        return sync.COLUMNS, [utils.get_item_properties(
            row, sync.COLUMNS, formatters={'Version': common.OptionalColumn})
            for row in rows]


def add_sync_arguments(parser):
    parser.add_argument('--repo', metavar='<path-or-url>', required=True,
                        help=HELP['repo'])
    parser.add_argument('-t', '--template', metavar='<path-in-repo>',
                        required=True, help=HELP['repo_template'])
    parser.add_argument('-e', '--environment', metavar='<path-in-repo>',
                        action='append', help=HELP['repo_environment'])
    parser.add_argument('--tag-pattern', metavar='<glob>',
                        help=HELP['tag_pattern'])
    parser.add_argument('--dry-run', action='store_true',
                        help=HELP['dry_run'])


def sync_failed_message(count):
    return _('ERROR: %d tag(s) failed or were refused; see the Result and '
             'Detail columns') % count


def _sync(store, args, stderr):
    def progress(row):
        stderr.write('%s: %s\n' % (row.tag, row.result))
    return sync.sync(store, args.stored_template, args.repo, args.template,
                     args.environment, pattern=args.tag_pattern,
                     dry_run=args.dry_run,
                     progress=progress if sys.stdin.isatty() else None)
