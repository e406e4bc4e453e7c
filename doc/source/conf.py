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

"""Sphinx configuration of heat-store's documentation."""

# -- General configuration ----------------------------------------------

# oslo_config.sphinxext and oslo_policy.sphinxext render the options and
# the default rules (admin/configuration, admin/policies) from the
# package's oslo.config.opts and oslo.policy.policies entry points.
extensions = [
    'openstackdocstheme',
    'oslo_config.sphinxext',
    'oslo_policy.sphinxext',
]

# openstackdocstheme: the repository and where its bugs go.
openstackdocs_repo_name = 'openstack/heat-store'
openstackdocs_bug_project = 'heat-store'
openstackdocs_bug_tag = 'docs'
openstackdocs_auto_name = False

project = 'heat-store'
copyright = 'heat-store developers'

source_suffix = '.rst'
master_doc = 'index'
exclude_patterns = ['_build']
pygments_style = 'native'

# -- Options for HTML output --------------------------------------------

html_theme = 'openstackdocs'
