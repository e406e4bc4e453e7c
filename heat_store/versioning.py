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

"""Semantic versions and npm-style version constraints.

This module is the one place that knows the store's semver rules: which
version strings are accepted, what a constraint matches and which version
a constraint resolves to. How a version is written (its grammar, the
leading 'v', ``latest``) is ``version_text.py``'s, shared with the client.
"""

import operator
import re

import semantic_version

from heat.common.i18n import _

from heat_store import exception
from heat_store import version_text

MAX_VERSION_LENGTH = 64
MAX_CONSTRAINT_LENGTH = 255
# The database keeps major, minor and patch in 32-bit integer columns.
MAX_PART = 2 ** 31 - 1
LATEST = version_text.LATEST
ACTIVE = 'active'
FIRST_VERSION = version_text.FIRST_VERSION

_VERSION_RE = version_text.VERSION_RE
# Printable ASCII only: NpmSpec would take a trailing newline.
_CONSTRAINT_RE = re.compile(r'[ -~]*')
CONSTRAINT_HELP = _('an exact version (1.2.0) or a range such as ^1.2, '
                    '~1.2.0, >=1.0.0 <2.0.0, 1.x, 1.0.0 - 2.0.0 or '
                    '^1.0 || ^2.0')

_OPERATORS = {
    '==': operator.eq,
    '>': operator.gt,
    '>=': operator.ge,
    '<': operator.lt,
    '<=': operator.le,
}


drop_v = version_text.drop_v


def parse_version(text):
    """Parse a strict semantic version such as '1.4.2' or '2.0.0-rc.1'.

    A leading 'v' is dropped (see :func:`drop_v`). Build metadata is
    refused because it does not take part in semver precedence: '1.0.0+a'
    and '1.0.0+b' would be two versions that sort as one.
    """
    if not isinstance(text, str):
        raise exception.InvalidVersion(version=text,
                                       reason=_('a version must be a string'))
    given, text = text, drop_v(text)
    if len(given) > MAX_VERSION_LENGTH:
        raise exception.InvalidVersion(
            version=given[:MAX_VERSION_LENGTH] + '...',
            reason=_('longer than %d characters') % MAX_VERSION_LENGTH)
    if '+' in text:
        raise exception.InvalidVersion(
            version=given, reason=_('build metadata is not allowed'))
    if not _VERSION_RE.fullmatch(text):
        raise exception.InvalidVersion(
            version=given,
            reason=_('expected MAJOR.MINOR.PATCH with an optional '
                     '-prerelease, such as 1.4.2 or 2.0.0-rc.1'))
    version = semantic_version.Version(text)
    if max(version.major, version.minor, version.patch) > MAX_PART:
        raise exception.InvalidVersion(
            version=given,
            reason=_('major, minor and patch may be at most %d') % MAX_PART)
    return version


is_exact = version_text.is_exact


def _as_version(version):
    if isinstance(version, semantic_version.Version):
        return version
    return parse_version(version)


def sort_key(version):
    """Key that orders version strings by semver precedence."""
    return _as_version(version)


class Constraint(object):
    """An npm (node-semver) range that versions can be matched against.

    Matching follows node-semver rather than NpmSpec.match: semantic_version
    2.10 compares release versions against a prerelease comparator with its
    prerelease cut off, so '2.0.0-rc.1' and '<=2.0.0-rc.1' would match
    2.0.0. NpmSpec still parses and validates the text.
    """

    def __init__(self, text, comparator_sets):
        self.text = text
        self._sets = comparator_sets

    @property
    def is_latest(self):
        return self.text == LATEST

    def match(self, version):
        """Whether a version (string or Version) satisfies the range."""
        version = _as_version(version)
        return any(_set_matches(comparators, version)
                   for comparators in self._sets)

    def release_bounds(self):
        """Bounds on the major.minor.patch of what the range can match.

        One ``(low, high)`` per comparator set (a version matches the
        range when it matches any set); each bound is None (unbounded) or
        ``((major, minor, patch), inclusive)``. Every version a set
        matches lies within its bounds, prereleases included (``<2.0.0``
        admits no 2.0.0 prerelease unless the set names one), so a
        database may narrow a search with them; only ``match`` decides.
        """
        bounds = []
        for comparators in self._sets:
            named = {_triple(c.target) for c in comparators
                     if c.target.prerelease}
            low = high = None
            for comparator in comparators:
                target = comparator.target
                triple = _triple(target)
                operator_ = comparator.operator
                if operator_ in ('>', '>=', '=='):
                    inclusive = operator_ != '>' or bool(target.prerelease)
                    low = _tighter(low, (triple, inclusive), max)
                if operator_ in ('<', '<=', '=='):
                    inclusive = (operator_ != '<' or bool(target.prerelease)
                                 or triple in named)
                    high = _tighter(high, (triple, inclusive), min)
            bounds.append((low, high))
        return bounds

    def __str__(self):
        return self.text

    def __repr__(self):
        return 'Constraint(%r)' % self.text


def _triple(version):
    return (version.major, version.minor, version.patch)


def _tighter(current, bound, pick):
    """The tighter of two bounds: ``pick`` (max for low, min for high)
    of the triples, and exclusive over inclusive at the same triple.
    """
    if current is None or bound[0] != current[0]:
        return bound if current is None else (
            bound if pick(bound[0], current[0]) == bound[0] else current)
    return (bound[0], bound[1] and current[1])


