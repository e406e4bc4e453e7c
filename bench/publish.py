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

"""Publishing against Heat doing the same work, throughput with 1 and 8
concurrent clients, and where a publish's time goes.

What a publish asks of Heat is the engine's ``preview_stack`` of the
bundle's root with its files and environment (heat_store.validation):
the main figure is Heat's own ``POST /stacks/preview`` of the same root
template, files and environment against a publish of that bundle, ratio
preview / publish (target >= 0.5: a publish costs at most twice Heat's
own verdict on it). Heat's ``POST /validate`` of the bundle is printed
beside it for information only: it is a shallower check (a child
template's unknown types, bad ``get_attr`` and misspelled properties
pass it), not the work a publish asks of Heat.

Throughput: a ``heat-store-dev`` server in a subprocess (or with
``--deployment DIR`` the production-shaped deployment there); each client
is a thread publishing explicit versions over HTTP to its own stored
template (``POST .../versions``), one after another. Rounds alternate 1
client and 8 clients; versions per second is versions published / wall
time.

The comparison, two ways, the three requests (publish, preview,
validate) alternating, each first in turn, medians compared:

- over HTTP, against the server (embedded or the deployment);
- in process: the same Heat (API and engine) in this process, requests
  sent as WSGI calls; the SQL statements of each publish are counted (a
  SQLAlchemy listener on Heat's database engine, heat-api's and the
  engine's together), ``heat_store.validation.validate_bundle`` and
  ``heat_store.publishing.prepare`` are timed inside the publishes, and
  ``--profile FILE`` writes a cProfile of as many publishes again, made
  after the comparison (the profiler slows what it watches).

With ``--deployment`` the in-process figures are not taken: they time
functions inside one process, which a deployment spreads over several.

The bundle: a root template with four resources, one of them a child
template from the files map, and an environment.

    .venv/bin/python bench/publish.py [--versions 24] [--rounds 2]
        [--validations 30] [--profile FILE] [--deployment DIR]
"""

import argparse
import cProfile
import os
import pstats
import shutil
import sys
import tempfile
import threading
import time
import uuid
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common  # noqa: E402

CHILD = '''heat_template_version: 2018-08-31
parameters:
  length: {type: number, default: 16}
resources:
  secret:
    type: OS::Heat::RandomString
    properties: {length: {get_param: length}}
outputs:
  value: {value: {get_attr: [secret, value]}}
'''

ROOT = '''heat_template_version: 2018-08-31
description: Publishing benchmark, revision %(n)d
parameters:
  length: {type: number, default: 12}
  label: {type: string, default: bench}
resources:
  password:
    type: OS::Heat::RandomString
    properties: {length: {get_param: length}}
  child:
    type: child.yaml
    properties: {length: {get_param: length}}
  marker:
    type: OS::Heat::None
    properties: {value: {get_param: label}}
  group:
    type: OS::Heat::ResourceGroup
    properties:
      count: 2
      resource_def: {type: OS::Heat::None}
outputs:
  password: {value: {get_attr: [password, value]}}
  child: {value: {get_attr: [child, value]}}
'''

ENVIRONMENT = 'parameter_defaults:\n  label: benchmark\n'
CLIENTS = 8


def bundle(n, version=None):
    body = {'template': ROOT % {'n': n}, 'files': {'child.yaml': CHILD},
            'environment': ENVIRONMENT}
    if version is not None:
        body['version'] = version
    return body


class Publisher(object):
    """Explicit versions 1.0.1, 1.0.2... of one template per client."""

    def __init__(self, client, name):
        self.client = client
        self.name = name
        self.next = 1
        self.latencies = []

    def publish(self):
        version = '1.0.%d' % self.next
        self.next += 1
        started = time.perf_counter()
        self.client.check('POST', '/stored_templates/%s/versions' % self.name,
                          bundle(self.next, version))
        self.latencies.append(time.perf_counter() - started)


def run_clients(publishers, per_client):
    errors = []

    def work(publisher):
        try:
            for _ in range(per_client):
                publisher.publish()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(p,)) for p in publishers]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    return elapsed


# The environment as Heat's API takes it beside a template.
HEAT_ENVIRONMENT = {'parameter_defaults': {'label': 'benchmark'}}
# Why the baseline is Heat's preview and not its POST /validate.
VALIDATE_NOTE = (
    "POST /validate is informational, not the baseline: it is Heat's "
    "shallow check (Stack.validate with validate_res_tmpl_only, where a "
    "child template's unknown types, bad get_attr and misspelled "
    "properties pass), while a publish asks for the engine's "
    "preview_stack, the deep validation stack create runs")


def preview_body():
    """Heat's ``POST /stacks/preview`` of the bundle a publish sends.

    The same root template, files and environment; what a publish asks of
    Heat is this preview (heat_store.validation.judge).
    """
    return {'stack_name': 'bench-preview-%s' % uuid.uuid4().hex[:12],
            'template': ROOT % {'n': 0}, 'files': {'child.yaml': CHILD},
            'environment': HEAT_ENVIRONMENT}


