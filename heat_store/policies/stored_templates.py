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

"""Policies of stored templates, their versions and their members."""

import itertools

from oslo_policy import policy

from heat_store.policies import base

ROOT = 'stored_templates'
VERSIONS = ROOT + ':versions'
MEMBERS = ROOT + ':members'

# Actions checked inside handlers, beyond the one per handler.
PUBLICIZE = ROOT + ':publicize'
GLOBAL_INDEX = ROOT + ':global_index'
IMPACT = VERSIONS + ':impact'

_BASE = '/v1/{tenant_id}/stored_templates'
_ONE = _BASE + '/{template}'
_VERSION = _ONE + '/versions/{version}'


def _rule(name, check_str, description, method, path):
    return policy.DocumentedRuleDefault(
        name=name, check_str=check_str, description=description,
        operations=[{'method': method, 'path': path}],
        scope_types=['project'])


template_rules = [
    _rule(ROOT + ':index', base.PROJECT_READER,
          'List stored templates.', 'GET', _BASE),
    _rule(GLOBAL_INDEX, base.ADMIN,
          'List the stored templates of every project '
          '(global_tenant=true).', 'GET', _BASE),
    _rule(ROOT + ':create', base.PROJECT_MEMBER,
          'Create a stored template.', 'POST', _BASE),
    _rule(ROOT + ':show', base.PROJECT_READER,
          'Show a stored template.', 'GET', _ONE),
    _rule(ROOT + ':update', base.PROJECT_MEMBER,
          'Change the description, tags or visibility of a stored '
          'template.', 'PATCH', _ONE),
    _rule(PUBLICIZE, base.ADMIN,
          'Make a stored template public.', 'PATCH', _ONE),
    _rule(ROOT + ':delete', base.PROJECT_MEMBER,
          'Delete a stored template and all its versions.', 'DELETE', _ONE),
]

version_rules = [
    _rule(VERSIONS + ':index', base.PROJECT_READER,
          'List the versions of a stored template.', 'GET',
          _ONE + '/versions'),
    _rule(VERSIONS + ':create', base.PROJECT_MEMBER,
          'Publish a version of a stored template.', 'POST',
          _ONE + '/versions'),
    _rule(VERSIONS + ':show', base.PROJECT_READER,
          'Show a version with its bundle.', 'GET', _VERSION),
    _rule(VERSIONS + ':template', base.PROJECT_READER,
          'Show the template body of a version.', 'GET',
          _VERSION + '/template'),
    _rule(VERSIONS + ':update', base.PROJECT_MEMBER,
          'Deprecate or reactivate a version, or change its description.',
          'PATCH', _VERSION),
    _rule(VERSIONS + ':delete', base.PROJECT_MEMBER,
          'Delete a version.', 'DELETE', _VERSION),
    _rule(VERSIONS + ':stacks', base.PROJECT_READER,
          'List the stacks built from a version.', 'GET',
          _VERSION + '/stacks'),
    _rule(VERSIONS + ':dependents', base.PROJECT_READER,
          'List the versions whose bundles depend on a version.', 'GET',
          _VERSION + '/dependents'),
    # A member's action, as Heat's own update preview is.
    _rule(IMPACT, base.PROJECT_MEMBER,
          'Preview what a version would do to the stacks of the project '
          'that would move to it (also checked for a dry run with '
          '"impact").', 'GET', _VERSION + '/impact'),
    _rule(VERSIONS + ':resolve', base.PROJECT_READER,
          'Resolve a version constraint.', 'GET', _ONE + '/resolve'),
]

member_rules = [
    _rule(MEMBERS + ':index', base.PROJECT_READER,
          'List the projects a stored template is shared with.', 'GET',
          _ONE + '/members'),
    _rule(MEMBERS + ':create', base.PROJECT_MEMBER,
          'Share a stored template with a project.', 'POST',
          _ONE + '/members'),
    _rule(MEMBERS + ':update', base.PROJECT_MEMBER,
          'Accept or reject a stored template offered to the project '
          '(its own member status).', 'PUT',
          _ONE + '/members/{project_id}'),
    _rule(MEMBERS + ':delete', base.PROJECT_MEMBER,
          'Stop sharing a stored template with a project.', 'DELETE',
          _ONE + '/members/{project_id}'),
]


def list_rules():
    return list(itertools.chain(template_rules, version_rules, member_rules))
