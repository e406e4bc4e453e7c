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

"""The values a stored environment gives its root template's parameters.

One rule for the store (interface breaks, impact) and the dashboard
(the launch form, the Interface tab), so it needs neither Heat nor
heatclient. As Heat builds a resource's nested stack: the environment's
``parameter_defaults`` replace the template's defaults, in every template
of the bundle; its ``parameters`` are values for the root, and win over
both. Only a value the stack passes wins over them.
"""


def given_values(environment):
    """``{parameter: value}`` the environment gives the root's parameters.

    A section that is not a mapping gives nothing.
    """
    given = {}
    for section in ('parameter_defaults', 'parameters'):
        values = (environment or {}).get(section)
        if isinstance(values, dict):
            given.update(values)
    return given
