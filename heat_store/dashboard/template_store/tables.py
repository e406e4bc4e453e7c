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

"""The panel's tables: stored templates, and the versions of one."""

from django.template import defaultfilters
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from horizon import exceptions
from horizon import messages
from horizon import tables
from horizon.utils import filters

from heat_store.dashboard import api
from heat_store.dashboard import policy
from heat_store.dashboard.template_store import members

# Times as heat-dashboard's Stacks table shows them ("1 minute").
WHEN = (filters.parse_isotime, filters.timesince_or_never)


def _owned(request, template):
    return template is None or template.project_id == request.user.project_id


class CreateTemplate(tables.LinkAction):
    name = 'create'
    verbose_name = _('Create Template')
    url = 'horizon:project:template_store:create'
    classes = ('ajax-modal',)
    icon = 'plus'
    policy_rules = policy.rules(policy.CREATE)


class PublishVersion(tables.LinkAction):
    name = 'publish'
    verbose_name = _('Publish Version')
    classes = ('ajax-modal',)
    icon = 'upload'
    policy_rules = policy.rules(policy.VERSION_CREATE)

    def get_link_url(self, datum):
        return reverse('horizon:project:template_store:publish',
                       args=(datum.id,))

    def allowed(self, request, datum=None):
        return _owned(request, datum)


class UpdateTemplate(tables.LinkAction):
    name = 'update'
    verbose_name = _('Edit Template')
    classes = ('ajax-modal',)
    icon = 'pencil'
    policy_rules = policy.rules(policy.UPDATE)

    def get_link_url(self, datum):
        return reverse('horizon:project:template_store:update',
                       args=(datum.id,))

    def allowed(self, request, datum=None):
        return _owned(request, datum)


