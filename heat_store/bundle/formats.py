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

"""What every part of a bundle shares.

The names of Heat's two template formats (HOT's and CFN's), the limits
read from Heat's options, a bundle's refusal (InvalidBundle) and the
JSON text a bundle is sized and stored as.
"""

from oslo_config import cfg

from heat.common.i18n import _

from heat_store import exception
from heat_store import references


cfg.CONF.import_opt('max_template_size', 'heat.common.config')
cfg.CONF.import_opt('max_nested_stack_depth', 'heat.common.config')
cfg.CONF.import_opt('max_resources_per_stack', 'heat.common.config')

ROOT = 'root template'
ENVIRONMENT = 'environment'
DIGEST_ALGORITHM = references.DIGEST_ALGORITHM
TEMPLATE_SUFFIXES = ('.yaml', '.yml', '.template', '.json')

# Heat's two template formats name a template's sections and a resource
# definition's keys apart: HOT's name and CFN's.
CFN_NAMES = {
    'parameters': 'Parameters', 'resources': 'Resources',
    'outputs': 'Outputs', 'type': 'Type', 'properties': 'Properties',
    'default': 'Default', 'description': 'Description', 'label': 'Label',
}
_RESOURCE_KEYS = ('resources', 'type', 'properties')
# (resources section, type key, properties key): HOT's, then CFN's.
RESOURCE_FORMATS = (_RESOURCE_KEYS,
                    tuple(CFN_NAMES[key] for key in _RESOURCE_KEYS))


def section(template, name):
    """A template's section by its HOT name, else by its CFN one.

    ``{}`` when absent or not a map.
    """
    found = template.get(name, template.get(CFN_NAMES[name])) or {}
    return found if isinstance(found, dict) else {}


def properties_key(definition):
    """The properties key of a resource definition, in its own format.

    CFN's (``Properties``) when the definition writes CFN's ``Type`` or
    ``Properties``, else HOT's.
    """
    cfn = CFN_NAMES['properties']
    return (cfn if cfn in definition or CFN_NAMES['type'] in definition
            else 'properties')


# Resources whose properties define further resources by type; Heat looks
# these types up in ``files`` like any resource type.
NESTED_DEFINITIONS = {
    'OS::Heat::ResourceGroup': 'resource_def',
    'OS::Heat::AutoScalingGroup': 'resource',
}
RESOURCE_CHAIN = 'OS::Heat::ResourceChain'
# Members a group builds: the properties that say how many, in order of
# precedence, and the number when none is given.
GROUP_SIZES = {
    'OS::Heat::ResourceGroup': (('count',), 1),
    'OS::Heat::AutoScalingGroup': (('desired_capacity', 'min_size'), 1),
}
# Heat fetches this resource's TemplateURL whenever it validates it.
CFN_STACK = 'AWS::CloudFormation::Stack'
PARAM_FUNCTIONS = ('get_param', 'Ref')
# What validation gives the engine for a type known only at run time.
PLACEHOLDER_TYPE = 'OS::Heat::None'
UNBOUNDED = float('inf')


def invalid(reason, **kwargs):
    return exception.InvalidBundle(reason=reason % kwargs)


def json_text(data, name):
    # NOTE: NaN and the infinities (JSON's NaN, YAML's .nan and .inf) have
    # no JSON form: the canonical text would not be JSON, and clients could
    # neither read the version back nor recompute its digest.
    try:
        return references.canonical_text(data)
    except (TypeError, ValueError) as error:
        raise invalid(_('%(name)s cannot be stored as JSON: %(error)s'),
                      name=name, error=error)
