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

"""A real embedded Heat in a subprocess, reached over HTTP.

Started once per test process (``heat-store-dev`` on a free port, with
Heat's per-leaf sleep dropped) and stopped when the process exits.
"""

import atexit
import json
import os
import shutil
import socket
import sys
import tempfile
import threading
import urllib.error
import urllib.request

from heat_store.dev import children

PROJECT = 'admin'
# Seconds between the engine's checks of a resource in progress in the
# tests' Heat (embedded.shorten_resource_polls), in the test process and
# in the heat-store-dev it starts, where Heat waits 1 s: a nested stack's
# parent sees it finish within a tenth of a second. The benchmarks keep
# Heat's second.
RESOURCE_POLL_SECONDS = 0.1
_lock = threading.Lock()
_started = {}


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def send(method, url, body=None, headers=None, timeout=60):
    """One JSON request: ``(status, headers, raw body)``, errors included."""
    data = None
    all_headers = {'Accept': 'application/json'}
    if body is not None:
        data = json.dumps(body).encode('utf-8')
        all_headers['Content-Type'] = 'application/json'
    all_headers.update(headers or {})
    req = urllib.request.Request(url, data=data, method=method,
                                 headers=all_headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


class DevProcess(object):
    """``heat-store-dev`` in a subprocess, its output in ``server.out``.

    A subclass gives the options (:meth:`options`) and may say when the
    process is ready (:meth:`ready`; by default when it prints
    ``Stop with Ctrl-C.``). :meth:`stop` removes the data directory too,
    as does a start that fails (its error quotes the process's output).
    """

    NAME = 'heat-store-dev'
    READY_LINE = 'Stop with Ctrl-C.'
    GRACE = 15  # seconds between SIGTERM and SIGKILL
    POLL = 0.1  # seconds between two looks at the process
    # None keeps Heat's 1 s (the benchmarks).
    resource_poll = RESOURCE_POLL_SECONDS

    def __init__(self, data_dir=None, prefix='heat-store-server-'):
        self.data_dir = data_dir or tempfile.mkdtemp(prefix=prefix)
        self.log_path = os.path.join(self.data_dir, 'server.out')
        self.process = None

    def options(self):
        raise NotImplementedError

    def ready(self):
        return self.READY_LINE in self.output()

    def start(self, timeout=60):
        options = self.options()
        if self.resource_poll is not None:
            options += ['--resource-poll', str(self.resource_poll)]
        self.process = children.start(
            [os.path.join(os.path.dirname(sys.executable), 'heat-store-dev')]
            + options, self.log_path)
        try:
            children.wait(self.process, self.ready, timeout, self.NAME,
                          self.output, self.POLL, self.GRACE)
        except RuntimeError:
            self.stop()
            raise
        return self

    def output(self):
        with open(self.log_path) as f:
            return f.read()

    def stop(self, purge=True):
        children.stop(self.process, self.GRACE)
        if purge:
            shutil.rmtree(self.data_dir, ignore_errors=True)


class EmbeddedServer(DevProcess):
    def __init__(self, auth='noauth', extra_args=(), data_dir=None,
                 leaf_sleep=False):
        super().__init__(data_dir)
        self.port = free_port()
        self.auth = auth
        self.extra_args = list(extra_args)
        # Heat's own 1 s sleep between leaf resources, which tests drop.
        self.leaf_sleep = leaf_sleep

    @property
    def root(self):
        return 'http://127.0.0.1:%d' % self.port

    @property
    def endpoint(self):
        return '%s/v1/%s' % (self.root, PROJECT)

    def options(self):
        return (['--port', str(self.port), '--data-dir', self.data_dir,
                 '--auth', self.auth] +
                ([] if self.leaf_sleep else ['--no-leaf-sleep']) +
                self.extra_args)

    def ready(self):
        return children.answers(self.endpoint + '/stored_templates', 2)

    def heat_log(self):
        path = os.path.join(self.data_dir, 'heat.log')
        if not os.path.exists(path):
            return ''
        with open(path) as f:
            return f.read()

    # A small JSON client for tests: returns (status, headers, body).
    def request(self, method, path, body=None, headers=None, project=None):
        url = path if path.startswith('http') else self.endpoint + path
        if project is not None:
            url = url.replace('/v1/%s/' % PROJECT, '/v1/%s/' % project, 1)
        all_headers = {}
        if project is not None:
            all_headers['X-Auth-Project'] = project
        all_headers.update(headers or {})
        status, resp_headers, raw = send(method, url, body, all_headers)
        payload = json.loads(raw) if raw else None
        return status, resp_headers, payload


def process_wide(key, make):
    """``make().start()``, once in this test process; stopped at its exit."""
    with _lock:
        if key not in _started:
            started = make().start()
            atexit.register(started.stop)
            _started[key] = started
        return _started[key]


def shared_server():
    """The process-wide embedded Heat in a subprocess."""
    return process_wide('server', EmbeddedServer)
