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

"""``heat template-store-*``: the store's commands for the legacy shell.

Functions named ``do_*`` in python-heatclient's style: the ``heat``
console script of this package (:mod:`heat_store.cmd.heat`) adds them to
heatclient's own shell, beside every stock command. Each takes heatclient's
v1 ``Client`` and reaches the store through the same managers as the
``openstack`` commands.
"""

import functools
import logging
import sys

from heatclient.common import http
from heatclient.common import utils
from heatclient import exc

from heat_store.client import bundle
from heat_store.client import cli
from heat_store.client import client as store_client
from heat_store.client import common
from heat_store.client import errors
from heat_store.client.i18n import _
from heat_store.client import impact
from heat_store.client import sync
from heat_store.client import versions

LOG = logging.getLogger(__name__)

TEMPLATE_FIELDS = cli.TEMPLATE_COLUMNS
# NOTE: the legacy shell does not show a version's dependencies.
VERSION_FIELDS = tuple(c for c in cli.VERSION_COLUMNS if c != 'dependencies')
REPUBLISH = {
    'command': 'heat template-store-version-create %(name)s -f %(template)s',
    'environment': ' -e %(environment)s',
}


class StoreCommandError(exc.CommandError):
    """A store command failed; its message is all ``heat`` prints."""


def _store_command(func):
    """Report what a store command expects to go wrong as its message."""
    @functools.wraps(func)
    def wrapper(hc, args):
        try:
            return func(store_client.from_heat_client(hc), args, hc)
        except StoreCommandError:
            raise
        except Exception as error:
            # Broad on purpose: errors.message() is the one list of the
            # errors a command expects; anything else is raised as it is.
            text = errors.message(error)
            if text is None:
                raise
            LOG.debug('%s failed', func.__name__, exc_info=True)
            raise StoreCommandError(text)
    return wrapper


def _fail(message):
    raise StoreCommandError(errors.PREFIX + message)


def _yaml(value):
    return bundle.to_yaml(value).rstrip('\n') if value else ''


def _help(key):
    return cli.sentence(cli.HELP[key])


_TEMPLATE_ARG = utils.arg('template', metavar='<NAME or ID>',
                          help=_help('stored_template'))


def _print_template(template):
    info = template.to_dict()
    utils.print_dict({field: info.get(field) for field in TEMPLATE_FIELDS},
                     formatters={'tags': lambda tags: ', '.join(tags or [])})


def _print_version(version):
    info = version.to_dict()
    if 'files' in info:
        info['files'] = sorted(info['files'] or {})
    utils.print_dict(
        {field: info.get(field) for field in VERSION_FIELDS
         if field in info or field != 'files'},
        formatters={'parameters': _yaml, 'outputs': _yaml,
                    'source': _yaml, 'created_by': _yaml,
                    'warnings': utils.newline_list_formatter,
                    'files': utils.newline_list_formatter})


def _bundle_args(func):
    """-f/-u and -e, the legacy shell's own template options."""
    for decorator in reversed((
            utils.arg('-f', '--template-file', metavar='<FILE>',
                      help=_('Path of the root template; the files it '
                             'refers to are bundled with it.')),
            utils.arg('-u', '--template-url', metavar='<URL>',
                      help=_('URL of the root template.')),
            utils.arg('-e', '--environment-file', metavar='<FILE or URL>',
                      action='append', help=_help('environment')),
            utils.arg('--source-url', metavar='<URL>',
                      help=_help('source_url')),
            utils.arg('--source-revision', metavar='<REVISION>',
                      help=_help('source_revision')),
            utils.arg('--strict', action='store_true',
                      help=_help('strict')),
            utils.arg('--force', action='store_true',
                      help=_help('force')))):
        func = decorator(func)
    return func


def _load(hc, args, required):
    path = args.template_file or args.template_url
    if not path:
        if required or args.environment_file:
            _fail(_('give the template with -f/--template-file or '
                    '-u/--template-url'))
        return None
    return bundle.load(path, args.environment_file,
                       object_request=http.authenticated_fetcher(hc))


_version_fields = cli.version_fields


@utils.arg('name', metavar='<NAME>', help=_help('new_name'))
@_bundle_args
@utils.arg('--description', metavar='<DESCRIPTION>',
           help=_help('template_description'))
