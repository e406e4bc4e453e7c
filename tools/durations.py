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

"""The slow tests' durations, kept in the repository for stestr's scheduler.

stestr spreads tests over its workers by the durations its repository
recorded; a fresh clone has none, so it deals them out in turn, and the
long tests (a deployment, a browser, a tour of the commands) can pile up
on one worker while the other idles. ``tests/durations.txt`` keeps the
durations of the tests that take a tenth of a second or more (one
``seconds test_id`` a line); tools/test.sh loads them into a new
repository before each run. The rest, some four thousand tests of a few
milliseconds, are dealt out in turn and even out among themselves. A
group stestr keeps in one worker (.stestr.conf's group_regex) is planned
by the sum of its members, and only once every member has a duration:
with a one-second threshold the nested isolation matrix (145 cells of
about half a second, 90 s together) had none and landed on either worker;
a group with some members known was placed after every other test, where
the plan can no longer even out (the Keystone and production groups
ended a CI run with one worker idle for a minute). So each member of a
group with a recorded test is recorded too, however short.
Record them from a CI-shaped run (``CI=true bash .ci/run`` in a fresh
clone: both releases side by side, the load the plan is for). One run's
figures vary by a third for the longest tests (the browser's module took
283 s of a worker in one run, 193 s in the next), so ``--average`` keeps
the mean of the new run's durations and those already recorded.

    stestr last --subunit | python tools/durations.py record \
        --average tests/durations.txt > durations.new
    mv durations.new tests/durations.txt
    python tools/durations.py stream < tests/durations.txt | stestr load

A stale line is harmless: a test that no longer exists is never asked
for, and a new test is dealt out in turn as before.
"""

import argparse
import configparser
import datetime
import re
import sys

import subunit
import testtools

# Shorter tests are dealt out in turn: they even out among themselves.
THRESHOLD = 0.1
HEADER = ("# seconds test_id: the tests of a tenth of a second or more, for "
          "stestr's scheduler (tools/durations.py)\n")
EPOCH = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)


class _Durations(testtools.StreamResult):
    """Each successful test's duration, from its first and last event."""

    def __init__(self):
        super().__init__()
        self.started, self.durations = {}, {}

    def status(self, test_id=None, test_status=None, timestamp=None,
               **kwargs):
        if test_id is None or timestamp is None:
            return
        if test_status == 'inprogress':
            self.started[test_id] = timestamp
        elif test_status == 'success' and test_id in self.started:
            self.durations[test_id] = (
                timestamp - self.started[test_id]).total_seconds()


def read_stream(stream):
    """``{test_id: seconds}`` of a subunit v2 stream's successful tests."""
    result = _Durations()
    subunit.ByteStreamToStreamResult(stream).run(result)
    return result.durations


def group_regex(config='.stestr.conf'):
    """The group_regex of stestr's configuration, or None."""
    parser = configparser.ConfigParser()
    parser.read(config)
    return parser.get('DEFAULT', 'group_regex', fallback=None)


def group_of(test_id, groups):
    """The group stestr keeps ``test_id`` in, or the test itself.

    ``groups``: stestr's group_regex.
    """
    match = re.match(groups, test_id) if groups else None
    return match.group(0) if match else test_id


def record(stream, out, threshold=THRESHOLD, groups=None, earlier=None):
    """Write the lines of ``tests/durations.txt``, slowest first.

    ``groups``: stestr's group_regex; a test under the threshold is kept
    when a test of its group is kept. ``earlier``: ``{test_id: seconds}``
    recorded before; a test in it is given the mean of both.
    """
    durations = read_stream(stream)
    for test_id, seconds in (earlier or {}).items():
        if test_id in durations:
            durations[test_id] = (durations[test_id] + seconds) / 2
    kept_groups = {group_of(test_id, groups)
                   for test_id, seconds in durations.items()
                   if seconds >= threshold}
    slow = sorted(((seconds, test_id) for test_id, seconds in
                   durations.items()
                   if group_of(test_id, groups) in kept_groups),
                  key=lambda item: (-item[0], item[1]))
    out.write(HEADER)
    for seconds, test_id in slow:
        out.write('%.2f %s\n' % (seconds, test_id))


def parse(lines):
    """``[(test_id, seconds)]`` from ``tests/durations.txt``'s lines."""
    found = []
    for number, line in enumerate(lines, 1):
        line = line.split('#', 1)[0].strip()
        if not line:
            continue
        try:
            seconds, test_id = line.split()
            found.append((test_id, float(seconds)))
        except ValueError:
            raise ValueError('line %d: not "seconds test_id": %r' % (
                number, line))
    return found


def stream(lines, out):
    """A subunit v2 stream in which each test took its recorded time."""
    result = subunit.StreamResultToBytes(out)
    for test_id, seconds in parse(lines):
        result.status(test_id=test_id, test_status='inprogress',
                      timestamp=EPOCH)
        result.status(test_id=test_id, test_status='success',
                      timestamp=EPOCH + datetime.timedelta(seconds=seconds))
    out.flush()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = parser.add_subparsers(dest='command', required=True)
    record_parser = sub.add_parser(
        'record', help='subunit v2 on stdin -> durations on stdout')
    record_parser.add_argument(
        '--average', metavar='FILE',
        help='durations recorded before: keep the mean of both')
    sub.add_parser('stream', help='durations on stdin -> subunit v2 on '
                   'stdout')
    args = parser.parse_args(argv)
    if args.command == 'record':
        earlier = None
        if args.average:
            with open(args.average) as f:
                earlier = dict(parse(f))
        record(sys.stdin.buffer, sys.stdout, groups=group_regex(),
               earlier=earlier)
    else:
        stream(sys.stdin, sys.stdout.buffer)
    return 0


if __name__ == '__main__':
    sys.exit(main())
