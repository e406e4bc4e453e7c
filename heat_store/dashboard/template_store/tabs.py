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

"""Tabs of a stored template's page and of a version's page."""

from django.utils.translation import gettext_lazy as _
from horizon import exceptions
from horizon import tabs
import yaml

from heat_store.dashboard import api
from heat_store.dashboard import names
from heat_store.dashboard import policy
from heat_store.dashboard.template_store import highlight
from heat_store.dashboard.template_store import members
from heat_store.dashboard.template_store import tables as store_tables
from heat_store import parameter_values

T = 'project/template_store/'


def _yaml(data):
    if isinstance(data, str):
        return data
    return yaml.safe_dump(data, default_flow_style=False, sort_keys=False,
                          allow_unicode=True)


def value_text(value):
    """A parameter's value as a user would type it: ``16``, ``true``."""
    if value is None:
        return '-'
    if isinstance(value, (dict, list)):
        return _yaml(value).strip()
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return str(value)


class TemplateOverviewTab(tabs.Tab):
    name = _('Overview')
    slug = 'overview'
    template_name = T + '_template_overview.html'

    def get_context_data(self, request):
        template = self.tab_group.kwargs['stored_template']
        return {'stored_template': template,
                'project_name': names.project(request, template.project_id)}


class VersionsTab(tabs.TableTab):
    name = _('Versions')
    slug = 'versions'
    table_classes = (store_tables.VersionsTable,)
    template_name = 'horizon/common/_detail_table.html'
    preload = True

    _more = _prev = False

    def has_more_data(self, table):
        return self._more

    def has_prev_data(self, table):
        return self._prev

    def get_versions_data(self):
        template = self.tab_group.kwargs['stored_template']
        table = self._tables['versions']
        table.stored_template = template
        meta = table._meta
        prev_marker = self.request.GET.get(meta.prev_pagination_param)
        marker = prev_marker or self.request.GET.get(meta.pagination_param)
        try:
            versions, self._more, self._prev = api.versions_page(
                self.request, template.id, marker=marker,
                reverse=bool(prev_marker))
        except api.HTTPError:
            exceptions.handle(self.request,
                              _('Unable to retrieve the versions.'))
            return []
        for version in versions:
            version.published_by = names.published_by(self.request, version)
        return versions


class TemplateTabs(tabs.DetailTabsGroup):
    slug = 'stored_template'
    tabs = (VersionsTab, TemplateOverviewTab, members.MembersTab)
    sticky = True


# A version's page

class _VersionTab(tabs.Tab):
    def version(self):
        return self.tab_group.kwargs['stored_version']


class VersionOverviewTab(_VersionTab):
    name = _('Overview')
    slug = 'overview'
    template_name = T + '_version_overview.html'

    def get_context_data(self, request):
        version = self.version()
        kwargs = self.tab_group.kwargs
        try:
            stacks = api.version_consumers(request, version.template_id,
                                           version.version)
        except api.HTTPError:
            exceptions.handle(request, _('Unable to retrieve the stacks.'))
            stacks = []
        try:
            dependents, others = api.version_dependents(
                request, version.template_id, version.version)
        except api.HTTPError:
            exceptions.handle(request,
                              _('Unable to retrieve the dependents.'))
            dependents, others = [], 0
        return {'version': version, 'stored_template':
                kwargs['stored_template'], 'stacks': stacks,
                'published_by': names.published_by(request, version),
                'dependents': dependents, 'other_dependents': others}


class InterfaceTab(_VersionTab):
    name = _('Interface')
    slug = 'interface'
    template_name = T + '_version_interface.html'

    def get_context_data(self, request):
        version = self.version()
        given = parameter_values.given_values(version.environment)
        params = []
        for name, schema in sorted((version.parameters or {}).items()):
            default = given[name] if name in given else schema.get('default')
            params.append({'name': name, 'type': schema.get('type'),
                           'default': value_text(default),
                           'from_env': name in given,
                           'label': schema.get('label') or '',
                           'description': schema.get('description') or ''})
        outputs = [{'name': name,
                    'description': (out or {}).get('description') or ''}
                   for name, out in sorted((version.outputs or {}).items())]
        return {'parameters': params, 'outputs': outputs}


class _CodeTab(_VersionTab):
    """Texts of the version, highlighted, each under its path."""

    template_name = T + '_code.html'
    empty = None

    def texts(self, version):
        """``(path, text)`` of each block, in order."""
        raise NotImplementedError

    def get_context_data(self, request):
        return {'blocks': [{'path': path,
                            'html': highlight.code(text, path)}
                           for path, text in self.texts(self.version())],
                'empty': self.empty,
                'style': highlight.style()}


class TemplateTab(_CodeTab):
    name = _('Template')
    slug = 'template'

    def texts(self, version):
        return [('%s.yaml' % version.template_name,
                 _yaml(getattr(version, 'template_text', None) or
                       version.template))]


class FilesTab(_CodeTab):
    name = _('Files')
    slug = 'files'
    empty = _('This version has no child files.')

    def texts(self, version):
        files = dict(version.files or {})
        # The texts as sent, where the store kept them in another form.
        files.update(getattr(version, 'files_text', None) or {})
        return [(path, files[path]) for path in sorted(files)]


class EnvironmentTab(_CodeTab):
    name = _('Environment')
    slug = 'environment'
    empty = _('This version has no environment.')

    def texts(self, version):
        env = (getattr(version, 'environment_text', None) or
               version.environment)
        return [('environment.yaml', _yaml(env))] if env else []


class ImpactTab(_VersionTab):
    """Heat's update preview of each stack that would move to the version.

    Loaded when opened: each preview asks Heat's engine.
    """

    name = _('Impact')
    slug = 'impact'
    template_name = T + '_version_impact.html'
    preload = False
    policy_rules = policy.rules(policy.VERSION_IMPACT)

    def get_context_data(self, request):
        version = self.version()
        try:
            impact, others = api.version_impact(request, version.template_id,
                                                version.version)
        except api.HTTPError as error:
            return {'error': api.message(error), 'impact': [],
                    'other_consumers': 0}
        for entry in impact:
            for action in ('added', 'updated', 'replaced', 'deleted'):
                entry[action] = [_resource(r) for r in entry[action]]
        return {'impact': impact, 'other_consumers': others,
                'version': version}


def _resource(change):
    """``name (type)`` of a resource in Heat's preview."""
    if not isinstance(change, dict):
        return str(change)
    name = change.get('resource_name', '?')
    if change.get('resource_type'):
        return '%s (%s)' % (name, change['resource_type'])
    return name


class VersionTabs(tabs.DetailTabsGroup):
    slug = 'stored_version'
    tabs = (VersionOverviewTab, InterfaceTab, TemplateTab, FilesTab,
            EnvironmentTab, ImpactTab)
    sticky = True
