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

"""Shared pieces of the request schemas."""

from heat_store.objects import member as member_obj

# A name starts with a letter. One that the lookups would take for an id
# is refused by heat_store.names.check_name, the rule's one place.
NAME = {
    'type': 'string',
    'pattern': '^[a-zA-Z][a-zA-Z0-9_.-]{0,254}$',
}

DESCRIPTION = {'type': ['string', 'null'], 'maxLength': 65535}

TAG = {'type': 'string', 'minLength': 1, 'maxLength': 80,
       'pattern': '^[^,]+$'}

TAG_LIST = {'type': 'array', 'items': TAG, 'maxItems': 100}

# Heat's stack API takes tags as a comma list; a JSON list works as well.
# The tags of a comma list must pass TAG_LIST too (util.tag_list).
TAGS = {'anyOf': [TAG_LIST, {'type': 'string', 'maxLength': 8100}]}

VISIBILITY = {'type': 'string', 'enum': ['private', 'shared', 'public']}

# The most values a list filter of a query (``tags=a,b``, repeated or not)
# may hold: each becomes a condition of the query, and the database has a
# bound on how large one may grow (SQLite's expression tree depth).
MAX_FILTER_VALUES = 50

PROJECT_ID = {'type': 'string', 'minLength': 1, 'maxLength': 64,
              'pattern': r'^[^/\s]+$'}

# A member project's answer to an offer, and what a list may ask for.
MEMBER_STATUS = {'type': 'string', 'enum': list(member_obj.STATUSES)}
MEMBER_STATUS_FILTER = {'type': 'string',
                        'enum': list(member_obj.STATUSES) + ['all']}