@utils.arg('--tags', metavar='<TAG1,TAG2>', help=_help('template_tags'))
@utils.arg('--visibility', metavar='<VISIBILITY>', choices=cli.VISIBILITIES,
           help=_help('visibility'))
@utils.arg('--first-version', metavar='<VERSION>',
           help=cli.sentence(cli.first_version_help('-f or -u')))
@_store_command
def do_template_store_create(store, args, hc):
    """Create a stored template, publishing a first version from files."""
    fields = {'name': args.name, 'description': args.description,
              'tags': common.split_tags(args.tags),
              'visibility': args.visibility}
    loaded = _load(hc, args, required=False)
    if loaded is not None:
        fields['version'] = _version_fields(
            args, loaded, args.first_version or versions.FIRST_VERSION)
    elif args.first_version:
        _fail(_('--first-version needs -f or -u'))
    _print_template(store.stored_templates.create(**fields))


@utils.arg('--name', metavar='<NAME>', action='append',
           help=_help('name_filter'))
@utils.arg('--tags', metavar='<TAG1,TAG2...>',
           help=_('Only stored templates with all these tags.'))
@utils.arg('--tags-any', metavar='<TAG1,TAG2...>',
           help=_('Only stored templates with any of these tags.'))
@utils.arg('--not-tags', metavar='<TAG1,TAG2...>',
           help=_('Only stored templates without all these tags.'))
@utils.arg('--not-tags-any', metavar='<TAG1,TAG2...>',
           help=_('Only stored templates with none of these tags.'))
@utils.arg('--visibility', metavar='<VISIBILITY>',
           help=_help('visibility_filter'))
@utils.arg('-l', '--limit', metavar='<LIMIT>', type=int,
           help=_help('template_limit'))
@utils.arg('-m', '--marker', metavar='<ID>', help=_help('template_marker'))
@utils.arg('--sort-keys', metavar='<KEY1,KEY2...>',
           help=_('Sort by name, creation_time or updated_time.'))
@utils.arg('--sort-dir', metavar='<DIRECTION>', choices=('asc', 'desc'),
           help=_('asc or desc.'))
@utils.arg('-g', '--global-tenant', action='store_true',
           help=_help('all_projects'))
@utils.arg('--member-status', metavar='<STATUS>',
           choices=cli.MEMBER_STATUSES + ('all',),
           help=_help('member_status_filter'))
@_store_command
def do_template_store_list(store, args, hc):
    """List the stored templates you may see."""
    templates = store.stored_templates.list(
        name=args.name, tags=args.tags, tags_any=args.tags_any,
        not_tags=args.not_tags, not_tags_any=args.not_tags_any,
        visibility=args.visibility, limit=args.limit, marker=args.marker,
        sort_keys=args.sort_keys, sort_dir=args.sort_dir,
        global_tenant=args.global_tenant or None,
        member_status=args.member_status)
    columns = (cli.OFFER_LIST_COLUMNS if args.member_status
               else cli.TEMPLATE_LIST_COLUMNS)
    utils.print_list(
        templates, list(columns),
        formatters={'tags': lambda t: ', '.join(t.tags or [])},
        sortby_index=None)


def _print_member(member):
    utils.print_dict({f: getattr(member, f, '') for f in cli.MEMBER_COLUMNS})


@utils.arg('template', metavar='<NAME or ID>',
           help=_help('member_template'))
@_store_command
def do_template_store_member_list(store, args, hc):
    """List the projects your stored template is offered to."""
    utils.print_list(store.members.list(args.template),
                     list(cli.MEMBER_COLUMNS), sortby_index=None)


@utils.arg('template', metavar='<NAME or ID>',
           help=_help('member_template'))
@utils.arg('project', metavar='<PROJECT>', help=_help('member_project'))
@_store_command
def do_template_store_member_create(store, args, hc):
    """Offer your shared stored template to a project (pending its answer)."""
    _print_member(store.members.create(args.template, args.project))


@utils.arg('template', metavar='<NAME or ID>',
           help=_help('member_template'))
@utils.arg('project', metavar='<PROJECT>', help=_help('member_project'))
@_store_command
def do_template_store_member_delete(store, args, hc):
    """Stop offering your stored template to a project."""
    store.members.delete(args.template, args.project)


