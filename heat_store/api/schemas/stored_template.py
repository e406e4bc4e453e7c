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
        'version': stored_template_version.POST_VERSION,
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