def _set_matches(comparators, version):
    """node-semver's testSet: all comparators hold, and a prerelease
    version is only admitted by a comparator that names a prerelease of
    the same major.minor.patch.
    """
    if not all(_OPERATORS[c.operator](version, c.target)
               for c in comparators):
        return False
    if not version.prerelease:
        return True
    return any(c.target.prerelease and
               c.target.truncate() == version.truncate()
               for c in comparators)


def _comparator_sets(text):
    """Split an already valid range into node-semver comparator sets."""
    parser = semantic_version.NpmSpec.Parser
    sets = []
    for group in text.split(parser.JOINER):
        group = group.strip() or '*'
        if parser.HYPHEN in group:
            low, high = group.split(parser.HYPHEN, 1)
            blocks = ['>=' + low, '<=' + high]
        else:
            blocks = group.split(' ')
        sets.append([comparator for block in blocks
                     for comparator in parser.parse_simple(block)])
    return sets


def parse_constraint(text):
    """Parse an npm range; 'latest', None or '' mean any release.

    A 'v' before a version number is dropped (see :func:`drop_v`). With
    'latest' resolving picks the highest active version that is not a
    prerelease, which is what '*' does too.
    """
    if text is None or (isinstance(text, str) and not text.strip()):
        text = LATEST
    if not isinstance(text, str):
        raise exception.InvalidConstraint(
            constraint=text, reason=_('a constraint must be a string'))
    text = text.strip()
    if len(text) > MAX_CONSTRAINT_LENGTH:
        raise exception.InvalidConstraint(
            constraint=text[:MAX_CONSTRAINT_LENGTH] + '...',
            reason=_('longer than %d characters') % MAX_CONSTRAINT_LENGTH)
    if text == LATEST:
        return Constraint(LATEST, _comparator_sets('*'))
    given, text = text, drop_v(text)
    if '+' in text:
        raise exception.InvalidConstraint(
            constraint=text, reason=_('build metadata is not allowed'))
    if not _CONSTRAINT_RE.fullmatch(text):
        raise exception.InvalidConstraint(
            constraint=text, reason=_('only printable ASCII is allowed'))
    try:
        semantic_version.NpmSpec(text)
        sets = _comparator_sets(text)
    except (ValueError, AttributeError):
        # NOTE: NpmSpec raises AttributeError on some malformed hyphen
        # ranges, such as '1.0.0 -  2.0.0'; its ValueError speaks of
        # "NPM blocks". Either way, say what a constraint looks like.
        raise exception.InvalidConstraint(
            constraint=given, reason=_('expected %s') % CONSTRAINT_HELP)
    # NOTE: the bounds are compared with the integer columns in SQL, where
    # a number past 2**63 fails on SQLite (a 500). No version can exceed
    # MAX_PART; '^2147483647' has the bound 2147483648.0.0, hence the + 1.
    if any(part > MAX_PART + 1 for comparators in sets
           for c in comparators for part in _triple(c.target)):
        raise exception.InvalidConstraint(
            constraint=text,
            reason=_('major, minor and patch may be at most %d') % MAX_PART)
    return Constraint(text, sets)


def next_patch(versions):
    """npm's 'inc patch' of the highest version, or 1.0.0 for none.

    The highest X.Y.Z-pre becomes X.Y.Z (its release), the highest X.Y.Z
    becomes X.Y.(Z+1).
    """
    highest = max((_as_version(v) for v in versions), default=None)
    if highest is None:
        return semantic_version.Version(FIRST_VERSION)
    return highest.next_patch()


def resolve(constraint, candidates, presorted=False):
    """The active candidate with the highest version the constraint takes.

    Candidates have ``.version`` (string) and ``.status``. With
    ``presorted=True`` they must arrive newest first and the first match
    is returned, so a generator is only read up to that match; otherwise
    every candidate is looked at once (nothing is stored but the best so
    far). Returns None when nothing matches.
    """
    matching = (c for c in candidates
                if c.status == ACTIVE and constraint.match(c.version))
    if presorted:
        return next(matching, None)
    return max(matching, key=lambda c: sort_key(c.version), default=None)


def latest(candidates, presorted=False):
    """The version ``latest`` names: what :func:`resolve` picks for it.

    The highest active version that is not a prerelease; None when there
    is none. ``presorted`` as for :func:`resolve`.
    """
    return resolve(parse_constraint(LATEST), candidates, presorted)


def predecessor(new_version, existing_versions):
    """The highest existing version below new_version in the same major.

    That is the version whose interface a new one must keep; the item is
    returned as given (string or Version), or None.
    """
    new = _as_version(new_version)
    best = None
    best_version = None
    for item in existing_versions:
        version = _as_version(item)
        if version.major != new.major or version >= new:
            continue
        if best_version is None or version > best_version:
            best, best_version = item, version
    return best


def successor(new_version, existing_versions):
    """The lowest existing version above new_version in the same major.

    That is the version that must keep a new one's interface; the item
    is returned as given (string or Version), or None.
    """
    new = _as_version(new_version)
    best = None
    best_version = None
    for item in existing_versions:
        version = _as_version(item)
        if version.major != new.major or version <= new:
            continue
        if best_version is None or version < best_version:
            best, best_version = item, version
    return best
