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

"""openstack orchestration template store version create|list|show|set|
delete|consumers|dependents|impact"""

import logging

from cliff import columns
from osc_lib.command import command
from osc_lib import exceptions as exc
from osc_lib import utils

from heat_store.client import cli
from heat_store.client.i18n import _
from heat_store.client import impact
from heat_store.osc import common
from heat_store.osc import stored_template

HELP = cli.HELP


def _add_template_and_version(parser, version_help, nargs=None):
    common.add_template_argument(parser)
    parser.add_argument('version', metavar='<version>', nargs=nargs,
                        help=version_help)


class CreateVersion(command.ShowOne):
    """Publish a version of a stored template from local files.

    With --dry-run, the server judges the version as it would publish it
    (validation, interface check, quotas) and writes nothing; --impact
    adds the impact report of the unpublished version: Heat's update
    preview of each of your stacks that would move to it.
    """

    log = logging.getLogger(__name__ + '.CreateVersion')

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        _add_template_and_version(parser, HELP['new_version'], nargs='?')
        common.add_bundle_arguments(parser, required=True)
        parser.add_argument('--description', metavar='<description>',
                            help=HELP['version_description'])
        parser.add_argument('--dry-run', action='store_true',
                            help=HELP['publish_dry_run'])
        parser.add_argument('--impact', action='store_true',
                            help=HELP['impact'])
        return parser

    @common.store_errors
    def take_action(self, parsed_args):
        self.log.debug('take_action(%s)', parsed_args)
        if parsed_args.impact and not parsed_args.dry_run:
            raise exc.CommandError(_('ERROR: --impact previews a version '
                                     'that is not published: add '
                                     '--dry-run'))
        loaded = common.load_bundle(self.app, parsed_args)
        fields = common.version_fields(parsed_args, loaded,
                                       version=parsed_args.version,
                                       description=parsed_args.description)
        versions = common.store(self.app).versions
        if parsed_args.dry_run:
            return _dry_run(versions, self.app.stderr,
                            parsed_args.stored_template,
                            parsed_args.impact, fields)
        version = versions.create(parsed_args.stored_template, **fields)
        return common.version_columns_and_row(version)


def _dry_run(versions, stderr, stored_template, with_impact, fields):
    """The version as it would be published, and its impact report."""
    progress = _Progress(stderr)
    if with_impact:
        progress.show(_('Previewing the stacks that would move to the new '
                        'version ...'))
    try:
        version, entries, others = versions.dry_run(
            stored_template, impact=with_impact, **fields)
    finally:
        progress.clear()
    columns, row = common.version_columns_and_row(version)
    if not with_impact:
        return columns, row
    return (columns + ('impact', 'other_consumers'),
            row + (ImpactColumn(entries), others))


class ListVersion(command.Lister):
    """List the versions of a stored template, newest first."""

    log = logging.getLogger(__name__ + '.ListVersion')

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        common.add_template_argument(parser)
        parser.add_argument('--constraint', metavar='<constraint>',
                            help=HELP['constraint_filter'])
        parser.add_argument('--status', metavar='<status>',
                            choices=cli.STATUSES,
                            help=HELP['status_filter'])
        parser.add_argument('--limit', metavar='<limit>', type=int,
                            help=HELP['version_limit'])
        parser.add_argument('--marker', metavar='<version>',
                            help=HELP['version_marker'])
        parser.add_argument('--oldest-first', action='store_true',
                            help=_('List (and page) oldest first'))
        parser.add_argument('--long', action='store_true',
                            help=_('List more columns'))
        return parser

    @common.store_errors
    def take_action(self, parsed_args):
        self.log.debug('take_action(%s)', parsed_args)
        return _list(common.store(self.app), parsed_args)


def _list(store, args):
    versions = store.versions.list(
        args.stored_template, constraint=args.constraint, status=args.status,
        limit=args.limit, marker=args.marker,
        sort_dir='asc' if args.oldest_first else None)
    columns = [cli.label(c) for c in cli.VERSION_LIST_COLUMNS]
    if args.long:
        columns[3:3] = ['Size', 'Description', 'Warnings']
    return columns, [utils.get_item_properties(
        v, columns, formatters={'Warnings': common.NewlineListColumn})
        for v in versions]


class ShowVersion(command.ShowOne):
    """Show a version of a stored template."""

    log = logging.getLogger(__name__ + '.ShowVersion')

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        _add_template_and_version(parser, HELP['version_to_show'])
        return parser

    @common.store_errors
    def take_action(self, parsed_args):
        self.log.debug('take_action(%s)', parsed_args)
        version = common.store(self.app).versions.find(
            parsed_args.stored_template, parsed_args.version)
        return common.version_columns_and_row(version)


class SetVersion(command.ShowOne):
    """Deprecate or reactivate a version, or change its description.

    A deprecated version is never picked by a new resolution, but keeps
    serving the stacks already pinned to it.
    """

    log = logging.getLogger(__name__ + '.SetVersion')

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        _add_template_and_version(parser, _('The version to change'))
        status = parser.add_mutually_exclusive_group()
        status.add_argument(
            '--deprecate',
            dest='status',
            action='store_const',
            const='deprecated',
            help=_('Deprecate the version'))
        status.add_argument(
            '--activate',
            dest='status',
            action='store_const',
            const='active',
            help=_('Make a deprecated version active again'))
        parser.add_argument('--description', metavar='<description>',
                            help=HELP['new_version_description'])
        return parser

    @common.store_errors
    def take_action(self, parsed_args):
        self.log.debug('take_action(%s)', parsed_args)
        if parsed_args.status is None and parsed_args.description is None:
            raise exc.CommandError(_('ERROR: nothing to set: give '
                                     '--deprecate, --activate or '
                                     '--description'))
        version = common.store(self.app).versions.update(
            parsed_args.stored_template, parsed_args.version,
            status=parsed_args.status, description=parsed_args.description)
        return common.version_columns_and_row(version)


