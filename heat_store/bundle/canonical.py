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

"""A bundle's canonical form: its stored bytes and its digest."""

from heat.common.i18n import _

from heat_store.bundle import formats
from heat_store.bundle import parse
from heat_store import references


def canonical_bytes(template_dict, files, environment_dict):
    """The stored form of a bundle: sorted, compact JSON in UTF-8.

    Files stay text. Its length is the bundle's size.
    """
    document = references.bundle_document(template_dict, files,
                                          environment_dict)
    return formats.json_text(document, _('bundle')).encode('utf-8')


# The client computes the same digest (heat_store.client.sync).
digest_of = references.digest_of


def digest(template_dict, files, environment_dict, trees=None):
    """A bundle's digest, by :func:`heat_store.references.bundle_digest`.

    ``trees`` is what :func:`heat_store.bundle.parse.check_files` gave
    for ``files``, when known.
    """
    files = files or {}
    if trees is None:
        trees = parse.check_files(files)
    try:
        return references.bundle_digest(template_dict, files,
                                        environment_dict, trees.get)
    except (TypeError, ValueError) as error:
        raise formats.invalid(
            _('%(name)s cannot be stored as JSON: %(error)s'),
            name=_('bundle'), error=error)
