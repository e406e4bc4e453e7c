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

"""The template of a stack launched from a stored version.

One ``OS::Heat::StoredTemplate`` resource, pinned as the user picks: the
exact version, ``^`` (newer minor and patch versions of the same major)
or ``~`` (newer patches). The stack's parameters are the version's own,
with their types, defaults, constraints and descriptions, a value the
stored environment gives a parameter being its default (the stack passes
every value to the resource, so the form must start from the value Heat
would otherwise use), so that Heat's
validation of this template gives heat-dashboard's launch form every
field it needs; they pass through to the resource. Its outputs are the
version's.
"""

from heat_store import parameter_values

PIN_PREFIX = {'exact': '', 'caret': '^', 'tilde': '~'}
HOT_VERSION = '2018-08-31'
_HOT_TYPES = {'String': 'string', 'Number': 'number', 'Json': 'json',
              'CommaDelimitedList': 'comma_delimited_list',
              'Boolean': 'boolean'}


def constraint(version, pin='exact'):
    """The ``version`` property for a pin: ``1.2.0``, ``^1.2.0``..."""
    return PIN_PREFIX[pin] + version


def _parameters(version):
    root = version.template or {}
    hot = 'heat_template_version' in root
    given = parameter_values.given_values(version.environment)
    parameters = {}
    for name, schema in (version.parameters or {}).items():
        if hot:
            param = dict((root.get('parameters') or {}).get(name) or {})
        else:
            # A CFN root: its interface, in HOT words.
            param = {k: v for k, v in schema.items() if v is not None}
            param['type'] = _HOT_TYPES.get(schema.get('type'), 'string')
        if name in given:
            param['default'] = given[name]
        parameters[name] = param
    groups = root.get('parameter_groups') if hot else None
    return parameters, groups


def root_description(version):
    root = version.template or {}
    return root.get('description') or root.get('Description')


def stack_template(version, pin='exact', upgrade_policy='PINNED',
                   wanted=None):
    """The stack template launching ``version`` (a version with its bundle).

    :param pin: ``exact``, ``caret`` or ``tilde``
    :param upgrade_policy: ``PINNED`` or ``LATEST_MATCHING``
    :param wanted: the version or constraint the user asked for, which
        ``version`` resolved from, used as is instead of ``pin``; empty:
        the resource asks for the latest version
    :rtype: dict
    """
    asked = constraint(version.version, pin) if wanted is None else wanted
    parameters, groups = _parameters(version)
    resource = version.template_name
    outputs = {}
    for name, output in (version.outputs or {}).items():
        outputs[name] = {'value': {'get_attr': [resource, name]}}
        if (output or {}).get('description'):
            outputs[name]['description'] = output['description']
    template = {
        'heat_template_version': HOT_VERSION,
        'description': (root_description(version) or
                        'A stack of stored template %s %s' % (
                            version.template_name,
                            asked or version.version)),
        'parameters': parameters,
        'resources': {resource: {
            'type': 'OS::Heat::StoredTemplate',
            'properties': {
                'template': version.template_id,
                'upgrade_policy': upgrade_policy,
                'parameters': {name: {'get_param': name}
                               for name in sorted(parameters)}}}},
        'outputs': outputs,
    }
    if asked:
        template['resources'][resource]['properties']['version'] = asked
    if groups:
        template['parameter_groups'] = groups
    return template
