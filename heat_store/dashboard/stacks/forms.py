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

"""heat-dashboard's template step, with "Stored Template" as a source."""

import json
import logging

from django.conf import settings
from django.utils import html
from django.utils.translation import gettext_lazy as _
from heat_dashboard import api as heat_api
from heat_dashboard.content.stacks import forms as stack_forms
from horizon import forms

from heat_store.dashboard import api
from heat_store.dashboard import launch

LOG = logging.getLogger(__name__)
STORED = 'stored'
DATALIST = 'stored_template_choices'

UPGRADE_POLICIES = (
    ('PINNED', _('Keep the version picked at creation')),
    ('LATEST_MATCHING', _('Move to the newest match on every update')))


def _switched(label):
    return stack_forms.create_upload_form_attributes('template', STORED,
                                                     label)


class _ListInput(forms.TextInput):
    """A text box that suggests the ``choices`` as the user types."""

    choices = ()

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {}, list=DATALIST, autocomplete='off')
        box = super().render(name, value, attrs, renderer)
        options = html.format_html_join(
            '', '<option value="{}">{}</option>', self.choices)
        return html.format_html('{}<datalist id="{}">{}</datalist>', box,
                                DATALIST, options)


def template_choices(request):
    """``(value, label)`` of each stored template the project may see.

    The project's own by name; others (public, or shared and accepted) by
    id, since a name is looked up in the caller's project only.
    """
    limit = getattr(settings, 'API_RESULT_LIMIT', 1000)
    templates = api.client(request).stored_templates.list(
        sort_keys='name', sort_dir='asc', limit=limit)
    visibility = {'shared': _('shared with this project'),
                  'public': _('public')}
    choices = []
    for template in templates:
        latest = template.latest_version or _('no version')
        if template.project_id == request.user.project_id:
            choices.append((template.name, '%s (%s)' % (template.name,
                                                        latest)))
        else:
            choices.append((template.id, '%s (%s, %s)' % (
                template.name, latest,
                visibility.get(template.visibility, template.visibility))))
    return choices


class TemplateForm(stack_forms.TemplateForm):
    """heat-dashboard's Select Template form, plus stored templates."""

    stored_template = forms.CharField(
        label=_('Stored Template'), required=False, max_length=255,
        help_text=_('Type to search the templates this project may use: '
                    'its own, public ones and those shared with it.'),
        widget=_ListInput(attrs=_switched(_('Stored Template'))))
    stored_version = forms.CharField(
        label=_('Version'), required=False, max_length=255,
        help_text=_('An exact version (1.2.0), ^1.2 (newer minor and patch '
                    'versions of major 1), ~1.2.0 (newer patches). Empty: '
                    'the latest version.'),
        widget=forms.TextInput(attrs=_switched(_('Version'))))
    upgrade_policy = forms.ChoiceField(
        label=_('On Stack Update'), required=False, choices=UPGRADE_POLICIES,
        widget=forms.ThemableSelectWidget(
            attrs=_switched(_('On Stack Update'))))

    field_order = ['template_source', 'template_upload', 'template_url',
                   'template_data', 'stored_template', 'stored_version',
                   'upgrade_policy']

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        source = self.fields['template_source']
        source.choices = list(source.choices) + [
            (STORED, _('Stored Template'))]
        try:
            choices = template_choices(self.request)
        except api.HTTPError:
            LOG.info('No stored templates to offer', exc_info=True)
            choices = []
        self.fields['stored_template'].widget.choices = choices

    def clean(self):
        if self.data.get('template_source') != STORED:
            return super().clean()
        cleaned = forms.Form.clean(self)
        name = (cleaned.get('stored_template') or '').strip()
        if not name:
            self.add_error('stored_template',
                           _('Choose a stored template.'))
            return cleaned
        wanted = (cleaned.get('stored_version') or '').strip()
        try:
            version = api.version_find(self.request, name, wanted or None)
        except api.NotFound as error:
            field = ('stored_version' if 'version' in
                     api.message(error).lower() else 'stored_template')
            self.add_error(field, api.message(error))
            return cleaned
        except api.HTTPError as error:
            self.add_error('stored_version', api.message(error))
            return cleaned
        template = launch.stack_template(
            version, upgrade_policy=cleaned.get('upgrade_policy') or
            'PINNED', wanted=wanted)
        try:
            validated = heat_api.heat.template_validate(
                self.request, template=json.dumps(template), files={})
        except Exception as error:
            # Broad on purpose, as heat-dashboard's own form: Heat's
            # verdict, whatever the client raised, goes on the form.
            LOG.info('Heat refused the launch template of %s %s: %s',
                     version.template_name, version.version, error)
            raise forms.ValidationError(str(error))
        validated['files'] = {}
        validated['template'] = template
        cleaned['template_validate'] = validated
        cleaned['environment_data'] = ''
        cleaned['stored_resolved'] = version
        return cleaned
