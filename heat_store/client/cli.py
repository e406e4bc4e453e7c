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

"""What both command sets share: help texts, columns, deletes, publishes.

``openstack orchestration template store ...`` (heat_store.osc) and
``heat template-store-*`` (heat_store.client.shell) differ in option
names and output styles, each following its own shell; what an option
means, the columns a record shows and how several deletes are reported
are said once, here.
"""

import sys

from heatclient import exc as heat_exc

from heat_store.client import errors
from heat_store.client.i18n import _
from heat_store.client import versions

VISIBILITIES = ('private', 'shared', 'public')
STATUSES = ('active', 'deprecated')
MEMBER_STATUSES = ('pending', 'accepted', 'rejected')

# A stored template and a version, as show, create and set print them.
TEMPLATE_COLUMNS = ('id', 'name', 'description', 'project_id', 'visibility',
                    'tags', 'latest_version', 'version_count',
                    'creation_time', 'updated_time')
VERSION_COLUMNS = ('id', 'template_id', 'template_name', 'version',
                   'status', 'digest', 'size', 'description', 'parameters',
                   'outputs', 'warnings', 'dependencies', 'source', 'files',
                   'creation_time', 'updated_time', 'created_by')
# The columns of the lists.
TEMPLATE_LIST_COLUMNS = ('id', 'name', 'latest_version', 'version_count',
                         'visibility', 'tags', 'updated_time')
VERSION_LIST_COLUMNS = ('version', 'status', 'digest', 'creation_time')
# A member, and the offers a project lists (--member-status).
MEMBER_COLUMNS = ('project_id', 'template_id', 'status', 'creation_time',
                  'updated_time')
OFFER_LIST_COLUMNS = ('id', 'name', 'project_id', 'member_status',
                      'latest_version', 'updated_time')

# What each option or argument means. OSC prints them as they are; the
# legacy shell as sentences (see sentence()).
HELP = {
    'stored_template': _('Name or ID of the stored template'),
    'new_name': _('Name of the new stored template'),
    'template_description': _('Description of the stored template'),
    'template_tags': _('Tags of the stored template, comma separated'),
    'visibility': _('private (default), shared (with member projects) or '
                    'public (an admin action by default policy)'),
    'first_version': _('Version of the bundle given with %(option)s '
                       '(default: %(first)s)'),
    'environment': _('Path or URL of an environment file; files its '
                     'resource_registry maps to are bundled too. Repeat to '
                     'merge several, later ones winning, into the one '
                     'stored environment'),
    'source_url': _('Where the bundle comes from: an https, http, git, ssh '
                    'or file URL, e.g. of a git repository'),
    'source_revision': _('The revision of --source-url, e.g. a commit id'),
    'strict': _('Refuse resource types whose service this cloud lacks, '
                'instead of storing the version with a warning'),
    'force': _('Publish a minor or patch version even though it breaks the '
               'interface of the version before it, or the version after '
               'it breaks its interface'),
    'name_filter': _('Only stored templates of this name (repeat for more)'),
    'visibility_filter': _('Only stored templates of this visibility'),
    'template_limit': _('The most stored templates to return'),
    'template_marker': _('Return stored templates after the one with this '
                         'ID'),
    'all_projects': _('Every project\'s stored templates (admin only)'),
    'member_status_filter': _('Instead: the shared templates other projects '
                              'offered to yours, with this answer (pending, '
                              'accepted, rejected or all)'),
    'member_template': _('Name or ID of your stored template'),
    'member_project': _('ID of the project'),
    'offered_template': _('ID of the stored template offered to your '
                          'project, or its name if only one offer has '
                          'it'),
    'own_project': _('ID of your project (the member)'),
    'member_status': _('Your answer: accepted, rejected or pending'),
    'new_description': _('New description'),
    'new_tags': _('New tags, comma separated, replacing the old ones ("" '
                  'for none)'),
    'new_visibility': _('New visibility: private, shared or public'),
    'templates_to_delete': _('Names or IDs of the stored templates to '
                             'delete'),
    'new_version': _('The new version, e.g. 1.2.0 (default: the next patch '
                     'after the highest version)'),
    'version_description': _('Description of the version, e.g. what '
                             'changed'),
    'publish_dry_run': _('Judge the version as a publish would, and '
                         'publish nothing'),
    'impact': _('With --dry-run: also preview what the version would do '
                'to each of your stacks that would move to it'),
    'exact_version': _('An exact version or "latest"'),
    'constraint_filter': _('Only versions matching this node-semver range'),
    'status_filter': _('Only active or only deprecated versions'),
    'version_limit': _('The most versions to return (the server gives at '
                       'most its page size, 100 by default)'),
    'version_marker': _('Return the versions after this one (the last of '
                        'the previous page)'),
    'version_to_show': _('An exact version, "latest", or a node-semver '
                         'range resolved as a stack would resolve it'),
    'versions_to_delete': _('The versions to delete'),
    'new_version_description': _('New description of the version'),
    'constraint_to_resolve': _('An exact version or a node-semver range, '
                               'e.g. "^1.2", "~1.2.0", ">=1.0.0 <2.0.0" '
                               '(default: latest)'),
    'version_to_download': _('An exact version, "latest" (default) or a '
                             'node-semver range, resolved as a stack would '
                             'resolve it'),
    'output_dir': _('Write the template, child files and environment here '
                    'instead of printing the template'),
    'overwrite': _('Replace files that already exist in --output-dir'),
    'sync_name': _('Name of the stored template (created if it does not '
                   'exist)'),
    'repo': _('The git repository: a local directory (its top), or a URL '
              'git can clone (https, http, git, ssh, file, or '
              'user@host:path)'),
    'repo_template': _('Path of the root template inside the repository'),
    'repo_environment': _('Path of an environment file inside the '
                          'repository. Repeat to merge several, later ones '
                          'winning'),
    'tag_pattern': _('Only tags matching this glob, as "git tag --list" '
                     'matches it, e.g. "v2.*"'),
    'dry_run': _('List what would be published, unchanged, in conflict or '
                 'skipped, and write nothing'),
}


