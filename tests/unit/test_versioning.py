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

"""Tests of the store's semver rules."""

import collections

import semantic_version

from heat_store.client import versions as client_versions
from heat_store import exception
from heat_store import version_text
from heat_store import versioning
from tests import base

Candidate = collections.namedtuple('Candidate', ['version', 'status'])


def _matching(text, versions):
    constraint = versioning.parse_constraint(text)
    return [v for v in versions if constraint.match(v)]


class ParseVersionTest(base.BaseTestCase):

    def test_valid(self):
        self.assertEqual(semantic_version.Version('1.4.2'),
                         versioning.parse_version('1.4.2'))
        parsed = versioning.parse_version('2.0.0-rc.1')
        self.assertEqual((2, 0, 0, ('rc', '1')),
                         (parsed.major, parsed.minor, parsed.patch,
                          parsed.prerelease))

    def test_build_metadata_refused(self):
        error = self.assertRaises(exception.InvalidVersion,
                                  versioning.parse_version, '1.0.0+abc')
        self.assertIn('build metadata is not allowed', str(error))
        self.assertIn("'1.0.0+abc'", str(error))

    def test_invalid(self):
        for text in ('1.2', 'v1.2', 'V1.2.3', 'vv1.2.3', 'v 1.2.3', '1',
                     '', ' 1.2.3', '1.2.3\n',
                     '01.2.3', '1.2.3-', '1.2.3-01', '1.2.3-a..b',
                     '\u0661.2.3', 'latest', '1.2.3.4'):
            self.assertRaises(exception.InvalidVersion,
                              versioning.parse_version, text)

    def test_leading_v_is_dropped(self):
        self.assertEqual(semantic_version.Version('1.2.3'),
                         versioning.parse_version('v1.2.3'))
        self.assertEqual('2.0.0-rc.1',
                         str(versioning.parse_version('v2.0.0-rc.1')))
        # A 'v' inside a prerelease is part of it.
        self.assertEqual('1.0.0-v2', str(versioning.parse_version('1.0.0-v2')))

    def test_message_names_the_given_text(self):
        error = self.assertRaises(exception.InvalidVersion,
                                  versioning.parse_version, 'v1.2')
        self.assertIn("'v1.2'", str(error))
        self.assertIn('such as 1.4.2', str(error))

    def test_not_a_string(self):
        for value in (None, 1, 1.2, ['1.0.0']):
            self.assertRaises(exception.InvalidVersion,
                              versioning.parse_version, value)

    def test_length(self):
        text = '1.0.0-' + 'a' * 58
        self.assertEqual(64, len(text))
        versioning.parse_version(text)
        self.assertRaises(exception.InvalidVersion,
                          versioning.parse_version, text + 'a')

    def test_sort_key_is_semver_precedence(self):
        texts = ['1.10.0', '1.2.0', '1.2.0-rc.10', '1.2.0-rc.2',
                 '1.2.0-alpha', '0.9.9']
        self.assertEqual(
            ['0.9.9', '1.2.0-alpha', '1.2.0-rc.2', '1.2.0-rc.10', '1.2.0',
             '1.10.0'],
            sorted(texts, key=versioning.sort_key))


