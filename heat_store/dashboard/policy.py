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

"""The store's policy rules, as Horizon's policy engine reads them.

Horizon judges each action by the service's rules before it shows a
button (``openstack_auth.policy``, one oslo.policy enforcer per service).
The store's rules join the ``orchestration`` service's: the file
``conf/policy.d/heat_store.yaml`` holds their defaults (written from
:mod:`heat_store.policies`, and checked against them by the unit tests),
and a deployment adds its folder to ``POLICY_DIRS['orchestration']``. An
operator who overrides a rule in Heat's policy file overrides it there too.
"""

import os

import yaml

from heat_store.policies import stored_templates

SERVICE = 'orchestration'
POLICY_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                          'conf', 'policy.d')
POLICY_FILE = os.path.join(POLICY_DIR, 'heat_store.yaml')

INDEX = stored_templates.ROOT + ':index'
CREATE = stored_templates.ROOT + ':create'
UPDATE = stored_templates.ROOT + ':update'
DELETE = stored_templates.ROOT + ':delete'
PUBLICIZE = stored_templates.PUBLICIZE
VERSION_CREATE = stored_templates.VERSIONS + ':create'
VERSION_UPDATE = stored_templates.VERSIONS + ':update'
VERSION_DELETE = stored_templates.VERSIONS + ':delete'
VERSION_IMPACT = stored_templates.VERSIONS + ':impact'
MEMBER_INDEX = stored_templates.MEMBERS + ':index'
MEMBER_CREATE = stored_templates.MEMBERS + ':create'
MEMBER_UPDATE = stored_templates.MEMBERS + ':update'
MEMBER_DELETE = stored_templates.MEMBERS + ':delete'
STACK_CREATE = 'stacks:create'


def rules(*names):
    """Horizon's ``policy_rules`` for the store's actions ``names``."""
    return tuple((SERVICE, name) for name in names)


def defaults_text():
    """The text of ``heat_store.yaml``: every rule with its default."""
    lines = ['# The template store\'s policy defaults, for Horizon\'s policy',
             '# engine (POLICY_DIRS["orchestration"]). Written from',
             '# heat_store.policies; change a rule in Heat\'s policy file',
             '# and here alike.']
    for rule in stored_templates.list_rules():
        lines.append('# %s' % rule.description)
        lines.append(yaml.safe_dump({rule.name: rule.check_str},
                                    default_flow_style=False,
                                    width=1000).rstrip())
    return '\n'.join(lines) + '\n'


if __name__ == '__main__':
    with open(POLICY_FILE, 'w') as f:
        f.write(defaults_text())
