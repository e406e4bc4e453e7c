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

"""Sharing by consent in the panel.

The owner of a ``shared`` template offers it to projects named as
Keystone knows them, and withdraws offers (the Members tab); a project
sees what was offered to it under the "Offered to this project" filter
and accepts or rejects each offer. Only an accepted offer shows among
the project's templates.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from horizon import exceptions
from horizon import forms
from horizon import messages
from horizon import tables
from horizon import tabs

from heat_store.dashboard import api
from heat_store.dashboard import policy

STATUS_NAMES = {'pending': _('Pending'), 'accepted': _('Accepted'),
                'rejected': _('Rejected')}


def status_name(status):
    return STATUS_NAMES.get(status, status) if status else '-'


# An offer's answer, on the templates table

class _Answer(tables.BatchAction):
    """The project's answer to a template offered to it."""

    policy_rules = policy.rules(policy.MEMBER_UPDATE)
    status = None

    def allowed(self, request, datum=None):
        offered = getattr(datum, 'member_status', None)
        return datum is None or (offered is not None and
                                 offered != self.status)

    def action(self, request, obj_id):
        api.member_answer(request, obj_id, self.status)


class AcceptOffer(_Answer):
    name = 'accept'
    status = 'accepted'

    @staticmethod
    def action_present(count):
        return ngettext_lazy('Accept Offer', 'Accept Offers', count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy('Accepted Offer', 'Accepted Offers', count)


class RejectOffer(_Answer):
    name = 'reject'
    status = 'rejected'
    action_type = 'danger'

    @staticmethod
    def action_present(count):
        return ngettext_lazy('Reject Offer', 'Reject Offers', count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy('Rejected Offer', 'Rejected Offers', count)


# The owner's members of one template

class AddMember(tables.LinkAction):
    name = 'add_member'
    verbose_name = _('Add Member Project')
    classes = ('ajax-modal',)
    icon = 'plus'
    policy_rules = policy.rules(policy.MEMBER_CREATE)

    def get_link_url(self, datum=None):
        return reverse('horizon:project:template_store:add_member',
                       args=(self.table.kwargs['template_id'],))


class RemoveMember(tables.DeleteAction):
    policy_rules = policy.rules(policy.MEMBER_DELETE)

    @staticmethod
    def action_present(count):
        return ngettext_lazy('Remove Member Project',
                             'Remove Member Projects', count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy('Removed Member Project',
                             'Removed Member Projects', count)

    def delete(self, request, obj_id):
        api.member_delete(request, self.table.kwargs['template_id'], obj_id)


class MembersTable(tables.DataTable):
    project = tables.Column(
        lambda m: getattr(m, 'project_name', None) or m.project_id,
        verbose_name=_('Project'))
    status = tables.Column(lambda m: status_name(m.status),
                           verbose_name=_('Answer'))
    created = tables.Column('creation_time', verbose_name=_('Offered'),
                            filters=(lambda t: (t or '').replace('T', ' '),))

    def get_object_id(self, datum):
        return datum.project_id

    def get_object_display(self, datum):
        return getattr(datum, 'project_name', None) or datum.project_id

    class Meta(object):
        name = 'members'
        verbose_name = _('Member Projects')
        table_actions = (AddMember, RemoveMember)
        row_actions = (RemoveMember,)


def members_with_names(request, template_id):
    """The template's members, each with its project's name if known."""
    members = api.members_list(request, template_id)
    names = api.project_names(request, [m.project_id for m in members])
    for member in members:
        member.project_name = names.get(member.project_id)
    return members


class AddMemberForm(forms.SelfHandlingForm):
    template_id = forms.CharField(widget=forms.HiddenInput())
    project_name = forms.CharField(
        label=_('Project name'), max_length=255,
        help_text=_('The project, by its name in Keystone. It sees the '
                    'template once it accepts the offer.'))

    def handle(self, request, data):
        try:
            project_id = api.project_id_by_name(request,
                                                data['project_name'])
        except api.ProjectLookupError as error:
            self.add_error('project_name', str(error))
            return False
        try:
            api.member_create(request, data['template_id'], project_id)
        except api.BadRequest as error:
            self.add_error('project_name', api.message(error))
            return False
        except api.HTTPError as error:
            self.api_error(api.message(error))
            return False
        messages.success(request, _('Offered the template to project %s.')
                         % data['project_name'])
        return True


class MembersTab(tabs.TableTab):
    """The owner's member projects of a template, with their answers."""

    name = _('Member Projects')
    slug = 'members'
    table_classes = (MembersTable,)
    template_name = 'horizon/common/_detail_table.html'
    preload = False

    def allowed(self, request):
        template = self.tab_group.kwargs['stored_template']
        return (template.project_id == request.user.project_id and
                template.visibility == 'shared')

    def get_members_data(self):
        template = self.tab_group.kwargs['stored_template']
        try:
            return members_with_names(self.request, template.id)
        except api.HTTPError:
            exceptions.handle(self.request,
                              _('Unable to retrieve the member projects.'))
            return []
