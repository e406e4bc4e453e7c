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

"""Forms: create a stored template, publish a version, launch a stack.

A bundle is given by upload or by pasting: the root template, its child
files (several uploads, each stored under its file name, and/or a pasted
map of relative path to text for files in folders) and an environment.
The store validates it with Heat's engine; what it refuses comes back on
the form, on the field it is about, for the user to fix.
"""

import json
import logging
import re

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from heat_dashboard import api as heat_api
from heat_dashboard.content.stacks import forms as stack_forms
from horizon import forms
from horizon import messages
from openstack_auth import policy as auth_policy

from heat_store.dashboard import api
from heat_store.dashboard import archive
from heat_store.dashboard import launch
from heat_store.dashboard import policy
from heat_store import parsing

LOG = logging.getLogger(__name__)

# How the API's interface-break 409 tells its users to override it.
FORCE_WORDS = re.compile(r'set\s+"force":\s*true', re.IGNORECASE)

VISIBILITIES = (('private', _('Private (this project)')),
                ('shared', _('Shared (with member projects)')),
                ('public', _('Public (every project)')))


class _MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class _MultipleFileField(forms.FileField):
    """Any number of uploaded files, as a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault('widget', _MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        one = super().clean
        if isinstance(data, (list, tuple)):
            return [one(item, initial) for item in data if item]
        return [one(data, initial)] if data else []


def _read(upload, label):
    try:
        return upload.read().decode('utf-8')
    except UnicodeDecodeError:
        raise forms.ValidationError(
            _('%(label)s %(name)s is not UTF-8 text.') %
            {'label': label, 'name': upload.name})


class BundleForm(forms.SelfHandlingForm):
    """The fields of a version: number, description and bundle."""

    version = forms.CharField(
        label=_('Version'), required=False, max_length=255,
        help_text=_('A semantic version such as 1.2.0. Empty: the next '
                    'patch after the highest version (1.0.0 for the '
                    'first).'))
    version_description = forms.CharField(
        label=_('Version Description'), required=False,
        widget=forms.Textarea(attrs={'rows': 2}))
    archive_upload = forms.FileField(
        label=_('Template Tree (archive)'), required=False,
        help_text=_('A .zip, .tar, .tar.gz or .tgz of a folder: the root '
                    'template and the files it refers to keep their '
                    'relative paths (subfolders, "../"), as the CLI '
                    'publishes them from disk.'))
    archive_template = forms.CharField(
        label=_('Root Template in the Archive'), required=False,
        max_length=1024,
        help_text=_('Its path inside the archive, e.g. app/web.yaml.'))
    archive_environment = forms.CharField(
        label=_('Environments in the Archive'), required=False,
        max_length=4096,
        help_text=_('Comma list of paths inside the archive, merged in '
                    'order as -e files are.'))
    template_upload = forms.FileField(
        label=_('Template File'), required=False,
        help_text=_('The root template (YAML or JSON).'))
    template_data = forms.CharField(
        label=_('Template Data'), required=False, strip=False,
        widget=forms.Textarea(attrs={'rows': 6}),
        help_text=_('Or paste the root template here.'))
    files_upload = _MultipleFileField(
        label=_('Child Files'), required=False,
        help_text=_('Files the template reads with get_file or uses as '
                    'nested templates; each is stored under its file name, '
                    'beside the root template.'))
    files_data = forms.CharField(
        label=_('Child Files (pasted)'), required=False, strip=False,
        widget=forms.Textarea(attrs={'rows': 3}),
        help_text=_('Or paste a YAML map of relative path to text, for '
                    'files in folders, e.g. "scripts/boot.sh: |".'))
    environment_upload = forms.FileField(
        label=_('Environment File'), required=False)
    environment_data = forms.CharField(
        label=_('Environment Data'), required=False, strip=False,
        widget=forms.Textarea(attrs={'rows': 3}),
        help_text=_('Or paste the environment (parameter_defaults, '
                    'resource_registry).'))
    strict = forms.BooleanField(
        label=_('Refuse warnings'), required=False,
        help_text=_('Refuse the version rather than store it with a '
                    'warning when a resource type needs a service this '
                    'cloud lacks.'))
    force = forms.BooleanField(
        label=_('Force'), required=False,
        help_text=_('Within one major version the interface only grows. '
                    'Check to publish a version that breaks it anyway.'))

    def clean(self):
        data = super().clean()
        if data.get('archive_upload'):
            return self.clean_archive(data)
        upload = data.get('template_upload')
        text = data.get('template_data')
        if upload and text:
            raise forms.ValidationError(
                _('Give the template as a file or as data, not both.'))
        if upload:
            data['template'] = _read(upload, _('Template'))
        elif text:
            data['template'] = text
        else:
            self.add_error('template_data', _('A template is required.'))
            return data
        files = {}
        for upload in data.get('files_upload') or []:
            files[upload.name] = _read(upload, _('File'))
        if data.get('files_data'):
            try:
                pasted = parsing.load(data['files_data'], _('Files'),
                                      kind=parsing.ENVIRONMENT,
                                      limit_name='max_json_body_size')
            except parsing.NotParsed as error:
                self.add_error('files_data', _('Not YAML: %s') % error)
                return data
            except parsing.Refused as error:
                self.add_error('files_data', str(error))
                return data
            if not isinstance(pasted, dict) or not all(
                    isinstance(v, str) for v in pasted.values()):
                self.add_error('files_data', _('A map of path to text.'))
                return data
            files.update({str(k): v for k, v in pasted.items()})
        data['files'] = files
        env = data.get('environment_upload')
        data['environment'] = (_read(env, _('Environment')) if env
                               else data.get('environment_data') or None)
        return data

    def clean_archive(self, data):
        """The bundle of an uploaded tree, read as the CLI reads one."""
        others = [name for name in ('template_upload', 'template_data',
                                    'files_upload', 'files_data',
                                    'environment_upload', 'environment_data')
                  if data.get(name)]
        if others:
            raise forms.ValidationError(
                _('Give the bundle as an archive or as files, not both.'))
        root = (data.get('archive_template') or '').strip()
        if not root:
            self.add_error('archive_template', _(
                'Which file of the archive is the root template?'))
            return data
        upload = data['archive_upload']
        envs = tuple(e.strip() for e in
                     (data.get('archive_environment') or '').split(',')
                     if e.strip())
        try:
            tree = archive.load(upload.name, upload.read(), root, envs)
        except archive.ArchiveError as error:
            field = 'archive_upload'
            if root in str(error) and ' is not in ' in str(error):
                field = 'archive_template'
            self.add_error(field, str(error))
            return data
        data['template'] = tree.template
        data['files'] = tree.files
        data['environment'] = tree.environment or None
        return data

    def version_fields(self, data):
        return api_fields(data)

    def show_error(self, error, data):
        """Put what the store refused on the field it is about."""
        text = api.message(error)
        lowered = text.lower()
        field = None
        if isinstance(error, api.Conflict) and 'force' in lowered:
            field = 'force'
            # The API's words are for API users; here it is a checkbox.
            text = FORCE_WORDS.sub(str(_('check Force')), text)
        elif data.get('archive_upload'):
            field = 'archive_upload'
        elif ('not in files' in lowered or
              any(key in text for key in data.get('files') or {})):
            field = ('files_data' if data.get('files_data') else
                     'files_upload')
        elif 'environment' in lowered:
            field = ('environment_upload' if data.get('environment_upload')
                     else 'environment_data')
        elif 'version' in lowered and isinstance(error, api.Conflict):
            field = 'version'
        elif 'semantic version' in lowered or 'invalid version' in lowered:
            field = 'version'
        elif 'template' in lowered:
            field = ('template_upload' if data.get('template_upload')
                     else 'template_data')
        self.add_error(field, text)

    def report_warnings(self, request, version):
        for warning in getattr(version, 'warnings', None) or []:
            messages.warning(request, _('Version %(version)s: %(warning)s') %
                             {'version': version.version, 'warning': warning})


def api_fields(data):
    fields = {'version': data.get('version') or None,
              'description': data.get('version_description') or None,
              'template': data['template'],
              'files': data.get('files') or None,
              'environment': data.get('environment'),
              'strict': data.get('strict') or None,
              'force': data.get('force') or None}
    return {k: v for k, v in fields.items() if v is not None}


class CreateTemplateForm(BundleForm):
    name = forms.RegexField(
        label=_('Name'), max_length=255,
        regex=r'^[a-zA-Z][a-zA-Z0-9_.-]*$',
        error_messages={'invalid': _('A letter, then letters, digits, '
                                     '"_", "." or "-".')})
    description = forms.CharField(
        label=_('Description'), required=False,
        widget=forms.Textarea(attrs={'rows': 2}))
    tags = forms.CharField(label=_('Tags'), required=False,
                           help_text=_('Comma list, e.g. web,db'))
    visibility = forms.ChoiceField(label=_('Visibility'),
                                   choices=VISIBILITIES, initial='private')

    field_order = ['name', 'description', 'tags', 'visibility']

    class Meta(object):
        name = _('Create Template')

    def __init__(self, request, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        if not auth_policy.check(policy.rules(policy.PUBLICIZE), request):
            self.fields['visibility'].choices = VISIBILITIES[:2]

    def handle(self, request, data):
        tags = split_tags(data.get('tags'))
        try:
            template = api.template_create(
                request, name=data['name'],
                description=data.get('description') or None,
                tags=tags or None, visibility=data['visibility'],
                version=api_fields(data))
        except (api.BadRequest, api.Conflict) as error:
            if 'already exists' in api.message(error):
                self.add_error('name', api.message(error))
            else:
                self.show_error(error, data)
            return False
        except api.HTTPError as error:
            self.api_error(api.message(error))
            return False
        messages.success(request, _('Created stored template %s.') %
                         template.name)
        try:
            first = api.version_get(request, template.id,
                                    template.latest_version or 'latest')
            self.report_warnings(request, first)
        except api.HTTPError:
            LOG.debug('No first version to report on', exc_info=True)
        return template


def split_tags(text):
    return [t.strip() for t in (text or '').split(',') if t.strip()]


class UpdateTemplateForm(forms.SelfHandlingForm):
    """Change a stored template's description, tags and visibility."""

    template_id = forms.CharField(widget=forms.HiddenInput)
    description = forms.CharField(
        label=_('Description'), required=False,
        widget=forms.Textarea(attrs={'rows': 3}))
    tags = forms.CharField(label=_('Tags'), required=False,
                           help_text=_('Comma list, e.g. web,db; empty: '
                                       'no tags'))
    visibility = forms.ChoiceField(
        label=_('Visibility'), choices=VISIBILITIES,
        help_text=_('Stacks already built from a version keep it whatever '
                    'the visibility becomes; it only decides who may use '
                    'the template from now on.'))

    class Meta(object):
        name = _('Edit Template')

    def __init__(self, request, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        current = (kwargs.get('initial') or {}).get('visibility')
        if (current != 'public' and
                not auth_policy.check(policy.rules(policy.PUBLICIZE),
                                      request)):
            self.fields['visibility'].choices = VISIBILITIES[:2]

    def handle(self, request, data):
        try:
            template = api.template_update(
                request, data['template_id'],
                description=data.get('description') or '',
                tags=split_tags(data.get('tags')),
                visibility=data['visibility'])
        except (api.BadRequest, api.Conflict, api.Forbidden) as error:
            text = api.message(error)
            lowered = text.lower()
            field = None
            for name in ('tags', 'visibility', 'description'):
                if name[:-1] in lowered:
                    field = name
                    break
            if field is None and ('public' in lowered or
                                  isinstance(error, api.Forbidden)):
                field = 'visibility'
            self.add_error(field, text)
            return False
        except api.HTTPError as error:
            self.api_error(api.message(error))
            return False
        messages.success(request, _('Updated stored template %s.') %
                         template.name)
        return template


class PublishVersionForm(BundleForm):
    template_id = forms.CharField(widget=forms.HiddenInput)

    class Meta(object):
        name = _('Publish Version')

    def handle(self, request, data):
        try:
            version = api.version_create(request, data['template_id'],
                                         **api_fields(data))
        except (api.BadRequest, api.Conflict) as error:
            self.show_error(error, data)
            return False
        except api.HTTPError as error:
            self.api_error(api.message(error))
            return False
        messages.success(request, _('Published version %s.') %
                         version.version)
        self.report_warnings(request, version)
        return version


# Launching a stack from a version

PINS = (('exact', _('Exactly this version')),
        ('caret', _('^ compatible: newer minor and patch versions')),
        ('tilde', _('~ newer patch versions only')))
UPGRADE_POLICIES = (
    ('PINNED', _('Keep the version picked at creation')),
    ('LATEST_MATCHING', _('Move to the newest match on every update')))


class LaunchStackForm(stack_forms.CreateStackForm):
    """heat-dashboard's Launch Stack form, for one stored version.

    The parameter fields are heat-dashboard's own, built from Heat's
    validation of the stack template (types, defaults, allowed values,
    ranges, descriptions, hidden values); this form adds how the stack is
    pinned to the store's versions.
    """

    pin = forms.ChoiceField(label=_('Version Pin'), choices=PINS,
                            initial='exact')
    upgrade_policy = forms.ChoiceField(label=_('On Stack Update'),
                                       choices=UPGRADE_POLICIES,
                                       initial='PINNED')

    class Meta(object):
        name = _('Launch Stack')

    def __init__(self, *args, **kwargs):
        self.stored_version = kwargs.pop('stored_version')
        super().__init__(*args, **kwargs)
        # Pin and policy first, after the stack's name.
        order = ['stack_name', 'pin', 'upgrade_policy']
        self.order_fields(order + [k for k in self.fields
                                   if k not in order])

    def handle(self, request, data):
        prefix = len(self.param_prefix)
        params = {k[prefix:]: v for k, v in data.items()
                  if k.startswith(self.param_prefix)}
        template = launch.stack_template(self.stored_version,
                                         data['pin'], data['upgrade_policy'])
        fields = {'stack_name': data['stack_name'],
                  'timeout_mins': data.get('timeout_mins'),
                  'disable_rollback': not data.get('enable_rollback'),
                  'parameters': params,
                  'template': json.dumps(template)}
        try:
            stack = heat_api.heat.stack_create(
                request, password=data.get('password'), **fields)
        except Exception as error:
            # Broad on purpose, as heat-dashboard's own form: any failure
            # to create is shown to the user by Horizon's handler.
            LOG.info('Stack create from %s %s failed: %s',
                     self.stored_version.template_name,
                     self.stored_version.version, error)
            self.api_error(_('Unable to create the stack: %s') %
                           getattr(error, 'message', error))
            return False
        messages.info(request, _('Stack creation started.'))
        return stack


def stack_detail_url(stack):
    stack = stack.get('stack', stack) if isinstance(stack, dict) else stack
    stack_id = stack.get('id') if isinstance(stack, dict) else None
    if not stack_id:
        return reverse('horizon:project:stacks:index')
    return reverse('horizon:project:stacks:detail', args=(stack_id,))
