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

"""Shared pieces of the benchmark scripts (not a test module).

Each script prints the machine and date it ran on, then every figure on a
line of its own, ``name: value``. A watchdog bounds every script in time.
"""

import datetime
import http.client
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO not in sys.path:
    sys.path.insert(0, REPO)

HOT = '2018-08-31'


def _cpu_model():
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or 'unknown'


def _version(dist):
    from importlib import metadata
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return 'not installed'


def _git_revision():
    try:
        return subprocess.run(
            ['git', '-C', REPO, 'rev-parse', '--short', 'HEAD'],
            capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return 'unknown'


def print_machine(script):
    """The machine and date a figure was taken on."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    print('benchmark: %s' % script)
    print('date: %s' % datetime.datetime.now(datetime.timezone.utc)
          .strftime('%Y-%m-%dT%H:%M:%SZ'))
    print('machine nproc: %s' % usable)
    print('machine cpu: %s' % _cpu_model())
    print('machine kernel: %s %s' % (platform.system(), platform.release()))
    print('python: %s' % platform.python_version())
    print('openstack-heat: %s' % _version('openstack-heat'))
    print('sqlalchemy: %s' % _version('SQLAlchemy'))
    print('heat-store revision: %s' % _git_revision())
    sys.stdout.flush()


def watchdog(seconds, cleanup=None):
    """Bound the script: after ``seconds``, clean up and exit 3."""
    def _expire():
        sys.stdout.write('ERROR: time budget of %ds exceeded\n' % seconds)
        sys.stdout.flush()
        if cleanup is not None:
            try:
                cleanup()
            except Exception:  # noqa: BLE001 - exiting anyway
                pass
        os._exit(3)

    timer = threading.Timer(seconds, _expire)
    timer.daemon = True
    timer.start()
    return timer


def summary(values):
    values = sorted(values)
    return {'n': len(values), 'min': values[0],
            'median': statistics.median(values), 'max': values[-1]}


def print_distribution(label, values, unit='s', scale=1.0, fmt='%.4f'):
    s = summary(values)
    print('%s runs: %d' % (label, s['n']))
    for key in ('min', 'median', 'max'):
        print(('%s %s (%s): ' + fmt) % (label, key, unit, s[key] * scale))
    return s


def print_ratio(label, value, target=None, comparison='<='):
    if target is None:
        print('%s: %.3f' % (label, value))
        return True
    met = value <= target if comparison == '<=' else value >= target
    print('%s: %.3f (target %s %s: %s)' % (label, value, comparison, target,
                                           'met' if met else 'MISSED'))
    return met


class Client(object):
    """A small JSON-over-HTTP client, one connection per request.

    The embedded server speaks HTTP/1.0 and closes each connection.
    """

    def __init__(self, root, project='admin'):
        parsed = urllib.parse.urlsplit(root)
        self.host = parsed.hostname
        self.port = parsed.port
        self.prefix = '/v1/%s' % project

    def request(self, method, path, body=None, raw=False, timeout=120):
        conn = http.client.HTTPConnection(self.host, self.port,
                                          timeout=timeout)
        # NOTE: under noauth any token does; OS::Heat::Stack needs one to
        # call back into this Heat with.
        headers = {'Accept': 'application/json', 'X-Auth-Token': 'bench'}
        data = None
        if body is not None:
            data = json.dumps(body).encode('utf-8')
            headers['Content-Type'] = 'application/json'
        try:
            conn.request(method, self.prefix + path, body=data,
                         headers=headers)
            resp = conn.getresponse()
            payload = resp.read()
            status = resp.status
            location = resp.getheader('Location')
        finally:
            conn.close()
        if raw:
            return status, payload
        parsed = json.loads(payload) if payload else None
        return status, parsed, location

    def check(self, method, path, body=None, expect=(200, 201, 202, 204)):
        status, payload, location = self.request(method, path, body)
        if status not in expect:
            raise RuntimeError('%s %s answered %s: %s' %
                               (method, path, status,
                                json.dumps(payload)[:2000]))
        return payload, location


def start_server(extra_args=()):
    """A real ``heat-store-dev`` in a subprocess (no per-leaf sleep)."""
    from tests.functional import server as functional_server
    started = time.monotonic()
    server = functional_server.EmbeddedServer(extra_args=extra_args)
    server.start(timeout=90)
    print('server start (s): %.2f' % (time.monotonic() - started))
    sys.stdout.flush()
    return server


def read_status(pid, key):
    """A ``kB`` field of /proc/<pid>/status, in KiB."""
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith(key + ':'):
                return int(line.split()[1])
    raise KeyError(key)