def offered_template_id(store, template):
    """The ID of a template offered to the caller's project.

    A member cannot see an offer by name (a name means its own project's
    template): a name is looked up among the offers, and must match one.
    """
    offers = store.stored_templates.list(name=[template],
                                         member_status='all')
    if len(offers) == 1:
        return offers[0].id
    if not offers:
        # Not offered by that name: the server judges it as an ID.
        return template
    raise heat_exc.CommandError(
        errors.PREFIX + _('%(count)d stored templates named %(name)s were '
                          'offered to your project; give the ID') %
        {'count': len(offers), 'name': template})


def first_version_help(option):
    return HELP['first_version'] % {'option': option,
                                    'first': versions.FIRST_VERSION}


def sentence(text):
    """A help text as the legacy shell writes it: a sentence."""
    # NOTE: str() first: a lazy translation (once something has called
    # oslo_i18n.enable_lazy(), as Heat does) cannot be added to.
    text = str(text)
    return text if text.endswith('.') else text + '.'


def label(field):
    """An OSC column label: ``latest_version`` is ``Latest Version``."""
    return ' '.join('ID' if word == 'id' else word.capitalize()
                    for word in field.split('_'))


def version_fields(args, loaded, version=None, description=None):
    """A publish request: the bundle and the metadata options."""
    return loaded.version_fields(
        version=version, description=description,
        source_url=args.source_url, source_revision=args.source_revision,
        strict=args.strict, force=args.force)


def delete_each(delete, calls, what, error_class, stream=None):
    """Run every delete; report each failure and raise once at the end.

    A single failure is raised as it is, so that one delete gives one
    line; several are written to ``stream`` (stderr by default) and
    counted in the error raised.
    """
    failed = errors.failures(delete, calls)
    if len(calls) == 1 and failed:
        raise error_class(failed[0])
    if failed:
        for text in failed:
            print(text, file=stream or sys.stderr)
        raise error_class(
            errors.PREFIX +
            _('unable to delete %(count)d of the %(total)d %(what)s') % {
                'count': len(failed), 'total': len(calls), 'what': what})
