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

"""Impact preview of a version for 1, 10 and 50 consumer stacks.

One server (``heat-store-dev --no-leaf-sleep``, or with ``--deployment DIR``
the production-shaped deployment there; default ``[template_store]
impact_timeout`` and ``impact_workers`` either way). For each consumer
count N, a stored template of its own (so that the count is exact) is
published as 1.0.0 (an ``OS::Heat::RandomString`` and an
``OS::Heat::None``), N stacks are created each with one
``OS::Heat::StoredTemplate`` on ``^1.0`` (a few at a time, each waited for
until CREATE_COMPLETE), then 1.1.0 is published with the RandomString's
length changed (Heat previews it as replaced), so that each preview has
work to do.

Then ``GET .../versions/1.1.0/impact`` is timed, the counts alternating in
each round. Every answer is checked: N consumers, none with an error, each
showing the replaced resource; a run that fails the check stops the script
rather than print a figure. Per consumer is the request's time / N.

    .venv/bin/python bench/impact.py [--counts 1,10,50] [--rounds 5]
        [--deployment DIR]
"""

import argparse
import os
import sys
import threading
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common  # noqa: E402

POLL = 0.05


def library(length):
    return {'heat_template_version': _common.HOT,
            'parameters': {'label': {'type': 'string',
                                     'default': 'bench'}},
            'resources': {
                'secret': {'type': 'OS::Heat::RandomString',
                           'properties': {'length': length}},
                'marker': {'type': 'OS::Heat::None',
                           'properties': {'value': {'get_param': 'label'}}}},
            'outputs': {'secret': {'value': {'get_attr': ['secret',
                                                          'value']}}}}


def consumer_body(template, name):
    return {'stack_name': name, 'disable_rollback': True,
            'template': {
                'heat_template_version': _common.HOT,
                'resources': {'lib': {
                    'type': 'OS::Heat::StoredTemplate',
                    'properties': {'template': template,
                                   'version': '^1.0'}}},
                'outputs': {'secret': {'value': {
                    'get_attr': ['lib', 'secret']}}}}}


def wait_created(client, path, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body, _loc = client.check('GET', path)
        status = body['stack']['stack_status']
        if status == 'CREATE_COMPLETE':
            return
        if status.endswith('FAILED'):
            raise RuntimeError('%s: %s %s' % (
                path, status, body['stack'].get('stack_status_reason')))
        time.sleep(POLL)
    raise RuntimeError('%s: not CREATE_COMPLETE in %ds' % (path, timeout))


def create_consumers(client, template, count, batch):
    """``count`` stacks on ``^1.0`` of ``template``, ``batch`` at a time.

    Returns their paths.
    """
    names = ['%s-st%d' % (template, i) for i in range(count)]
    paths = []
    for start in range(0, count, batch):
        errors = []

        def create(name):
            try:
                body, _loc = client.check('POST', '/stacks',
                                          consumer_body(template, name))
                path = '/stacks/%s/%s' % (name, body['stack']['id'])
                paths.append(path)
                wait_created(client, path, 120)
            except Exception as exc:  # noqa: BLE001 - raised below
                errors.append(exc)

        threads = [threading.Thread(target=create, args=(name,))
                   for name in names[start:start + batch]]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]
    return paths


def check_report(report, count):
    """A figure only from a complete, error-free answer."""
    entries = report.get('impact') or []
    if len(entries) != count:
        raise RuntimeError('impact listed %d consumers, expected %d' %
                           (len(entries), count))
    failed = [e for e in entries if e.get('error')]
    if failed:
        raise RuntimeError('%d of %d previews failed, first: %s' %
                           (len(failed), count, failed[0]['error']))
    if report.get('other_consumers') != 0:
        raise RuntimeError('other_consumers: %r' %
                           report.get('other_consumers'))
    for entry in entries:
        replaced = [r['resource_name'] for r in entry['replaced']]
        if replaced != ['secret']:
            raise RuntimeError('stack %s: replaced %r, expected secret' %
                               (entry['stack_name'], replaced))


def time_impact(client, template, count):
    path = '/stored_templates/%s/versions/1.1.0/impact' % template
    started = time.perf_counter()
    status, report, _loc = client.request('GET', path, timeout=300)
    elapsed = time.perf_counter() - started
    if status != 200:
        raise RuntimeError('GET %s answered %s: %s' % (path, status,
                                                       report))
    check_report(report, count)
    return elapsed


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--counts', default='1,10,50',
                        help='consumer counts, the first the reference '
                             '(default 1,10,50)')
    parser.add_argument('--rounds', type=int, default=5,
                        help='timed requests per count (default 5)')
    parser.add_argument('--warmup', type=int, default=1,
                        help='untimed requests per count first (default 1)')
    parser.add_argument('--batch', type=int, default=5,
                        help='stacks created at a time (default 5)')
    _common.add_run_options(parser, budget=1200)
    return parser.parse_args(argv)


def main():
    args = parse_args()
    counts = [int(c) for c in args.counts.split(',')]
    target = _common.begin('impact', args)
    print('consumer counts: %s; %d timed requests each (alternating, '
          'after %d warm-up each)' % (', '.join(map(str, counts)),
                                      args.rounds, args.warmup))
    print('impact_timeout (s): 60 (default); impact_workers: 4 (default)')
    sys.stdout.flush()
    # futurist imports eventlet, which warns on import.
    warnings.filterwarnings('ignore', message=r'(?s).*Eventlet is deprecated')
    tag = _common.run_tag()
    try:
        client = target.open().client()
        templates = {}
        stacks = []
        for count in counts:
            name = 'bench-impact-%s-%d' % (tag, count)
            templates[count] = name
            client.check('POST', '/stored_templates', {
                'name': name, 'version': {'version': '1.0.0',
                                          'template': library(8)}})
            started = time.monotonic()
            stacks.extend(create_consumers(client, name, count,
                                           args.batch))
            print('create %d consumer stacks (s): %.1f' %
                  (count, time.monotonic() - started))
            client.check('POST', '/stored_templates/%s/versions' % name,
                         {'version': '1.1.0', 'template': library(12)})
            sys.stdout.flush()
        totals = {c: [] for c in counts}
        for rnd in range(args.warmup + args.rounds):
            order = counts[rnd % len(counts):] + counts[:rnd % len(counts)]
            for count in order:
                elapsed = time_impact(client, templates[count], count)
                if rnd >= args.warmup:
                    totals[count].append(elapsed)
        per_consumer = {}
        for count in counts:
            _common.print_distribution('impact %d consumers total' % count,
                                       totals[count], fmt='%.3f')
            per_consumer[count] = _common.print_distribution(
                'impact %d consumers per consumer' % count,
                [t / count for t in totals[count]], fmt='%.3f')['median']
        reference = counts[0]
        for count in counts[1:]:
            _common.print_ratio(
                'ratio per consumer %d/%d (median)' % (count, reference),
                per_consumer[count] / per_consumer[reference], 1.0)
        if target.outlives_run:
            # Deleted, not waited for; the stored templates stay (each
            # is in use until its consumers are gone).
            for path in stacks:
                client.check('DELETE', path)
    finally:
        target.stop()


if __name__ == '__main__':
    main()
