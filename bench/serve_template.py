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

"""Serving a stored version's template vs Heat serving a stack's template.

The same ~100 KB template (OS::Heat::None resources with long property
values and output descriptions) is published as a stored version and created as
a stack; then ``GET .../stored_templates/{t}/versions/{v}/template`` and
Heat's ``GET /stacks/{name}/{id}/template`` are requested alternately on
one server (or with ``--deployment DIR`` the production-shaped deployment
there, its heat-api workers taking the requests as they come), each request
timed by the client (a new connection each, as the embedded server speaks
HTTP/1.0).

    .venv/bin/python bench/serve_template.py [--requests 300]
        [--deployment DIR]
"""

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common  # noqa: E402


def big_template(target_bytes):
    """A HOT template of about ``target_bytes`` as compact JSON."""
    resources = {}
    # NOTE: few resources with long values: a stack of hundreds of
    # resources created at once exhausts SQLite's lock wait.
    filler = ('lorem ipsum dolor sit amet consectetur adipiscing elit '
              * 80).strip()
    hot = {'heat_template_version': _common.HOT,
           'description': 'Benchmark template served by the store and by '
                          'Heat.',
           'parameters': {'flavor': {'type': 'string', 'default': 'm1.small',
                                     'description': filler}},
           'resources': resources,
           'outputs': {}}
    i = 0
    while len(json.dumps(hot, separators=(',', ':'))) < target_bytes:
        name = 'r%03d' % i
        resources[name] = {
            'type': 'OS::Heat::None',
            'properties': {'note': '%s %d' % (filler, i),
                           'flavor': {'get_param': 'flavor'}}}
        hot['outputs']['out_%03d' % i] = {
            'description': filler[:400], 'value': {'get_resource': name}}
        i += 1
    return hot


def timed_get(client, path):
    started = time.perf_counter()
    status, body = client.request('GET', path, raw=True)
    elapsed = time.perf_counter() - started
    if status != 200:
        raise RuntimeError('GET %s answered %s: %s' % (path, status,
                                                       body[:500]))
    return elapsed, body


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--requests', type=int, default=300,
                        help='timed requests of each kind (default 300)')
    parser.add_argument('--size', type=int, default=100 * 1024,
                        help='template size in bytes (default 102400)')
    _common.add_run_options(parser, budget=600)
    return parser.parse_args(argv)


def main():
    args = parse_args()
    target = _common.begin('serve_template', args)
    name = 'bench-big-%s' % _common.run_tag()
    try:
        client = target.open().client()
        hot = big_template(args.size)
        print('template resources: %d' % len(hot['resources']))
        print('template size (bytes, compact JSON): %d' %
              len(json.dumps(hot, separators=(',', ':'))))
        client.check('POST', '/stored_templates', {
            'name': name, 'version': {'version': '1.0.0',
                                      'template': hot}})
        body, _loc = client.check('POST', '/stacks', {
            'stack_name': name, 'template': hot})
        stack_path = '/stacks/%s/%s' % (name, body['stack']['id'])
        deadline = time.monotonic() + 300
        while True:
            _s, shown, _l = client.request('GET', stack_path)
            status = shown['stack']['stack_status']
            if status == 'CREATE_COMPLETE':
                break
            if status.endswith('FAILED') or time.monotonic() > deadline:
                raise RuntimeError('stack: %s %s' % (
                    status, shown['stack'].get('stack_status_reason')))
            time.sleep(0.2)

        paths = {'store': '/stored_templates/%s/versions/1.0.0/template'
                          % name,
                 'heat': stack_path + '/template'}
        sizes = {}
        for kind, path in paths.items():
            _t, raw = timed_get(client, path)
            sizes[kind] = len(raw)
            if json.loads(raw) != hot:
                print('WARNING: %s does not return the template as given'
                      % kind)
            for _ in range(10):
                timed_get(client, path)
        for kind in ('store', 'heat'):
            print('%s response size (bytes): %d' % (kind, sizes[kind]))

        times = {'store': [], 'heat': []}
        for i in range(args.requests):
            order = ('store', 'heat') if i % 2 == 0 else ('heat', 'store')
            for kind in order:
                times[kind].append(timed_get(client, paths[kind])[0])
        medians = {}
        for kind in ('store', 'heat'):
            medians[kind] = _common.print_distribution(
                '%s GET template' % kind, times[kind], unit='ms',
                scale=1000.0, fmt='%.2f')['median']
        _common.print_ratio('ratio store/heat (median GET template)',
                            medians['store'] / medians['heat'], 1.0)
        if target.outlives_run:
            client.check('DELETE', stack_path)
            client.check('DELETE', '/stored_templates/%s' % name)
    finally:
        target.stop()


if __name__ == '__main__':
    main()