def validate_body():
    """Heat's ``POST /validate`` of the same bundle."""
    return {'template': ROOT % {'n': 0}, 'files': {'child.yaml': CHILD},
            'environment': HEAT_ENVIRONMENT}


# What each kind of request is: a path and a body.
HEAT_REQUESTS = {'preview': ('/stacks/preview', preview_body),
                 'validate': ('/validate', validate_body)}
KINDS = ('publish', 'preview', 'validate')


def rotations(count):
    """``count`` orders of KINDS, each kind first as often as the others."""
    for i in range(count):
        shift = i % len(KINDS)
        yield KINDS[shift:] + KINDS[:shift]


def print_comparison(label, times):
    """The publish against Heat's preview (the target) and /validate.

    ``times`` maps each kind to its times in seconds; medians are
    compared.
    """
    names = {'publish': 'publish', 'preview': 'heat POST /stacks/preview',
             'validate': 'heat POST /validate'}
    medians = {kind: _common.print_distribution(
        '%s %s' % (label, names[kind]), times[kind], unit='ms',
        scale=1000.0, fmt='%.1f')['median'] for kind in KINDS}
    _common.print_ratio('ratio %s heat preview / publish (median)' % label,
                        medians['preview'] / medians['publish'],
                        target=0.5, comparison='>=')
    _common.print_ratio('ratio %s heat POST /validate / publish (median, '
                        'informational)' % label,
                        medians['validate'] / medians['publish'])
    print('note: %s' % VALIDATE_NOTE)


def compare_http(client, publisher, count):
    """A publish beside Heat's preview and /validate, over HTTP.

    The three kinds of request alternate, each kind first in turn, so
    that they share the load of the moment.
    """
    times = {kind: [] for kind in KINDS}
    for order in rotations(count):
        for kind in order:
            if kind == 'publish':
                publisher.latencies = []
                publisher.publish()
                times[kind].append(publisher.latencies[0])
                continue
            path, body = HEAT_REQUESTS[kind]
            started = time.perf_counter()
            client.check('POST', path, body())
            times[kind].append(time.perf_counter() - started)
    print_comparison('http', times)


def throughput(args, target):
    tag = _common.run_tag()
    try:
        client = target.open().client()
        publishers = []
        for i in range(CLIENTS):
            name = 'bench-pub-%s-%d' % (tag, i)
            client.check('POST', '/stored_templates', {
                'name': name, 'version': dict(bundle(0), version='1.0.0')})
            publishers.append(Publisher(client, name))
        # Warm-up: every client once, and so every heat-api worker of a
        # deployment.
        run_clients(publishers, 2)
        for p in publishers:
            p.latencies = []
        totals = {1: [0, 0.0], CLIENTS: [0, 0.0]}
        latencies = {1: [], CLIENTS: []}
        per_round = {1: args.versions, CLIENTS: max(1, args.versions //
                                                    CLIENTS)}
        for rnd in range(args.rounds):
            for clients in (1, CLIENTS):
                chosen = publishers[:clients]
                for p in chosen:
                    p.latencies = []
                elapsed = run_clients(chosen, per_round[clients])
                count = clients * per_round[clients]
                totals[clients][0] += count
                totals[clients][1] += elapsed
                for p in chosen:
                    latencies[clients].extend(p.latencies)
                print('round %d, %d client(s): %d versions in %.2f s '
                      '(%.2f versions/s)' % (rnd + 1, clients, count,
                                             elapsed, count / elapsed))
        rates = {}
        for clients in (1, CLIENTS):
            count, elapsed = totals[clients]
            rates[clients] = count / elapsed
            print('publish throughput %d client(s) (versions/s): %.2f' %
                  (clients, rates[clients]))
            _common.print_distribution(
                'publish latency %d client(s)' % clients, latencies[clients],
                unit='ms', scale=1000.0, fmt='%.1f')
        _common.print_ratio('ratio throughput %d clients/1 client' %
                            CLIENTS, rates[CLIENTS] / rates[1])

        compare_http(client, publishers[0], args.validations)
        if target.outlives_run:
            for p in publishers:
                client.check('DELETE', '/stored_templates/%s' % p.name)
    finally:
        target.stop()


