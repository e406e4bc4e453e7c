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

"""The one rule that tells a stored template's id from its name.

``{template}`` in a path, and the ``template`` property of
OS::Heat::StoredTemplate, is either. The lookups (``heat_store.db.api``)
ask :func:`is_id`, and creating a template refuses a name it would take
for an id (:func:`check_name`), so every name that can be created is
found by that name.
"""

from oslo_utils import uuidutils

from heat.common.i18n import _

from heat_store import exception


def is_id(ref):
    """Whether a template reference is looked up as an id.

    oslo.utils' rule, as Heat and the rest of OpenStack read ids: 32
    hexadecimal digits, in any case, with hyphens anywhere (and braces or
    ``urn:uuid:``, which no name has).
    """
    return uuidutils.is_uuid_like(ref)


def check_name(name):
    """400 for a name the lookups would take for an id."""
    if is_id(name):
        raise exception.InvalidRequest(
            reason=_('Invalid request body: name: %(name)r would be taken '
                     'for a stored template id (32 hexadecimal digits, '
                     'hyphens anywhere); a name may not look like one.') %
            {'name': name})