class DeleteTemplate(tables.DeleteAction):
    policy_rules = policy.rules(policy.DELETE)

    @staticmethod
    def action_present(count):
        return ngettext_lazy('Delete Template', 'Delete Templates', count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy('Deleted Template', 'Deleted Templates', count)

    def allowed(self, request, datum=None):
        return _owned(request, datum)

    def delete(self, request, obj_id):
        try:
            api.template_delete(request, obj_id)
        except api.Conflict as error:
            messages.error(request, api.message(error))
            raise


class TemplatesFilter(tables.FilterAction):
    filter_type = 'server'
    filter_choices = (
        ('name', _('Name ='), True),
        ('tags', _('Tags (all of)'), True,
         _('Comma list: templates with every tag')),
        ('tags_any', _('Tags (any of)'), True,
         _('Comma list: templates with at least one tag')),
        ('not_tags', _('Without tags'), True,
         _('Comma list: templates lacking one of the tags')),
        ('visibility', _('Visibility ='), True,
         _('private, shared or public')),
        ('member_status', _('Offered to this project'), True,
         _('pending, accepted, rejected or all')),
    )


def _tags(template):
    return ', '.join(template.tags or []) or '-'


def _visibility(template):
    return {'private': _('Private'), 'shared': _('Shared'),
            'public': _('Public')}.get(template.visibility,
                                       template.visibility)


class TemplatesTable(tables.DataTable):
    name = tables.WrappingColumn(
        'name', verbose_name=_('Name'),
        link='horizon:project:template_store:detail')
    description = tables.Column(
        'description', verbose_name=_('Description'),
        filters=(lambda d: defaultfilters.truncatechars(d or '', 80),))
    tags = tables.Column(_tags, verbose_name=_('Tags'))
    visibility = tables.Column(_visibility, verbose_name=_('Visibility'))
    latest = tables.Column('latest_version', verbose_name=_('Latest'),
                           empty_value='-')
    versions = tables.Column('version_count', verbose_name=_('Versions'))
    updated = tables.Column('updated_time', verbose_name=_('Updated'),
                            empty_value='-', filters=WHEN)
    # An offer's answer (only under the "Offered to this project" filter).
    answer = tables.Column(
        lambda t: members.status_name(getattr(t, 'member_status', None)),
        verbose_name=_('Your Answer'))

    class Meta(object):
        name = 'stored_templates'
        verbose_name = _('Stored Templates')
        pagination_param = 'marker'
        prev_pagination_param = 'prev_marker'
        table_actions = (TemplatesFilter, CreateTemplate, DeleteTemplate)
        row_actions = (PublishVersion, UpdateTemplate, members.AcceptOffer,
                       members.RejectOffer, DeleteTemplate)


# Versions of one stored template

class LaunchStack(tables.LinkAction):
    name = 'launch'
    verbose_name = _('Launch Stack')
    classes = ('ajax-modal', 'btn-launch')
    icon = 'cloud-upload'
    policy_rules = policy.rules(policy.STACK_CREATE)

    def get_link_url(self, datum):
        return reverse('horizon:project:template_store:launch',
                       args=(datum.template_id, datum.version))

    def allowed(self, request, datum=None):
        return datum is None or datum.status == 'active'


class _SetStatus(tables.BatchAction):
    policy_rules = policy.rules(policy.VERSION_UPDATE)
    status = None

    def allowed(self, request, datum=None):
        owned = _owned(request, getattr(self.table, 'stored_template', None))
        return owned and (datum is None or datum.status != self.status)

    def action(self, request, obj_id):
        api.version_update(request, self.table.kwargs['template_id'],
                           obj_id, status=self.status)


class DeprecateVersion(_SetStatus):
    name = 'deprecate'
    status = 'deprecated'
    action_type = 'danger'

    @staticmethod
    def action_present(count):
        return ngettext_lazy('Deprecate Version', 'Deprecate Versions',
                             count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy('Deprecated Version', 'Deprecated Versions',
                             count)


class ReactivateVersion(_SetStatus):
    name = 'reactivate'
    status = 'active'

    @staticmethod
    def action_present(count):
        return ngettext_lazy('Reactivate Version', 'Reactivate Versions',
                             count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy('Reactivated Version', 'Reactivated Versions',
                             count)


class DeleteVersion(tables.DeleteAction):
    policy_rules = policy.rules(policy.VERSION_DELETE)

    @staticmethod
    def action_present(count):
        return ngettext_lazy('Delete Version', 'Delete Versions', count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy('Deleted Version', 'Deleted Versions', count)

    def allowed(self, request, datum=None):
        return _owned(request, getattr(self.table, 'stored_template', None))

    def delete(self, request, obj_id):
        template_id = self.table.kwargs['template_id']
        try:
            api.version_delete(request, template_id, obj_id)
        except api.Conflict as error:
            # The server names the caller's own stacks and counts the
            # others; say which stacks to delete first, by name.
            try:
                stacks = api.version_consumers(request, template_id, obj_id)
            except api.HTTPError:
                exceptions.handle(request, ignore=True)
                stacks = []
            text = api.message(error)
            names = sorted({s['stack_name'] for s in stacks
                            if s['stack_name'] not in text})
            if names:
                text = _('%(message)s Delete these stacks first: '
                         '%(stacks)s.') % {'message': text,
                                           'stacks': ', '.join(names)}
            messages.error(request, text)
            raise


def _digest(version):
    return (version.digest or '')[:19]


class VersionsTable(tables.DataTable):
    version = tables.Column('version', verbose_name=_('Version'),
                            link=lambda v: reverse(
                                'horizon:project:template_store:version',
                                args=(v.template_id, v.version)))
    status = tables.Column('status', verbose_name=_('Status'),
                           filters=(defaultfilters.title,))
    digest = tables.Column(_digest, verbose_name=_('Digest'))
    size = tables.Column('size', verbose_name=_('Size'),
                         filters=(defaultfilters.filesizeformat,))
    description = tables.Column('description', verbose_name=_('Description'),
                                empty_value='-')
    warnings = tables.Column(lambda v: len(v.warnings or []),
                             verbose_name=_('Warnings'))
    created = tables.Column('creation_time', verbose_name=_('Published'),
                            filters=WHEN)
    published_by = tables.Column('published_by',
                                 verbose_name=_('Published By'))

    def get_object_id(self, datum):
        return datum.version

    def get_object_display(self, datum):
        return datum.version

    class Meta(object):
        name = 'versions'
        verbose_name = _('Versions (newest first)')
        pagination_param = 'versions_marker'
        prev_pagination_param = 'versions_prev_marker'
        table_actions = (DeleteVersion,)
        row_actions = (LaunchStack, DeprecateVersion, ReactivateVersion,
                       DeleteVersion)