def validation_share(args):
    """Time validate_bundle inside publishes, in this process."""
    warnings.filterwarnings('ignore', message=r'(?s).*Eventlet is deprecated')
    import json
    import webob

    from heat_store.dev import embedded
    from heat_store.dev import statements
    from heat_store import publishing
    from heat_store import validation

    data_dir = tempfile.mkdtemp(prefix='heat-store-bench-publish-')
    heat = embedded.EmbeddedHeat(data_dir, port=1, leaf_sleep=False)
    spent = {'validate': 0.0, 'prepare': 0.0}
    original_validate = validation.validate_bundle
    original_prepare = publishing.prepare

    def timed(key, function):
        def wrapper(*a, **kw):
            started = time.perf_counter()
            try:
                return function(*a, **kw)
            finally:
                spent[key] += time.perf_counter() - started
        return wrapper

    try:
        app = heat.start()
        validation.validate_bundle = timed('validate', original_validate)
        publishing.prepare = timed('prepare', original_prepare)

        def call(method, path, body):
            req = webob.Request.blank(
                '/v1/admin' + path, method=method,
                headers={'Accept': 'application/json',
                         'Content-Type': 'application/json'},
                body=json.dumps(body).encode())
            resp = req.get_response(app)
            if resp.status_int not in (200, 201):
                raise RuntimeError('%s %s: %s %s' % (method, path,
                                                     resp.status, resp.text))

        call('POST', '/stored_templates', {
            'name': 'bench-share', 'version': dict(bundle(0),
                                                   version='1.0.0')})
        for i in range(3):  # warm-up
            call('POST', '/stored_templates/bench-share/versions',
                 bundle(i, '1.0.%d' % (i + 1)))
        for i in range(3):  # warm-up
            for kind in ('preview', 'validate'):
                path, body = HEAT_REQUESTS[kind]
                call('POST', path, body())
        spent.update(validate=0.0, prepare=0.0)
        times = {kind: [] for kind in KINDS}
        # CPU seconds of this process (API and engine threads): what each
        # request computes, less moved by other work on the machine.
        cpu = {kind: [] for kind in KINDS}
        counts = []
        kinds = {}
        for i, order in enumerate(rotations(args.validations)):
            for kind in order:
                if kind != 'publish':
                    path, body = HEAT_REQUESTS[kind]
                    started, cpu_started = (time.perf_counter(),
                                            time.process_time())
                    call('POST', path, body())
                    times[kind].append(time.perf_counter() - started)
                    cpu[kind].append(time.process_time() - cpu_started)
                    continue
                with statements.counting() as counter:
                    started, cpu_started = (time.perf_counter(),
                                            time.process_time())
                    call('POST', '/stored_templates/bench-share/versions',
                         bundle(i, '1.1.%d' % i))
                    times[kind].append(time.perf_counter() - started)
                    cpu[kind].append(time.process_time() - cpu_started)
                counts.append(counter.count)
                for statement, number in counter.by_kind().items():
                    kinds[statement] = kinds.get(statement, 0) + number
        n = args.validations
        total = sum(times['publish'])
        print('in-process publishes: %d' % n)
        print_comparison('in-process', times)
        cpu_medians = {kind: _common.summary(cpu[kind])['median']
                       for kind in KINDS}
        print('in-process cpu median (ms): publish %.1f, heat preview %.1f, '
              'heat validate %.1f' % tuple(cpu_medians[kind] * 1000
                                           for kind in KINDS))
        _common.print_ratio('ratio in-process cpu heat preview / publish '
                            '(median, informational)',
                            cpu_medians['preview'] / cpu_medians['publish'])
        print('SQL statements per publish: %s (max %d; %s)' % (
            '%.1f' % (sum(counts) / n), max(counts), ', '.join(
                '%s %.1f' % (statement, number / n)
                for statement, number in sorted(kinds.items()))))
        print('in-process validate_bundle mean (ms): %.1f' %
              (spent['validate'] / n * 1000))
        print('in-process prepare (parse, checks, validation) mean (ms): '
              '%.1f' % (spent['prepare'] / n * 1000))
        print('validation share of publish time: %.2f' %
              (spent['validate'] / total))
        print('prepare share of publish time: %.2f' %
              (spent['prepare'] / total))
        if args.profile:
            # Publishes of their own: the profiler slows what it watches.
            profiler = cProfile.Profile()
            for i in range(n):
                profiler.enable()
                call('POST', '/stored_templates/bench-share/versions',
                     bundle(i, '1.2.%d' % i))
                profiler.disable()
            profiler.dump_stats(args.profile)
            pstats.Stats(args.profile).sort_stats('cumulative').print_stats(
                25)
    finally:
        validation.validate_bundle = original_validate
        publishing.prepare = original_prepare
        heat.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--versions', type=int, default=24,
                        help='versions per round, in all (default 24)')
    parser.add_argument('--rounds', type=int, default=2,
                        help='rounds of 1 then 8 clients (default 2)')
    parser.add_argument('--validations', type=int, default=30,
                        help='publishes, Heat previews and Heat validates '
                             'compared, over HTTP and in process, each '
                             '(default 30)')
    parser.add_argument('--profile', metavar='FILE',
                        help='write a cProfile of the in-process publishes '
                             'to FILE and print its top functions')
    _common.add_run_options(parser, budget=900)
    return parser.parse_args(argv)


def main():
    args = parse_args()
    target = _common.begin('publish', args)
    throughput(args, target)
    if args.deployment:
        print('in-process comparison and validation share: not taken with '
              '--deployment (in process only)')
    else:
        validation_share(args)


if __name__ == '__main__':
    main()
