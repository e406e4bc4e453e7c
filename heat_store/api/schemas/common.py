"""Shared pieces of the request schemas."""

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
