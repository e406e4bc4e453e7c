"""Request bodies of versions."""

STATUS = {'type': 'string', 'enum': ['active', 'deprecated']}

POST_VERSION = {
    'type': 'object',
    'properties': {
        'version': {'type': 'string', 'minLength': 1, 'maxLength': 64},
        'template': {'type': ['string', 'object']},
        'files': {'type': 'object',
                  'additionalProperties': {'type': 'string'}},
        'environment': {'type': ['string', 'object', 'null']},
        'description': {'type': ['string', 'null'], 'maxLength': 65535},
        'source': {
            'type': ['object', 'null'],
            'properties': {
                'url': {'type': ['string', 'null'], 'maxLength': 1024},
                'revision': {'type': ['string', 'null'], 'maxLength': 255},
            },
            'additionalProperties': False,
        },
        'strict': {'type': 'boolean'},
        'force': {'type': 'boolean'},
    },
    'required': ['template'],
    'additionalProperties': False,
}

PATCH_VERSION = {
    'type': 'object',
    'properties': {
        'status': STATUS,
        'description': {'type': ['string', 'null'], 'maxLength': 65535},
    },
    'minProperties': 1,
    'additionalProperties': False,
}
