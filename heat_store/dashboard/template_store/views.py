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

"""Views of Project > Orchestration > Template Store."""

import json
import logging

from django.urls import reverse
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from heat_dashboard import api as heat_api
from horizon import exceptions
from horizon import forms
from horizon import tables
from horizon import tabs
from horizon.utils import memoized

from heat_store.dashboard import api
from heat_store.dashboard import launch
from heat_store.dashboard.template_store import forms as store_forms
from heat_store.dashboard.template_store import members
from heat_store.dashboard.template_store import tables as store_tables
from heat_store.dashboard.template_store import tabs as store_tabs

LOG = logging.getLogger(__name__)
INDEX_URL = 'horizon:project:template_store:index'


class IndexView(tables.DataTableView):
    table_class = store_tables.TemplatesTable
    page_title = _('Template Store')

    def has_more_data(self, table):
        return self._more

    def has_prev_data(self, table):
        return self._prev

    def get_filters(self):
        field = self.table.get_filter_field()
        text = self.table.get_filter_string()
        action = self.table._meta._filter_action
        if field and text and action.is_api_filter(field):
            return {field: text.strip()}
        return {}

    def get_data(self):
        meta = self.table_class._meta
        prev_marker = self.request.GET.get(meta.prev_pagination_param)
        marker = prev_marker or self.request.GET.get(meta.pagination_param)
        self._more = self._prev = False
        try:
            templates, self._more, self._prev = api.templates_page(
                self.request, marker=marker, reverse=bool(prev_marker),
                filters=self.get_filters())
        except api.HTTPError as error:
            exceptions.handle(self.request, _(
                'Unable to retrieve stored templates: %s') %
                api.message(error))
            templates = []
        return templates


class _TemplateMixin(object):
    @memoized.memoized_method
    def get_stored_template(self):
        try:
            return api.template_get(self.request, self.kwargs['template_id'])
        except api.HTTPError:
            exceptions.handle(self.request,
                              _('Unable to retrieve the stored template.'),
                              redirect=reverse(INDEX_URL))


class DetailView(_TemplateMixin, tabs.TabbedTableView):
    tab_group_class = store_tabs.TemplateTabs
    template_name = 'horizon/common/_detail.html'
    page_title = '{{ stored_template.name }}'

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        template = self.get_stored_template()
        table = store_tables.TemplatesTable(self.request)
        context['stored_template'] = template
        context['url'] = reverse(INDEX_URL)
        context['actions'] = table.render_row_actions(template)
        return context

    def get_tabs(self, request, **kwargs):
        return self.tab_group_class(request,
                                    stored_template=self.get_stored_template(),
                                    **kwargs)


class _VersionMixin(object):
    def version_missing_url(self):
        """Where a user goes when the version cannot be read."""
        return reverse(INDEX_URL)

    @memoized.memoized_method
    def get_version(self):
        try:
            return api.version_get(self.request, self.kwargs['template_id'],
                                   self.kwargs['version'])
        except api.HTTPError:
            exceptions.handle(self.request,
                              _('Unable to retrieve the version.'),
                              redirect=self.version_missing_url())


class VersionView(_VersionMixin, _TemplateMixin, tabs.TabView):
    tab_group_class = store_tabs.VersionTabs
    template_name = 'horizon/common/_detail.html'
    page_title = ('{{ stored_version.template_name }} '
                  '{{ stored_version.version }}')

    def version_missing_url(self):
        return reverse('horizon:project:template_store:detail',
                       args=(self.kwargs['template_id'],))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = self.get_version()
        table = store_tables.VersionsTable(self.request, **self.kwargs)
        table.stored_template = self.get_stored_template()
        context['stored_version'] = version
        context['url'] = reverse('horizon:project:template_store:detail',
                                 args=(self.kwargs['template_id'],))
        context['actions'] = table.render_row_actions(version)
        return context

    def get_tabs(self, request, **kwargs):
        return self.tab_group_class(
            request, stored_version=self.get_version(),
            stored_template=self.get_stored_template(), **kwargs)