@utils.arg('template', metavar='<ID or NAME>',
           help=_help('offered_template'))
@utils.arg('project', metavar='<PROJECT>', help=_help('own_project'))
@utils.arg('--status', metavar='<STATUS>', required=True,
           choices=cli.MEMBER_STATUSES, help=_help('member_status'))
@_store_command
def do_template_store_member_update(store, args, hc):
    """Accept or reject a stored template offered to your project."""
    _print_member(store.members.update(
        cli.offered_template_id(store, args.template), args.project,
        args.status))


@_TEMPLATE_ARG
@_store_command
def do_template_store_show(store, args, hc):
    """Show a stored template."""
    _print_template(store.stored_templates.get(args.template))


@_TEMPLATE_ARG
@utils.arg('--description', metavar='<DESCRIPTION>',
           help=_help('new_description'))
@utils.arg('--tags', metavar='<TAG1,TAG2>', help=_help('new_tags'))
@utils.arg('--visibility', metavar='<VISIBILITY>', choices=cli.VISIBILITIES,
           help=_help('new_visibility'))
@_store_command
def do_template_store_update(store, args, hc):
    """Change a stored template's description, tags or visibility."""
    fields = {'description': args.description,
              'tags': common.split_tags(args.tags),
              'visibility': args.visibility}
    if all(value is None for value in fields.values()):
        _fail(_('nothing to update: give --description, --tags or '
                '--visibility'))
    _print_template(store.stored_templates.update(args.template, **fields))


def _delete_each(delete, calls, what):
    # NOTE: as heatclient's own deletes, each failure on stdout.
    cli.delete_each(delete, calls, what, StoreCommandError, sys.stdout)


@utils.arg('template', metavar='<NAME or ID>', nargs='+',
           help=_help('templates_to_delete'))
@_store_command
def do_template_store_delete(store, args, hc):
    """Delete stored templates with all their versions."""
    _delete_each(store.stored_templates.delete,
                 [(name,) for name in args.template], _('stored templates'))


@_TEMPLATE_ARG
@utils.arg('version', metavar='<VERSION>', nargs='?',
           help=_help('new_version'))
@_bundle_args
@utils.arg('--description', metavar='<DESCRIPTION>',
           help=_help('version_description'))
@utils.arg('--dry-run', default=False, action='store_true',
           help=_help('publish_dry_run'))
@utils.arg('--impact', default=False, action='store_true',
           help=_help('impact'))
@_store_command
def do_template_store_version_create(store, args, hc):
    """Publish a version of a stored template from local files.

    With --dry-run the server judges the version as it would publish it
    and writes nothing; --impact adds its impact report.
    """
    if args.impact and not args.dry_run:
        _fail(_('--impact previews a version that is not published: add '
                '--dry-run'))
    loaded = _load(hc, args, required=True)
    fields = _version_fields(args, loaded, args.version, args.description)
    if not args.dry_run:
        _print_version(store.versions.create(args.template, **fields))
        return
    version, entries, others = store.versions.dry_run(
        args.template, impact=args.impact, **fields)
    _print_version(version)
    if args.impact:
        _print_impact(entries, others)


def _print_impact(entries, others):
    print(_('Stacks that would move: %d') % len(entries or []))
    for line in impact.lines(entries):
        print(line)
    if others:
        print(_('%d stack(s) of other projects would move too') % others)


@_TEMPLATE_ARG
@utils.arg('version', metavar='<VERSION>', help=_help('exact_version'))
@_store_command
def do_template_store_version_impact(store, args, hc):
    """Preview what a version would do to the stacks that would move to it.

    For each stack of your project whose constraint admits the version:
    Heat's update preview with the resource moved to it, and what would
    break in the stack. Stacks of other projects are only counted.
    """
    _print_impact(*store.versions.impact(args.template, args.version))


@_TEMPLATE_ARG
@utils.arg('--constraint', metavar='<CONSTRAINT>',
           help=_help('constraint_filter'))
@utils.arg('--status', metavar='<STATUS>', choices=cli.STATUSES,
           help=_help('status_filter'))
@utils.arg('-l', '--limit', metavar='<LIMIT>', type=int,
           help=_help('version_limit'))
@utils.arg('-m', '--marker', metavar='<VERSION>',
           help=_help('version_marker'))
