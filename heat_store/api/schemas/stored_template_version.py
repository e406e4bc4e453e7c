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

"""Request bodies of versions."""

STATUS = {'type': 'string', 'enum': ['active', 'deprecated']}

# Where a version came from, shown to every user of it and as a link by
# clients: an https, http, git, ssh or file (a local repository) URL, and
# nothing that a browser would run (javascript:, data:). The store never
# opens it. Schemes are lower case; scp-like addresses (git@host:path)
# are written as ssh://git@host/path.
SOURCE_URL = {'type': ['string', 'null'], 'maxLength': 1024,
              'pattern': r'^(https?|git|ssh|file)://\S+$',
              'description': 'an https, http, git, ssh or file URL'}

FIRST_VERSION = {
    'type': 'object',
    'properties': {
        'version': {'type': 'string', 'minLength': 1, 'maxLength': 64},
        'template': {'type': ['string', 'object']},
        'files': {'type': 'object',
                  'additionalProperties': {'type': 'string'}},
        'environment': {'type': ['string', 'object', 'null']},
        # As openstack stack create sends them: files keys merged in order.
        'environment_files': {'type': 'array', 'maxItems': 100,
                              'items': {'type': 'string'}},
        # The texts as written, when template, environment or child
        # files are sent in another form (parsed, references rewritten):
        # kept where they mean the same, and given back.
        'template_text': {'type': ['string', 'null']},
        'environment_text': {'type': ['string', 'null']},
        'files_text': {'type': 'object',
                       'additionalProperties': {'type': 'string'}},
        'description': {'type': ['string', 'null'], 'maxLength': 65535},
        'source': {
            'type': ['object', 'null'],
            'properties': {
                'url': SOURCE_URL,
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

# A publish; the first version of a new template (FIRST_VERSION) has no
# dry run.
POST_VERSION = dict(FIRST_VERSION, properties=dict(
    FIRST_VERSION['properties'],
    # Judge the version as a publish would, and write nothing: 200.
    dry_run={'type': 'boolean'},
    # With dry_run: also the impact report of the unpublished version.
    impact={'type': 'boolean'}))

PATCH_VERSION = {
    'type': 'object',
    'properties': {
        'status': STATUS,
        'description': {'type': ['string', 'null'], 'maxLength': 65535},
    },
    'minProperties': 1,
    'additionalProperties': False,
}
