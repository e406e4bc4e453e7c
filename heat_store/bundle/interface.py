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

"""A template's interface (parameters and outputs) and what breaks it."""

from heat.common.i18n import _

from heat_store.bundle import formats


def interface(template_dict):
    """The parameters and outputs a template offers to its users."""
    hot = 'heat_template_version' in template_dict
    fields = ('type', 'default', 'description', 'label')
    if not hot:
        fields = tuple(formats.CFN_NAMES[field] for field in fields)
    parameters = {}
    for name, schema in formats.section(template_dict, 'parameters').items():
        schema = schema if isinstance(schema, dict) else {}
        parameters[name] = {field.lower(): schema[field]
                            for field in fields if field in schema}
        parameters[name].setdefault('type', None)
    outputs = {}
    description = 'description' if hot else formats.CFN_NAMES['description']
    for name, output in formats.section(template_dict, 'outputs').items():
        output = output if isinstance(output, dict) else {}
        outputs[name] = ({'description': output[description]}
                         if description in output else {})
    return {'parameters': parameters, 'outputs': outputs}


def _type_family(param_type):
    """'CommaDelimitedList' and 'comma_delimited_list' are one type."""
    return str(param_type).lower().replace('_', '')


def interface_breaks(old_interface, new_interface, given=None):
    """What a new interface breaks for users of the old one.

    A parameter in ``given`` (the new version's environment's values,
    :func:`heat_store.parameter_values.given_values`) counts as
    defaulted. Returns human-readable breaks;
    empty means compatible.
    """
    defaults = given or {}
    old_params = old_interface.get('parameters') or {}
    new_params = new_interface.get('parameters') or {}
    breaks = []
    for name in sorted(old_params):
        old = old_params[name]
        new = new_params.get(name)
        if new is None:
            breaks.append(_("parameter '%s' was removed") % name)
            continue
        if _type_family(old.get('type')) != _type_family(new.get('type')):
            breaks.append(_("parameter '%(name)s' changed type from "
                            "'%(old)s' to '%(new)s'") %
                          {'name': name, 'old': old.get('type'),
                           'new': new.get('type')})
        if ('default' in old and 'default' not in new and
                name not in defaults):
            breaks.append(_("parameter '%s' no longer has a default") %
                          name)
    for name in sorted(set(new_params) - set(old_params)):
        if 'default' not in new_params[name] and name not in defaults:
            breaks.append(_("new parameter '%s' has no default") % name)
    new_outputs = new_interface.get('outputs') or {}
    for name in sorted(set(old_interface.get('outputs') or {}) -
                       set(new_outputs)):
        breaks.append(_("output '%s' was removed") % name)
    return breaks