@utils.arg('--sort-dir', metavar='<DIRECTION>', choices=('asc', 'desc'),
           help=_('desc (newest first, the default) or asc.'))
@_store_command
def do_template_store_version_list(store, args, hc):
    """List the versions of a stored template, newest first."""
    utils.print_list(
        store.versions.list(args.template, constraint=args.constraint,
                            status=args.status, limit=args.limit,
                            marker=args.marker, sort_dir=args.sort_dir),
        list(cli.VERSION_LIST_COLUMNS) + ['description'],
        sortby_index=None)


@_TEMPLATE_ARG
@utils.arg('version', metavar='<VERSION>', help=_help('version_to_show'))
@_store_command
def do_template_store_version_show(store, args, hc):
    """Show a version of a stored template."""
    _print_version(store.versions.find(args.template, args.version))


@_TEMPLATE_ARG
@utils.arg('version', metavar='<VERSION>', nargs='+',
           help=_help('versions_to_delete'))
@_store_command
def do_template_store_version_delete(store, args, hc):
    """Delete versions of a stored template that no stack uses."""
    _delete_each(store.versions.delete,
                 [(args.template, v) for v in args.version], _('versions'))


@_TEMPLATE_ARG
@utils.arg('version', metavar='<VERSION>',
           help=_('The version to deprecate.'))
@utils.arg('--description', metavar='<DESCRIPTION>',
           help=_('New description of the version, e.g. why.'))
@_store_command
def do_template_store_version_deprecate(store, args, hc):
    """Deprecate a version: new stacks no longer get it."""
    _print_version(store.versions.update(args.template, args.version,
                                         status='deprecated',
                                         description=args.description))


@_TEMPLATE_ARG
@utils.arg('constraint', metavar='<CONSTRAINT>', nargs='?',
           help=_help('constraint_to_resolve'))
@_store_command
def do_template_store_resolve(store, args, hc):
    """Show the version a stack asking for a constraint would get."""
    _print_version(store.versions.resolve(args.template, args.constraint))


@_TEMPLATE_ARG
@utils.arg('version', metavar='<VERSION>', nargs='?',
           default=versions.LATEST, help=_help('version_to_download'))
@utils.arg('-o', '--output-dir', metavar='<DIRECTORY>',
           help=_help('output_dir'))
@utils.arg('--overwrite', action='store_true', help=_help('overwrite'))
@_store_command
def do_template_store_download(store, args, hc):
    """Print a version's template, or write its bundle to a directory."""
    version = store.versions.find(args.template, args.version)
    if not args.output_dir:
        print(bundle.as_text(bundle.version_texts(version)[0]), end='')
        return
    print(bundle.write_version(version, args.output_dir, args.overwrite,
                               REPUBLISH), end='')


@utils.arg('name', metavar='<NAME>', help=_help('sync_name'))
@utils.arg('--repo', metavar='<PATH or URL>', required=True,
           help=_help('repo'))
@utils.arg('-f', '--template', metavar='<PATH IN REPO>', required=True,
           help=_help('repo_template'))
@utils.arg('-e', '--environment', metavar='<PATH IN REPO>', action='append',
           help=_help('repo_environment'))
@utils.arg('--tag-pattern', metavar='<GLOB>', help=_help('tag_pattern'))
@utils.arg('--dry-run', action='store_true', help=_help('dry_run'))
@_store_command
def do_template_store_sync(store, args, hc):
    """Publish the semver git tags of a repository as versions.

    Tags not yet published are published oldest first, with their source
    set to the repository and commit; a retagged release is reported and
    never overwritten.
    """
    def progress(row):
        print('%s: %s' % (row.tag, row.result), file=sys.stderr)
    rows = sync.sync(store, args.name, args.repo, args.template,
                     args.environment, pattern=args.tag_pattern,
                     dry_run=args.dry_run,
                     progress=progress if sys.stdin.isatty() else None)
    utils.print_list(rows, [c.lower() for c in sync.COLUMNS],
                     formatters={'version': lambda row: row.version or ''},
                     field_labels=list(sync.COLUMNS), sortby_index=None)
    failed = sync.failures(rows)
    if failed:
        _fail('%s' % (_('%d tag(s) failed or were refused; see the Result '
                        'and Detail columns') % failed))
