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
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

PROJECT = 'admin'
_lock = threading.Lock()
_server = {}


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def stop_process(process, grace):
    """SIGTERM a child still running; SIGKILL it after ``grace`` seconds."""
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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


class EmbeddedServer(object):
    def __init__(self, auth='noauth', extra_args=(), data_dir=None):
        self.port = free_port()
        self.data_dir = data_dir or tempfile.mkdtemp(
            prefix='heat-store-server-')
        self.log_path = os.path.join(self.data_dir, 'server.out')
        self.auth = auth
        self.extra_args = list(extra_args)
        self.process = None

    @property
    def root(self):
        return 'http://127.0.0.1:%d' % self.port

    @property
    def endpoint(self):
        return '%s/v1/%s' % (self.root, PROJECT)

    def start(self, timeout=60):
        command = [os.path.join(os.path.dirname(sys.executable),
                                'heat-store-dev'),
                   '--port', str(self.port), '--data-dir', self.data_dir,
                   '--auth', self.auth, '--no-leaf-sleep'] + self.extra_args
        self.log_path = os.path.join(self.data_dir, 'server.out')
        with open(self.log_path, 'w') as log:
            self.process = subprocess.Popen(command, stdout=log,
                                            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError('heat-store-dev exited:\n%s' %
                                   self.output())
            try:
                urllib.request.urlopen(self.endpoint + '/stored_templates',
                                       timeout=2).read()
                return self
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError('heat-store-dev did not answer in %ds:\n%s' %
                           (timeout, self.output()))

    def output(self):
        with open(self.log_path) as f:
            return f.read()

    def heat_log(self):
        path = os.path.join(self.data_dir, 'heat.log')
        if not os.path.exists(path):
            return ''
        with open(path) as f:
            return f.read()

    def stop(self):
        stop_process(self.process, 15)
        shutil.rmtree(self.data_dir, ignore_errors=True)

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


def shared_server():
    """The process-wide embedded Heat in a subprocess."""
    with _lock:
        if 'server' not in _server:
            server = EmbeddedServer().start()
            atexit.register(server.stop)
            _server['server'] = server
        return _server['server']
