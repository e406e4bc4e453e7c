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

"""tools/durations.py: the slow tests' durations for stestr's scheduler."""

import datetime
import importlib.util
import io
import os
import re

import subunit

from tests import base

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def _tool():
    spec = importlib.util.spec_from_file_location(
        'durations_tool', os.path.join(TOP, 'tools', 'durations.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


durations = _tool()


def _run(tests):
    """A subunit v2 stream of a run: ``(test_id, seconds, status)``."""
    out = io.BytesIO()
    result = subunit.StreamResultToBytes(out)
    start = datetime.datetime(2026, 12, 6, tzinfo=datetime.timezone.utc)
    for test_id, seconds, status in tests:
        result.status(test_id=test_id, test_status='inprogress',
                      timestamp=start)
        result.status(test_id=test_id, test_status=status,
                      timestamp=start + datetime.timedelta(seconds=seconds))
    out.seek(0)
    return out


class DurationsTest(base.BaseTestCase):

    def test_record_keeps_the_slow_successful_tests_slowest_first(self):
        out = io.StringIO()
        durations.record(_run([('t.quick', 0.05, 'success'),
                               ('t.short', 0.25, 'success'),
                               ('t.slow', 3.5, 'success'),
                               ('t.slower', 40.0, 'success'),
                               ('t.failed', 9.0, 'fail')]), out)
        self.assertEqual(durations.HEADER + '40.00 t.slower\n3.50 t.slow\n'
                         '0.25 t.short\n', out.getvalue())

    def test_record_keeps_every_member_of_a_group_it_keeps(self):
        out = io.StringIO()
        durations.record(_run([('t.g.a', 0.01, 'success'),
                               ('t.g.b', 2.0, 'success'),
                               ('t.h.a', 0.01, 'success'),
                               ('t.alone', 0.01, 'success')]), out,
                         groups=r't\.(g|h)\.')
        self.assertEqual(durations.HEADER + '2.00 t.g.b\n0.01 t.g.a\n',
                         out.getvalue())

    def test_record_averages_with_what_was_recorded(self):
        out = io.StringIO()
        durations.record(_run([('t.a', 3.0, 'success'),
                               ('t.b', 2.0, 'success')]), out,
                         earlier={'t.a': 5.0, 't.gone': 9.0})
        self.assertEqual(durations.HEADER + '4.00 t.a\n2.00 t.b\n',
                         out.getvalue())

    def test_group_regex_is_stestrs(self):
        regex = durations.group_regex(os.path.join(TOP, '.stestr.conf'))
        self.assertTrue(re.match(regex, 'tests.functional.test_keystone.'
                                        'KeystoneTest.test_x'))

    def test_stream_gives_back_the_recorded_durations(self):
        lines = ['# a comment\n', '113.8 t.parity\n', '\n', '2.5 t.two\n']
        out = io.BytesIO()
        durations.stream(lines, out)
        out.seek(0)
        self.assertEqual({'t.parity': 113.8, 't.two': 2.5},
                         durations.read_stream(out))

    def test_a_line_that_is_not_seconds_and_a_test_is_refused(self):
        error = self.assertRaises(ValueError, durations.parse,
                                  ['1.0 t.one\n', 'slow t.two\n'])
        self.assertIn('line 2', str(error))

    def test_the_repository_file_reads_and_names_test_modules(self):
        with open(os.path.join(TOP, 'tests', 'durations.txt')) as f:
            found = durations.parse(f)
        self.assertGreater(len(found), 50)
        regex = durations.group_regex(os.path.join(TOP, '.stestr.conf'))
        long_groups = {durations.group_of(test_id, regex)
                       for test_id, seconds in found
                       if seconds >= durations.THRESHOLD}
        for test_id, seconds in found:
            # Under the threshold only beside a longer test of its group.
            self.assertIn(durations.group_of(test_id, regex), long_groups,
                          test_id)
            module = re.match(r'tests\.((?:\w+\.)*?test_\w+)\.', test_id)
            self.assertIsNotNone(module, test_id)
            path = os.path.join(TOP, 'tests',
                                *module.group(1).split('.')) + '.py'
            self.assertTrue(os.path.isfile(path), test_id)
