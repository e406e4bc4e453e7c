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

"""Nested stack from the store vs Heat's own nesting, create then delete.

Four kinds of stack, each holding the same one-resource bundle
(``OS::Heat::RandomString``):

- stored:   an ``OS::Heat::StoredTemplate`` resource (the store);
- provider: ``type: child.yaml`` with the child in the files map
            (Heat's in-engine nested stack);
- stack:    ``OS::Heat::Stack`` with the child inlined as a string;
- flat:     the RandomString resource directly in the stack.

One server (``heat-store-dev --no-leaf-sleep``, or with ``--deployment DIR``
the production-shaped deployment there), kinds alternating in each round,
each run timed from the create request until the stack is CREATE_COMPLETE,
then from the delete request until it is gone.

    .venv/bin/python bench/nested_stack.py [--runs 12] [--deployment DIR]
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common  # noqa: E402

CHILD = '''heat_template_version: 2018-08-31
parameters:
  length: {type: number, default: 16}
resources:
  pw:
    type: OS::Heat::RandomString
    properties: {length: {get_param: length}}
outputs:
  value: {value: {get_attr: [pw, value]}}
'''

KINDS = ('stored', 'provider', 'stack', 'flat')
POLL = 0.01


def stack_body(kind, name, child_name):
    hot = {'heat_template_version': _common.HOT}
    files = {}
    if kind == 'stored':
        hot['resources'] = {'child': {
            'type': 'OS::Heat::StoredTemplate',
            'properties': {'template': child_name, 'version': '^1'}}}
    elif kind == 'provider':
        hot['resources'] = {'child': {'type': 'child.yaml'}}
        files = {'child.yaml': CHILD}
    elif kind == 'stack':
        hot['resources'] = {'child': {
            'type': 'OS::Heat::Stack',
            'properties': {'template': CHILD}}}
    else:
        hot['resources'] = {'pw': {
            'type': 'OS::Heat::RandomString',
            'properties': {'length': 16}}}
    return {'stack_name': name, 'template': hot, 'files': files,
            'disable_rollback': True}


def wait_status(client, path, done, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, body, _loc = client.request('GET', path)
        if status == 404:
            return 'GONE'
        stack_status = body['stack']['stack_status']
        if stack_status in done:
            return stack_status
        if stack_status.endswith('FAILED'):
            raise RuntimeError('%s: %s %s' % (
                path, stack_status, body['stack'].get('stack_status_reason')))
        time.sleep(POLL)
    raise RuntimeError('%s: not done in %ds' % (path, timeout))


def one_run(client, kind, name, child_name):
    started = time.monotonic()
    body, _loc = client.check('POST', '/stacks',
                              stack_body(kind, name, child_name))
    path = '/stacks/%s/%s' % (name, body['stack']['id'])
    wait_status(client, path, ('CREATE_COMPLETE',), 60)
    created = time.monotonic()
    client.check('DELETE', path)
    wait_status(client, path, ('DELETE_COMPLETE',), 60)
    deleted = time.monotonic()
    return created - started, deleted - created, deleted - started


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--runs', type=int, default=12,
                        help='timed runs of each kind (default 12, >= 10 '
                             'for the published figures)')
    parser.add_argument('--warmup', type=int, default=1,
                        help='untimed runs of each kind first (default 1)')
    _common.add_run_options(parser, budget=900)
    return parser.parse_args(argv)


def main():
    args = parse_args()
    target = _common.begin('nested_stack', args)
    print('runs per kind: %d (alternating, after %d warm-up each)' %
          (args.runs, args.warmup))
    tag = _common.run_tag()
    child_name = 'bench-child-%s' % tag
    try:
        client = target.open().client()
        client.check('POST', '/stored_templates', {
            'name': child_name, 'version': {'template': CHILD}})
        times = {k: [] for k in KINDS}
        creates = {k: [] for k in KINDS}
        deletes = {k: [] for k in KINDS}
        for rnd in range(args.warmup + args.runs):
            # Rotate the order so that no kind always follows another.
            order = KINDS[rnd % 4:] + KINDS[:rnd % 4]
            for kind in order:
                c, d, total = one_run(client, kind,
                                      'bench-%s-%s-%d' % (kind, tag, rnd),
                                      child_name)
                if rnd >= args.warmup:
                    creates[kind].append(c)
                    deletes[kind].append(d)
                    times[kind].append(total)
        medians = {}
        for kind in KINDS:
            _common.print_distribution('%s create' % kind, creates[kind])
            _common.print_distribution('%s delete' % kind, deletes[kind])
            medians[kind] = _common.print_distribution(
                '%s create+delete' % kind, times[kind])['median']
        _common.print_ratio('ratio stored/provider (median create+delete)',
                            medians['stored'] / medians['provider'], 0.5)
        _common.print_ratio('ratio stored/flat (median create+delete)',
                            medians['stored'] / medians['flat'], 1.5)
        _common.print_ratio('ratio stored/stack (median create+delete)',
                            medians['stored'] / medians['stack'])
        _common.print_ratio('ratio provider/flat (median create+delete)',
                            medians['provider'] / medians['flat'])
        if target.outlives_run:
            client.check('DELETE', '/stored_templates/%s' % child_name)
    finally:
        target.stop()


if __name__ == '__main__':
    main()
