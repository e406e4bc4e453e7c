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

"""How a version is written: one rule for client and server.

Imported by heat-api, heat-engine and the client commands alike, so it
needs neither Heat nor heatclient. What a version means (precedence,
constraints, resolution) is the server's, in ``versioning.py``.
"""

import re

LATEST = 'latest'
# A new stored template's first version when none is given.
FIRST_VERSION = '1.0.0'

# NOTE: semantic_version's own pattern ends in '$' and uses '\d', so it
# takes '1.2.3\n' and non-ASCII digits; this is the strict semver.org
# grammar, without build metadata (refused separately, with its reason).
_CORE = (r'(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)'
         r'(-(0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)'
         r'(\.(0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*))*)?')
VERSION_RE = re.compile(_CORE)
# The same with build metadata: still one version, which the server
# refuses with its reason.
_WITH_BUILD_RE = re.compile(_CORE + r'(\+[0-9A-Za-z.-]+)?')
# A 'v' that starts a version number ('v1.2.0', '^v1.2', '>=v1 <v2'), not
# one inside a prerelease ('1.0.0-dev1', '1.0.0-rc.v2').
_LEADING_V_RE = re.compile(r'(?<![0-9A-Za-z.+-])v(?=[0-9])')


def drop_v(text):
    """The text without the 'v' that may start each version number in it.

    The one rule for a leading 'v', wherever a version or a constraint is
    given (API, commands, the resource property): node-semver and git
    tags write 'v1.2.0', so it is taken and means '1.2.0'. Anything but a
    string is returned as it is.
    """
    if not isinstance(text, str):
        return text
    return _LEADING_V_RE.sub('', text)


def is_exact(text):
    """Whether a constraint names exactly one version (``1.4.2``)."""
    return isinstance(text, str) and bool(VERSION_RE.fullmatch(text))


def names_one_version(text):
    """Whether a command's "version or constraint" names one version.

    ``latest``, or an exact version as a user may write it: with a
    leading 'v' (:func:`drop_v`) and even with build metadata, so that
    the server, not the client, explains why it refuses that. Anything
    else is a constraint, resolved by the server.
    """
    return text == LATEST or (isinstance(text, str) and bool(
        _WITH_BUILD_RE.fullmatch(drop_v(text))))