class CreateView(forms.ModalFormView):
    form_class = store_forms.CreateTemplateForm
    form_id = 'create_stored_template_form'
    modal_id = 'create_stored_template_modal'
    template_name = 'project/template_store/create.html'
    submit_label = _('Create')
    submit_url = reverse_lazy('horizon:project:template_store:create')
    success_url = reverse_lazy(INDEX_URL)
    page_title = _('Create Template')

    def get_success_url_from_handled(self, handled):
        return reverse('horizon:project:template_store:detail',
                       args=(handled.id,))


class _TemplateFormView(_TemplateMixin, forms.ModalFormView):
    """A modal form about one stored template.

    ``url_name`` is the form's own route (it posts back to it with the
    template's id) and ``title`` the page title, formatted with the
    template's name.
    """
    url_name = None
    title = None

    def get_initial(self):
        return {'template_id': self.kwargs['template_id']}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context['submit_url'] = reverse(
            'horizon:project:template_store:%s' % self.url_name,
            args=(self.kwargs['template_id'],))
        context['page_title'] = self.title % self.get_stored_template().name
        return context


class UpdateView(_TemplateFormView):
    form_class = store_forms.UpdateTemplateForm
    form_id = 'update_stored_template_form'
    modal_id = 'update_stored_template_modal'
    template_name = 'project/template_store/create.html'
    submit_label = _('Save')
    page_title = _('Edit Template')
    url_name = 'update'
    title = _('Edit %s')

    def get_initial(self):
        template = self.get_stored_template()
        return {'template_id': template.id,
                'description': template.description or '',
                'tags': ','.join(template.tags or []),
                'visibility': template.visibility}

    def get_success_url_from_handled(self, handled):
        return reverse('horizon:project:template_store:detail',
                       args=(handled.id,))


class PublishView(_TemplateFormView):
    form_class = store_forms.PublishVersionForm
    form_id = 'publish_version_form'
    modal_id = 'publish_version_modal'
    template_name = 'project/template_store/create.html'
    submit_label = _('Publish')
    page_title = _('Publish Version')
    url_name = 'publish'
    title = _('Publish a Version of %s')

    def get_success_url_from_handled(self, handled):
        return reverse('horizon:project:template_store:version',
                       args=(handled.template_id, handled.version))


class AddMemberView(_TemplateFormView):
    form_class = members.AddMemberForm
    form_id = 'add_member_form'
    modal_id = 'add_member_modal'
    template_name = 'project/template_store/add_member.html'
    submit_label = _('Offer')
    page_title = _('Add Member Project')
    url_name = 'add_member'
    title = _('Offer %s to a Project')

    def get_success_url(self):
        return '%s?tab=stored_template__members' % reverse(
            'horizon:project:template_store:detail',
            args=(self.kwargs['template_id'],))


class LaunchView(_VersionMixin, forms.ModalFormView):
    form_class = store_forms.LaunchStackForm
    form_id = 'launch_stored_version_form'
    modal_id = 'launch_stored_version_modal'
    template_name = 'project/template_store/launch.html'
    submit_label = _('Launch')
    page_title = _('Launch Stack')

    @memoized.memoized_method
    def get_validation(self):
        """Heat's validation of the stack template: the parameter fields."""
        template = launch.stack_template(self.get_version())
        try:
            return heat_api.heat.template_validate(
                self.request, template=json.dumps(template))
        except Exception as error:
            # Broad on purpose: heat-dashboard's client raises heatclient's
            # and Keystone's errors alike; the user is told and sent back.
            LOG.info('Heat refused the stack template of %s: %s',
                     self.kwargs, error)
            exceptions.handle(
                self.request, _('Heat cannot launch this version: %s') %
                getattr(error, 'message', error),
                redirect=reverse('horizon:project:template_store:version',
                                 args=(self.kwargs['template_id'],
                                       self.kwargs['version'])))

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs['parameters'] = self.get_validation()
        kwargs['stored_version'] = self.get_version()
        return kwargs

    def get_initial(self):
        version = self.get_version()
        return {'parameters': json.dumps(
            {'template_id': version.template_id,
             'version': version.version})}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = self.get_version()
        context['submit_url'] = reverse(
            'horizon:project:template_store:launch',
            args=(self.kwargs['template_id'], self.kwargs['version']))
        context['page_title'] = _('Launch a Stack from %(name)s %(v)s') % {
            'name': version.template_name, 'v': version.version}
        return context

    def get_success_url_from_handled(self, handled):
        return store_forms.stack_detail_url(handled)
