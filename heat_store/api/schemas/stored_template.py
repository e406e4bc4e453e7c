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

"""Request bodies of stored templates."""

from heat_store.api.schemas import common
from heat_store.api.schemas import stored_template_version

POST_TEMPLATE = {
    'type': 'object',
    'properties': {
        'name': common.NAME,
        'description': common.DESCRIPTION,
        'tags': common.TAGS,
        'visibility': common.VISIBILITY,
        'version': stored_template_version.FIRST_VERSION,
    },
    'required': ['name'],
    'additionalProperties': False,
}

PATCH_TEMPLATE = {
    'type': 'object',
    'properties': {
        'description': common.DESCRIPTION,
        'tags': common.TAGS,
        'visibility': common.VISIBILITY,
    },
    'minProperties': 1,
    'additionalProperties': False,
}

POST_MEMBER = {
    'type': 'object',
    'properties': {'project_id': common.PROJECT_ID},
    'required': ['project_id'],
    'additionalProperties': False,
}

PUT_MEMBER = {
    'type': 'object',
    'properties': {'status': common.MEMBER_STATUS},
    'required': ['status'],
    'additionalProperties': False,
}

# The list's query: which offers to the caller's project to list.
LIST_QUERY = {
    'type': 'object',
    'properties': {'member_status': common.MEMBER_STATUS_FILTER},
}
