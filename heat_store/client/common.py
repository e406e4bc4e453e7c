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

"""Helpers shared by the managers: paths and query strings."""

from urllib import parse

COLLECTION = '/stored_templates'


def quote(segment):
    """One path segment; names and versions never carry a slash."""
    return parse.quote(str(segment), safe='')


def template_path(template, *rest):
    """``/stored_templates/{template}[/rest...]``, each part quoted."""
    return '/'.join([COLLECTION] + [quote(p) for p in (template,) + rest])


def query_string(params):
    """A sorted, urlencoded query of the non-empty ``params``.

    Sorting keeps the URL deterministic, as python-heatclient does. Lists
    (tags) are sent as Heat's comma lists; booleans as ``true``/``false``.
    """
    pairs = []
    for key, value in sorted(params.items()):
        if value is None or value == '' or value == []:
            continue
        if isinstance(value, bool):
            value = 'true' if value else 'false'
        elif isinstance(value, (list, tuple)):
            value = ','.join(str(v) for v in value)
        pairs.append((key, value))
    return '?%s' % parse.urlencode(pairs) if pairs else ''


def drop_unset(fields):
    """A request body without the fields the caller left as None."""
    return {key: value for key, value in fields.items() if value is not None}


def split_tags(text):
    """``a,b`` as ``['a', 'b']``; None stays None (not given)."""
    if text is None:
        return None
    return [tag.strip() for tag in text.split(',') if tag.strip()]