class ParseConstraintTest(base.BaseTestCase):

    versions = ['0.9.0', '1.0.0', '1.2.0', '1.2.3', '1.2.9', '1.3.0',
                '1.9.9', '2.0.0', '2.1.0', '3.0.0']

    def test_npm_ranges(self):
        cases = {
            '^1.2': ['1.2.0', '1.2.3', '1.2.9', '1.3.0', '1.9.9'],
            '~1.2.0': ['1.2.0', '1.2.3', '1.2.9'],
            '>=1.0.0 <2.0.0': ['1.0.0', '1.2.0', '1.2.3', '1.2.9', '1.3.0',
                               '1.9.9'],
            '1.x': ['1.0.0', '1.2.0', '1.2.3', '1.2.9', '1.3.0', '1.9.9'],
            '*': self.versions,
            '1.2.3 || 2.x': ['1.2.3', '2.0.0', '2.1.0'],
            '1.2.3 - 2.0.0': ['1.2.3', '1.2.9', '1.3.0', '1.9.9', '2.0.0'],
            '1.2.3': ['1.2.3'],
            '=1.2.3': ['1.2.3'],
            '<=1.2': ['0.9.0', '1.0.0', '1.2.0', '1.2.3', '1.2.9'],
            '^0.9': ['0.9.0'],
        }
        for text, expected in cases.items():
            self.assertEqual(expected, _matching(text, self.versions), text)

    def test_text(self):
        self.assertEqual('^1.2', versioning.parse_constraint(' ^1.2 ').text)
        self.assertEqual('^1.2', str(versioning.parse_constraint('^1.2')))

    def test_latest(self):
        for text in ('latest', None, '', '  '):
            constraint = versioning.parse_constraint(text)
            self.assertEqual('latest', constraint.text)
            self.assertTrue(constraint.is_latest)
            self.assertEqual(self.versions,
                             _matching(text, self.versions))
        self.assertFalse(versioning.parse_constraint('*').is_latest)

    def test_build_metadata_refused(self):
        for text in ('1.0.0+abc', '>=1.0.0+abc', '^1.0.0 || 2.0.0+x'):
            error = self.assertRaises(exception.InvalidConstraint,
                                      versioning.parse_constraint, text)
            self.assertIn('build metadata is not allowed', str(error))

    def test_invalid(self):
        for text in ('LATEST', 'a', '>= 1.2.3', '<*', '1.0.0 -  2.0.0',
                     '^1.2\n || 2.x', '^\u0661.2', '1.2.3 - 2.0.0 - 3.0.0'):
            error = self.assertRaises(exception.InvalidConstraint,
                                      versioning.parse_constraint, text)
            self.assertIn('Invalid version constraint', str(error))

    def test_invalid_says_what_a_constraint_looks_like(self):
        error = self.assertRaises(exception.InvalidConstraint,
                                  versioning.parse_constraint, 'banana')
        self.assertIn("'banana'", str(error))
        self.assertIn('an exact version (1.2.0) or a range such as ^1.2',
                      str(error))
        self.assertNotIn('NPM', str(error))

    def test_leading_v_is_dropped_everywhere_in_a_range(self):
        cases = {
            'v1.2.3': '1.2.3',
            'v1.0': '1.0',
            '^v1.2': '^1.2',
            '~v1.2.0': '~1.2.0',
            '>=v1.0.0 <v2.0.0': '>=1.0.0 <2.0.0',
            'v1.2.3 - v2.0.0': '1.2.3 - 2.0.0',
            '=v1.2.3 || v2.x': '=1.2.3 || 2.x',
            '1.0.0-v2': '1.0.0-v2',
            '>=1.0.0-dev1': '>=1.0.0-dev1',
        }
        for text, plain in cases.items():
            self.assertEqual(plain, versioning.parse_constraint(text).text)
            self.assertEqual(_matching(plain, self.versions),
                             _matching(text, self.versions), text)

    def test_not_a_string(self):
        self.assertRaises(exception.InvalidConstraint,
                          versioning.parse_constraint, 1)

    def test_length(self):
        text = ' || '.join(['1.2.3'] * 52)
        self.assertGreater(len(text), 255)
        self.assertRaises(exception.InvalidConstraint,
                          versioning.parse_constraint, text)
        versioning.parse_constraint(' || '.join(['1.2.3'] * 28))

    def test_match_takes_version_objects(self):
        constraint = versioning.parse_constraint('^1.2')
        self.assertTrue(constraint.match(semantic_version.Version('1.3.0')))


