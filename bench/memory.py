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

"""The server's peak memory while publishing and serving 100 versions of a
~500 KB bundle.

A ``heat-store-dev`` server in a subprocess; its resident set is read from
``/proc/<pid>/status`` (``VmRSS`` now, ``VmHWM`` the peak so far). After a
warm-up publish and read of a small bundle, the baseline is taken; then
100 versions of a ~500 KB bundle (a ~250 KB template, under Heat's
``max_template_size`` of 512 KiB, and a ~250 KB file it reads with
``get_file``; the request stays under ``max_json_body_size``, 1 MiB) are
published one after another, then each is read back whole
(``GET .../versions/{v}``) and as its template alone
(``GET .../versions/{v}/template``).

    .venv/bin/python bench/memory.py [--versions 100]
"""

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common  # noqa: E402

KIB = 1024


def big_bundle(n, template_bytes=250 * KIB, file_bytes=250 * KIB):
    words = 'heat store memory benchmark bundle line of text %d ' % n
    line = (words * 4).strip() + '\n'
    notes = (line * (file_bytes // len(line) + 1))[:file_bytes]
    filler = ('resource property value for the memory benchmark %d ' % n) * 40
    resources = {'notes': {'type': 'OS::Heat::None',
                           'properties': {'text': {'get_file': 'notes.txt'}}}}
    hot = {'heat_template_version': _common.HOT,
           'description': 'Memory benchmark bundle, revision %d' % n,
           'resources': resources}
    i = 0
    while len(json.dumps(hot)) < template_bytes:
        resources['r%02d' % i] = {'type': 'OS::Heat::None',
                                  'properties': {'value': filler}}
        i += 1
    return {'template': json.dumps(hot, indent=1),
            'files': {'notes.txt': notes}}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--versions', type=int, default=100,
                        help='versions to publish and read (default 100)')
    parser.add_argument('--budget', type=int, default=1200,
                        help='give up after this many seconds')
    args = parser.parse_args()

    server = None

    def cleanup():
        if server is not None:
            server.stop()

    _common.watchdog(args.budget, cleanup)
    _common.print_machine('memory')
    server = _common.start_server()
    pid = server.process.pid
    try:
        client = _common.Client(server.root)

        def rss():
            return (_common.read_status(pid, 'VmRSS'),
                    _common.read_status(pid, 'VmHWM'))

        print('server RSS after start (MiB): %.1f' % (rss()[0] / KIB))
        # Warm-up: every code path once, with a small bundle.
        client.check('POST', '/stored_templates', {
            'name': 'bench-warm', 'version': {
                'template': {'heat_template_version': _common.HOT,
                             'resources': {'r': {'type': 'OS::Heat::None'}}}
            }})
        client.check('GET', '/stored_templates/bench-warm/versions/1.0.0')
        client.check('GET',
                     '/stored_templates/bench-warm/versions/1.0.0/template')
        client.check('POST', '/stored_templates', {'name': 'bench-mem'})

        sample = big_bundle(0)
        request_bytes = len(json.dumps(dict(sample, version='1.0.0')))
        print('bundle template (bytes): %d' % len(sample['template']))
        print('bundle file (bytes): %d' % len(sample['files']['notes.txt']))
        print('publish request body (bytes): %d' % request_bytes)
        base_rss, base_hwm = rss()
        print('baseline RSS (MiB): %.1f' % (base_rss / KIB))
        print('baseline peak RSS, VmHWM (MiB): %.1f' % (base_hwm / KIB))

        publish_times = []
        for n in range(1, args.versions + 1):
            body = big_bundle(n)
            body['version'] = '1.0.%d' % n
            started = time.perf_counter()
            created, _loc = client.check(
                'POST', '/stored_templates/bench-mem/versions', body)
            publish_times.append(time.perf_counter() - started)
            if n == 1:
                print('stored version size (bytes): %d' %
                      created['stored_template_version']['size'])
            if n % 25 == 0:
                now, peak = rss()
                print('after %d publishes: RSS %.1f MiB, VmHWM %.1f MiB' %
                      (n, now / KIB, peak / KIB))
        after_publish = rss()

        read_times = []
        for n in range(1, args.versions + 1):
            for path in ('/stored_templates/bench-mem/versions/1.0.%d' % n,
                         '/stored_templates/bench-mem/versions/1.0.%d/'
                         'template' % n):
                started = time.perf_counter()
                client.check('GET', path)
                read_times.append(time.perf_counter() - started)
        after_serve = rss()

        _common.print_distribution('publish ~500 KB', publish_times,
                                   unit='ms', scale=1000.0, fmt='%.0f')
        _common.print_distribution('read ~500 KB', read_times, unit='ms',
                                   scale=1000.0, fmt='%.1f')
        print('RSS after publishing (MiB): %.1f' % (after_publish[0] / KIB))
        print('RSS after serving (MiB): %.1f' % (after_serve[0] / KIB))
        print('peak RSS, VmHWM, at the end (MiB): %.1f' %
              (after_serve[1] / KIB))
        print('peak RSS growth while publishing (MiB): %.1f' %
              ((after_publish[1] - base_rss) / KIB))
        print('peak RSS growth while publishing and serving (MiB): %.1f' %
              ((after_serve[1] - base_rss) / KIB))
        print('RSS kept at the end (MiB): %.1f' %
              ((after_serve[0] - base_rss) / KIB))
    finally:
        server.stop()


if __name__ == '__main__':
    main()
