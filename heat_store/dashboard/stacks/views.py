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

"""heat-dashboard's Select Template step, with stored templates."""

from django import http
from django.utils.translation import gettext as _
from django import views
from heat_dashboard.content.stacks import views as stack_views

from heat_store.dashboard import api
from heat_store.dashboard.stacks import forms as stack_forms


class SelectTemplateView(stack_views.SelectTemplateView):
    form_class = stack_forms.TemplateForm
    template_name = 'project/template_store/select_template.html'

    def get_initial(self):
        initial = super().get_initial()
        for name in ('stored_template', 'stored_version'):
            if self.request.GET.get(name):
                initial[name] = self.request.GET[name]
        return initial


class ResolveView(views.View):
    """The version that a template and constraint resolve to, as JSON.

    What the template step shows under the Version field as the user
    types, before the next step.
    """

    def get(self, request):
        template = request.GET.get('template', '').strip()
        wanted = request.GET.get('version', '').strip() or None
        if not template:
            return http.JsonResponse({'error': ''})
        try:
            version = api.version_resolve(request, template, wanted)
        except api.HTTPError as error:
            return http.JsonResponse({'error': api.message(error)})
        return http.JsonResponse({
            'template': version.template_name, 'version': version.version,
            'text': _('Resolves to %(name)s %(version)s.') % {
                'name': version.template_name, 'version': version.version}})