class DeleteVersion(command.Command):
    """Delete versions of a stored template that no stack uses."""

    log = logging.getLogger(__name__ + '.DeleteVersion')

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        _add_template_and_version(parser, HELP['versions_to_delete'],
                                  nargs='+')
        return parser

    def take_action(self, parsed_args):
        self.log.debug('take_action(%s)', parsed_args)
        store = common.store(self.app)
        return stored_template.delete_all(
            store.versions.delete,
            [(parsed_args.stored_template, version)
             for version in parsed_args.version], _('versions'))


class _OneVersionLister(command.Lister):
    """A list about one exact version (or ``latest``)."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        _add_template_and_version(parser, HELP['exact_version'])
        return parser


class ListConsumers(_OneVersionLister):
    """List your stacks built from a version."""

    log = logging.getLogger(__name__ + '.ListConsumers')

    @common.store_errors
    def take_action(self, parsed_args):
        self.log.debug('take_action(%s)', parsed_args)
        stacks = common.store(self.app).versions.consumers(
            parsed_args.stored_template, parsed_args.version)
        columns = ('ID', 'Stack Name', 'Resource Name', 'Nested Stack ID',
                   'Creation Time')
        return columns, [utils.get_dict_properties(s, columns)
                         for s in stacks]


class ListDependents(_OneVersionLister):
    """List the versions whose bundles are locked to a version.

    Versions of templates you may not see are only counted.
    """

    log = logging.getLogger(__name__ + '.ListDependents')

    @common.store_errors
    def take_action(self, parsed_args):
        self.log.debug('take_action(%s)', parsed_args)
        dependents, others = common.store(self.app).versions.dependents(
            parsed_args.stored_template, parsed_args.version)
        if others:
            self.app.stderr.write(
                _('%d other dependent version(s) in templates you cannot '
                  'see\n') % others)
        columns = ('Template Name', 'Version', 'Status', 'Template ID', 'ID')
        return columns, [utils.get_dict_properties(d, columns)
                         for d in dependents]


class ResourcesColumn(columns.FormattableColumn):
    """Nested resources of a preview: one ``name (type)`` a line."""

    def human_readable(self):
        lines = ['%s (%s)' % (r.get('resource_name'), r.get('resource_type'))
                 for r in self._value or []]
        return '\n'.join(lines)


class BreaksColumn(columns.FormattableColumn):
    def human_readable(self):
        return '\n'.join(impact.break_lines(self._value))


class ImpactColumn(columns.FormattableColumn):
    """An impact report in one field: a paragraph per stack."""

    def human_readable(self):
        return '\n'.join(impact.lines(self._value))


IMPACT_COLUMNS = ('Stack Name', 'Stack ID', 'Resource Name',
                  'Current Version', 'Constraint', 'Upgrade Policy',
                  'Moves On Update', 'Added', 'Updated', 'Replaced',
                  'Deleted', 'Breaks', 'Error')
IMPACT_FORMATTERS = {'Added': ResourcesColumn, 'Updated': ResourcesColumn,
                     'Replaced': ResourcesColumn,
                     'Deleted': ResourcesColumn, 'Breaks': BreaksColumn,
                     'Error': common.OptionalColumn}


class ShowImpact(_OneVersionLister):
    """Preview what a version would do to the stacks that would move to it.

    One row per stack of your project whose constraint admits the version:
    Heat's update preview of the stack with the resource moved to it (the
    nested resources added, updated, replaced and deleted) and what would
    break in the stack (outputs it reads that the version lacks,
    parameters the version requires that the resource does not pass).
    Stacks of other projects are only counted.
    """

    log = logging.getLogger(__name__ + '.ShowImpact')

    @common.store_errors
    def take_action(self, parsed_args):
        self.log.debug('take_action(%s)', parsed_args)
        progress = _Progress(self.app.stderr)
        progress.show(_('Previewing the stacks that would move to %(t)s '
                        '%(v)s ...') % {'t': parsed_args.stored_template,
                                        'v': parsed_args.version})
        try:
            entries, others = common.store(self.app).versions.impact(
                parsed_args.stored_template, parsed_args.version)
        finally:
            progress.clear()
        if others:
            self.app.stderr.write(
                _('%d stack(s) of other projects would move too\n') %
                others)
        return IMPACT_COLUMNS, [
            utils.get_dict_properties(e, IMPACT_COLUMNS,
                                      formatters=IMPACT_FORMATTERS)
            for e in entries]


class _Progress(object):
    """One line on stderr while the server previews, on a terminal only."""

    def __init__(self, stream):
        isatty = getattr(stream, 'isatty', None)
        self.stream = stream if isatty is not None and isatty() else None
        self.width = 0

    def show(self, text):
        if self.stream is not None:
            self.stream.write(text)
            self.stream.flush()
            self.width = len(text)

    def clear(self):
        if self.stream is not None and self.width:
            self.stream.write('\r%s\r' % (' ' * self.width))
            self.stream.flush()