class PrereleaseTest(base.BaseTestCase):
    """npm: a prerelease needs a prerelease comparator on its X.Y.Z."""

    def test_caret_skips_prereleases(self):
        self.assertFalse(
            versioning.parse_constraint('^1.2').match('1.3.0-rc.1'))

    def test_prerelease_lower_bound(self):
        constraint = versioning.parse_constraint('>=1.3.0-rc.0')
        self.assertTrue(constraint.match('1.3.0-rc.1'))
        self.assertTrue(constraint.match('1.3.0'))
        self.assertTrue(constraint.match('1.4.0'))
        self.assertFalse(constraint.match('1.4.0-rc.1'))
        self.assertFalse(constraint.match('1.3.0-alpha'))

    def test_star_and_latest_skip_prereleases(self):
        for text in ('*', 'latest', 'x', '>=0.0.0'):
            constraint = versioning.parse_constraint(text)
            self.assertFalse(constraint.match('2.0.0-rc.1'), text)
            self.assertTrue(constraint.match('2.0.0'), text)

    def test_exact_prerelease(self):
        constraint = versioning.parse_constraint('2.0.0-rc.1')
        self.assertTrue(constraint.match('2.0.0-rc.1'))
        self.assertFalse(constraint.match('2.0.0-rc.2'))
        # NpmSpec.match would say yes here; node-semver says no.
        self.assertFalse(constraint.match('2.0.0'))

    def test_release_against_prerelease_bounds(self):
        self.assertTrue(
            versioning.parse_constraint('>1.0.0-rc.1').match('1.0.0'))
        self.assertFalse(
            versioning.parse_constraint('<=2.0.0-rc.1').match('2.0.0'))
        hyphen = versioning.parse_constraint('1.0.0 - 2.0.0-rc.1')
        self.assertTrue(hyphen.match('1.5.0'))
        self.assertTrue(hyphen.match('2.0.0-rc.0'))
        self.assertFalse(hyphen.match('2.0.0'))

    def test_caret_from_prerelease(self):
        constraint = versioning.parse_constraint('^1.2.3-beta.2')
        self.assertTrue(constraint.match('1.2.3-beta.3'))
        self.assertTrue(constraint.match('1.2.3'))
        self.assertTrue(constraint.match('1.9.0'))
        self.assertFalse(constraint.match('1.2.3-beta.1'))
        self.assertFalse(constraint.match('1.2.4-beta.1'))
        self.assertFalse(constraint.match('2.0.0'))

    def test_any_set_of_a_union(self):
        constraint = versioning.parse_constraint('^1.0.0 || 2.0.0-rc.1')
        self.assertTrue(constraint.match('2.0.0-rc.1'))
        self.assertFalse(constraint.match('1.5.0-rc.1'))


