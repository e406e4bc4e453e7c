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

"""How long a YAML alias bomb takes to be refused, on each path it had.

Three paths, each with a bomb of 10**N leaves in a few hundred bytes:

- ``file_url``: a publish body as heatclient/openstacksdk send it, the
  bomb as a ``file:///`` child (``publishing.prepare``, which refuses it
  before it reaches the engine, dry run or not);
- ``environment_files``: the bomb as an environment file of that body;
- ``download``: the bomb as a stored file that is a template, laid out
  by the client (``heat_store.client.bundle.layout``) as ``download
  --output-dir`` does before it writes.

Each case runs in a subprocess of its own, with its address space
capped (``--memory``, default 3 GiB) and a time limit (``--timeout``), so
that the code before the gate can be measured without taking the machine
down. Run with ``PYTHONPATH`` naming the tree to measure::

    PYTHONPATH=. .venv/bin/python bench/parse_gate.py --leaves 9
    PYTHONPATH=/path/to/old/tree .venv/bin/python bench/parse_gate.py \\
        --leaves 6 7

It prints, per case and size, the seconds to the refusal and the
process's peak resident memory, or what stopped it.
"""

import argparse
import json
import resource
import subprocess
import sys
import time

HOT = 'heat_template_version: 2018-08-31\n'
CASES = ('file_url', 'environment_files', 'download')


def bomb(exponent, head='', indent=''):
    lines = [head + indent + 'a0: &a0 [x,x,x,x,x,x,x,x,x,x]']
    for i in range(1, exponent):
        lines.append(indent + 'a%d: &a%d [%s]' % (i, i, ','.join(
            ['*a%d' % (i - 1)] * 10)))
    return '\n'.join(lines) + '\n'


def run_case(case, exponent):
    """In the child: one refusal, timed. Prints one JSON line."""
    from heat_store.client import bundle as client_bundle
    from heat_store import publishing

    root = {'heat_template_version': '2018-08-31', 'resources': {}}
    if case == 'file_url':
        text = bomb(exponent, HOT)
        call = lambda: publishing.prepare(None, {  # noqa: E731
            'template': root, 'dry_run': True,
            'files': {'file:///src/c.yaml': text}})
    elif case == 'environment_files':
        text = bomb(exponent, 'parameter_defaults:\n', '  ')
        call = lambda: publishing.prepare(None, {  # noqa: E731
            'template': root, 'files': {'file:///src/env.yaml': text},
            'environment_files': ['file:///src/env.yaml']})
    else:
        text = bomb(exponent, HOT)
        call = lambda: client_bundle.layout(  # noqa: E731
            'bomb', root, {'notes.yaml': text})
    start = time.monotonic()
    try:
        call()
        outcome = 'accepted'
    except Exception as error:  # noqa: B902 - what the caller would see
        outcome = '%s: %s' % (type(error).__name__, str(error)[:120])
    elapsed = time.monotonic() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(json.dumps({'case': case, 'leaves': '10^%d' % exponent,
                      'bytes': len(text), 'seconds': round(elapsed, 4),
                      'peak_rss_mib': peak, 'outcome': outcome}))


def _limit(memory):
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    return apply


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--leaves', type=int, nargs='+', default=[9],
                        help='exponents N of 10**N leaves')
    parser.add_argument('--case', choices=CASES, nargs='+',
                        default=list(CASES))
    parser.add_argument('--timeout', type=float, default=120)
    parser.add_argument('--memory', type=int, default=3 << 30,
                        help='address space cap of each case, bytes')
    parser.add_argument('--child', nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        run_case(args.child[0], int(args.child[1]))
        return 0
    for exponent in args.leaves:
        for case in args.case:
            try:
                result = subprocess.run(
                    [sys.executable, __file__, '--child', case,
                     str(exponent)], capture_output=True, text=True,
                    timeout=args.timeout, preexec_fn=_limit(args.memory))
            except subprocess.TimeoutExpired:
                print('%s 10^%d: still running after %.0f s' % (
                    case, exponent, args.timeout))
                continue
            lines = result.stdout.strip().splitlines()
            if result.returncode or not lines:
                tail = (result.stderr.strip().splitlines() or ['?'])[-1]
                print('%s 10^%d: died (%s)' % (case, exponent, tail))
            else:
                print(lines[-1])
    return 0


if __name__ == '__main__':
    sys.exit(main())
