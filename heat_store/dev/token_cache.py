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

"""Where heat-api's auth_token keeps the tokens it validated.

keystonemiddleware's own in-process token cache is deprecated (it says so
in heat.log at the first request). The development stack gives auth_token
one of two caches instead, as ``heat-store-dev --keystone`` finds the
machine:

* **memcached**, when the machine has the ``memcached`` program and the
  ``python-memcached`` client: a memcached of the stack's own
  (:class:`Memcached`) on a free loopback port, its pid file and log in
  ``DATA_DIR/keystone``, started and stopped with Keystone; auth_token
  reaches it through oslo.cache's pool (``memcached_servers``,
  ``memcache_use_advanced_pool``);
* otherwise a cache object of heat-api's process (:class:`TokenCache`),
  which the paste filter ``token_cache`` (:func:`filter_factory`, before
  ``authtoken`` in the pipeline) puts in each request's WSGI environ
  under :data:`ENVIRON_KEY`, and auth_token's ``cache`` option names (as
  Swift hands auth_token its memcache client). The embedded Heat is one
  process, so one cache serves every request; an entry lives as long as
  auth_token asks (``token_cache_time``).
"""

import getpass
import importlib.util
import os
import shutil
import socket
import threading
import time

import cachetools

from heat_store.dev import children

# The WSGI environ key of the in-process cache (auth_token's ``cache``).
ENVIRON_KEY = 'heat_store.token_cache'
# The paste filter's name in api-paste.ini.
FILTER = 'token_cache'


def _free_port(host):
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _accepts(host, port):
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


class Memcached(object):
    """A memcached of the development stack, in a child process."""

    def __init__(self, directory, host='127.0.0.1'):
        self.dir = directory
        self.host = host
        self.port = None
        self.process = None

    @staticmethod
    def available():
        """Whether the memcached program and auth_token's client exist."""
        return (shutil.which('memcached') is not None and
                importlib.util.find_spec('memcache') is not None)

    @property
    def server(self):
        return '%s:%d' % (self.host, self.port)

    @property
    def log_path(self):
        return os.path.join(self.dir, 'memcached.log')

    @property
    def pid_path(self):
        return os.path.join(self.dir, 'memcached.pid')

    def start(self, timeout=10):
        os.makedirs(self.dir, exist_ok=True)
        self.port = _free_port(self.host)
        command = [shutil.which('memcached'), '-l', self.host,
                   '-p', str(self.port), '-U', '0', '-m', '64',
                   '-P', self.pid_path]
        if os.geteuid() == 0:
            # memcached refuses root unless told which user to be.
            command += ['-u', getpass.getuser()]
        self.process = children.start(command, self.log_path)
        children.wait(self.process, lambda: _accepts(self.host, self.port),
                      timeout, 'memcached on %s' % self.server,
                      lambda: 'see %s' % self.log_path, grace=5)
        return self

    def stop(self):
        children.stop(self.process, 5)
        self.process = None


class TokenCache(object):
    """A memcache client's ``get`` and ``set``, in this process.

    At most ``size`` entries (the least recently used go first); each
    expires after the ``time`` seconds of its ``set``.
    """

    def __init__(self, size=1000):
        self._entries = cachetools.LRUCache(size)
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            expires, value = self._entries.get(key, (0, None))
            if expires <= _now():
                self._entries.pop(key, None)
                return None
            return value

    def set(self, key, value, time=300):
        # NOTE: ``time`` is python-memcached's name, which auth_token uses.
        with self._lock:
            self._entries[key] = (_now() + time, value)


def _now():
    return time.monotonic()


def filter_factory(global_conf, size='1000', **local_conf):
    """The paste filter: one :class:`TokenCache` in every request's environ.
    """
    cache = TokenCache(int(size))

    def token_cache_filter(app):
        def middleware(environ, start_response):
            environ[ENVIRON_KEY] = cache
            return app(environ, start_response)
        return middleware
    return token_cache_filter


def authtoken_options(memcached):
    """``[keystone_authtoken]`` options for the cache chosen.

    ``memcached`` is a started :class:`Memcached`, or None for the
    in-process cache.
    """
    if memcached is not None and memcached.port is not None:
        return {'memcached_servers': memcached.server,
                'memcache_use_advanced_pool': 'True'}
    return {'cache': ENVIRON_KEY}