class ReleaseBoundsTest(base.BaseTestCase):

    versions = ['0.0.1', '0.5.0', '0.9.0', '1.0.0-rc.1', '1.0.0', '1.2.0',
                '1.2.3-beta', '1.2.3', '1.2.9', '1.3.0', '1.9.9', '2.0.0-0',
                '2.0.0-alpha', '2.0.0-rc.1', '2.0.0', '2.1.0-rc.1', '2.1.0',
                '3.0.0', '10.0.0']

    def _bounds(self, text):
        return versioning.parse_constraint(text).release_bounds()

    def test_bounds(self):
        self.assertEqual([(((1, 0, 0), True), ((2, 0, 0), False))],
                         self._bounds('^1'))
        self.assertEqual([(((1, 2, 0), True), ((1, 3, 0), False))],
                         self._bounds('~1.2.0'))
        self.assertEqual([(((1, 2, 3), True), ((1, 2, 3), True))],
                         self._bounds('1.2.3'))
        self.assertEqual([(((0, 0, 0), True), None)], self._bounds('latest'))
        self.assertEqual([(((1, 2, 3), False), None)],
                         self._bounds('>1.2.3'))
        self.assertEqual([(((1, 2, 3), True), None)],
                         self._bounds('>1.2.3-rc.1'))
        # A set that names a 2.0.0 prerelease may match one below 2.0.0.
        self.assertEqual([(((2, 0, 0), True), ((2, 0, 0), True))],
                         self._bounds('>=2.0.0-alpha <2.0.0'))
        self.assertEqual([(None, ((1, 0, 0), False)),
                          (((2, 0, 0), True), None)],
                         self._bounds('<1.0.0 || >=2.0.0'))

    def test_every_match_lies_within(self):
        def within(triple, bound, above):
            if bound is None:
                return True
            edge, inclusive = bound
            if triple == edge:
                return inclusive
            return triple > edge if above else triple < edge

        for text in ('^1', '^1.2', '~1.2.0', '1.x', '*', 'latest', '1.2.3',
                     '1.2.3 || 2.x', '1.2.3 - 2.0.0', '<=1.2', '>1.2.3',
                     '<2.0.0', '>=1.0.0-rc.1 <2.0.0-rc.2', '^0.0.1',
                     '2.0.0-rc.1', '>2.0.0-0', '<1.0.0 || >=2.0.0',
                     '^0.9 || ^3', '1.2.3-beta - 1.2.3', '>=2.0.0-0 <2.0.0',
                     '>2.0.0-alpha <=2.0.0', '<2.1.0-rc.2 >2.0.0',
                     '>1.0.0-rc.0 <1.0.0', '~2.1.0-rc.0', '>1.2.3 <1.2.3'):
            bounds = self._bounds(text)
            for version in _matching(text, self.versions):
                parsed = versioning.parse_version(version)
                triple = (parsed.major, parsed.minor, parsed.patch)
                self.assertTrue(any(
                    within(triple, low, True) and within(triple, high, False)
                    for low, high in bounds), (text, version, bounds))


class NextPatchTest(base.BaseTestCase):

    def test_no_versions(self):
        self.assertEqual('1.0.0', str(versioning.next_patch([])))
        self.assertEqual('1.0.0', str(versioning.next_patch(iter(()))))

    def test_release(self):
        self.assertEqual(
            '1.2.4', str(versioning.next_patch(['1.2.3', '1.0.0', '0.9.9'])))

    def test_prerelease_becomes_release(self):
        self.assertEqual(
            '2.0.0',
            str(versioning.next_patch(['1.2.3', '2.0.0-rc.1', '2.0.0-rc.2'])))

    def test_highest_by_precedence(self):
        self.assertEqual('1.10.1',
                         str(versioning.next_patch(['1.9.0', '1.10.0'])))
        self.assertEqual(
            '1.2.4', str(versioning.next_patch(['1.2.3', '1.2.3-rc.1'])))

    def test_version_objects(self):
        self.assertEqual('1.0.1', str(versioning.next_patch(
            [semantic_version.Version('1.0.0')])))


class ResolveTest(base.BaseTestCase):

    candidates = [
        Candidate('1.0.0', 'active'),
        Candidate('1.2.0', 'active'),
        Candidate('1.3.0', 'deprecated'),
        Candidate('1.4.0-rc.1', 'active'),
        Candidate('2.0.0', 'active'),
        Candidate('2.1.0', 'deprecated'),
    ]

    def _resolve(self, text, candidates=None, presorted=False):
        constraint = versioning.parse_constraint(text)
        if candidates is None:
            candidates = self.candidates
        found = versioning.resolve(constraint, candidates,
                                   presorted=presorted)
        return found.version if found else None

    def test_highest_active_match(self):
        self.assertEqual('1.2.0', self._resolve('^1.0'))
        self.assertEqual('2.0.0', self._resolve('latest'))
        self.assertEqual('2.0.0', self._resolve('*'))
        self.assertEqual('1.4.0-rc.1', self._resolve('>=1.4.0-rc.0 <2'))

    def test_skips_deprecated(self):
        self.assertIsNone(self._resolve('1.3.0'))
        self.assertIsNone(self._resolve('~2.1.0'))

    def test_no_match(self):
        self.assertIsNone(self._resolve('^3'))
        self.assertIsNone(self._resolve('latest', []))

    def test_unsorted_generator(self):
        shuffled = [self.candidates[i] for i in (4, 0, 3, 1, 5, 2)]
        self.assertEqual('1.2.0',
                         self._resolve('^1', (c for c in shuffled)))

    def test_presorted_stops_at_first_match(self):
        read = []

        def newest_first():
            for candidate in sorted(
                    self.candidates, reverse=True,
                    key=lambda c: versioning.sort_key(c.version)):
                read.append(candidate.version)
                yield candidate

        self.assertEqual('2.0.0', self._resolve('latest', newest_first(),
                                                presorted=True))
        self.assertEqual(['2.1.0', '2.0.0'], read)

    def test_presorted_trusts_the_order(self):
        self.assertEqual('1.0.0', self._resolve(
            '^1', self.candidates, presorted=True))


class PredecessorTest(base.BaseTestCase):

    existing = ['0.9.0', '1.0.0', '1.2.0', '1.2.1-rc.1', '1.10.0',
                '2.0.0-rc.1', '2.0.0', '2.3.0']

    def test_highest_lower_same_major(self):
        self.assertEqual('1.10.0',
                         versioning.predecessor('1.11.0', self.existing))
        self.assertEqual('1.2.1-rc.1',
                         versioning.predecessor('1.2.1', self.existing))
        self.assertEqual('2.0.0',
                         versioning.predecessor('2.1.0', self.existing))
        self.assertEqual('2.0.0-rc.1',
                         versioning.predecessor('2.0.0', self.existing))

    def test_none(self):
        self.assertIsNone(versioning.predecessor('3.0.0', self.existing))
        self.assertIsNone(versioning.predecessor('1.0.0', self.existing))
        self.assertIsNone(versioning.predecessor('2.0.0-rc.1',
                                                 self.existing))
        self.assertIsNone(versioning.predecessor('1.0.0', []))

    def test_ignores_higher(self):
        self.assertEqual('2.0.0',
                         versioning.predecessor('2.2.0', self.existing))


class SuccessorTest(base.BaseTestCase):

    existing = PredecessorTest.existing

    def test_lowest_higher_same_major(self):
        self.assertEqual('1.2.0',
                         versioning.successor('1.1.0', self.existing))
        self.assertEqual('1.2.1-rc.1',
                         versioning.successor('1.2.1-beta', self.existing))
        self.assertEqual('1.10.0',
                         versioning.successor('1.2.1', self.existing))
        self.assertEqual('2.0.0',
                         versioning.successor('2.0.0-rc.2', self.existing))

    def test_none(self):
        self.assertIsNone(versioning.successor('1.11.0', self.existing))
        self.assertIsNone(versioning.successor('2.3.0', self.existing))
        self.assertIsNone(versioning.successor('0.9.1', self.existing))
        self.assertIsNone(versioning.successor('1.0.0', []))


class OneVersionTest(base.BaseTestCase):
    """The client and the server read a version's text by one rule."""

    def test_what_the_client_fetches_directly(self):
        for text in ('1.2.0', 'v1.2.0', '2.0.0-rc.1', '1.0.0+build.5',
                     'latest'):
            self.assertTrue(client_versions.is_exact(text), text)
        for text in ('^1.2', '1.x', '~1.2.0', '>=1.0.0 <2.0.0', '', None,
                     '01.0.0', '1.0.0\n'):
            self.assertFalse(client_versions.is_exact(text), text)

    def test_one_version_is_one_the_server_parses(self):
        for text in ('1.2.0', 'v1.2.0', '2.0.0-rc.1', '0.0.0-0.a-b'):
            self.assertTrue(version_text.names_one_version(text))
            versioning.parse_version(text)

    def test_the_client_shares_the_server_constants(self):
        self.assertEqual(versioning.LATEST, client_versions.LATEST)
        self.assertEqual(versioning.FIRST_VERSION,
                         client_versions.FIRST_VERSION)
