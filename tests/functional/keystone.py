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

"""The embedded Heat behind a real Keystone, for tests with real tokens.

``heat-store-dev --keystone`` runs in a subprocess (Heat on one free port,
Keystone in its own child on another), started once per test process by
``keystone_stack()`` and stopped when the process exits. Tests make their
own Keystone projects (``new_project()``) and call Heat with project-scoped
tokens of three users: ``kt-reader``, ``kt-member`` and ``kt-admin``
(Keystone's reader, member and admin roles, implied roles included), each
granted its role on every project a test makes.

Without Keystone installed (the ``keystone`` extra) the tests that need it
skip, unless HEAT_STORE_REQUIRE_SERVICES is set (as ``.ci/run`` does):
then they fail.
"""

import atexit
import importlib.util
import json
import os
import threading
import uuid

from tests import base
from tests.functional import server

ROLES = ('reader', 'member', 'admin')

_lock = threading.Lock()
_state = {}


def _http(method, url, body=None, headers=None, timeout=60):
    """(status, headers, text) of one request."""
    status, resp_headers, raw = server.send(method, url, body, headers,
                                            timeout)
    return status, dict(resp_headers), raw.decode()


class KeystoneStack(server.DevProcess):
    """``heat-store-dev --keystone`` in a subprocess, and its cloud."""

    NAME = 'heat-store-dev --keystone'
    GRACE = 20

    def __init__(self, data_dir=None):
        super().__init__(data_dir, prefix='heat-store-keystone-')
        self.port = server.free_port()
        self.keystone_port = server.free_port()
        self.passwords = None
        self._tokens = {}
        self._users = {}
        self._ids = {}

    @property
    def heat_root(self):
        return 'http://127.0.0.1:%d' % self.port

    @property
    def auth_url(self):
        return 'http://127.0.0.1:%d/v3' % self.keystone_port

    @property
    def clouds_path(self):
        return os.path.join(self.data_dir, 'clouds.yaml')

    def options(self):
        return ['--keystone', '--port', str(self.port),
                '--keystone-port', str(self.keystone_port),
                '--data-dir', self.data_dir, '--no-leaf-sleep']

    def start(self, timeout=240):
        super().start(timeout)
        with open(os.path.join(self.data_dir, 'keystone',
                               'passwords.json')) as f:
            self.passwords = json.load(f)
        return self

    # -- Keystone -----------------------------------------------------------

    def token(self, user, project_id, password=None):
        """A project-scoped token of ``user`` (cached)."""
        key = (user, project_id)
        if key not in self._tokens:
            status, headers, text = _http(
                'POST', self.auth_url + '/auth/tokens', {'auth': {
                    'identity': {'methods': ['password'], 'password': {
                        'user': {'name': user,
                                 'domain': {'id': 'default'},
                                 'password': password or
                                 self.passwords.get(user) or
                                 self._users[user][1]}}},
                    'scope': {'project': {'id': project_id}}}})
            if status != 201:
                raise RuntimeError('token of %s on %s: %s %s' % (
                    user, project_id, status, text))
            self._tokens[key] = headers['X-Subject-Token']
        return self._tokens[key]

    def admin_token(self):
        return self.token('admin', self.project_id('admin'))

    def keystone(self, method, path, body=None, expect=(200, 201, 204)):
        status, _headers, text = _http(
            method, self.auth_url + path, body,
            {'X-Auth-Token': self.admin_token()})
        if status not in expect:
            raise RuntimeError('%s %s: %s %s' % (method, path, status, text))
        return json.loads(text) if text else None

    def project_id(self, name):
        """The id of a project of the development cloud, by name."""
        if name not in self._ids:
            if name == 'admin':
                # The admin's own project, from a token scoped by name.
                status, _headers, text = _http(
                    'POST', self.auth_url + '/auth/tokens', {'auth': {
                        'identity': {'methods': ['password'], 'password': {
                            'user': {'name': 'admin',
                                     'domain': {'id': 'default'},
                                     'password': self.passwords['admin']}}},
                        'scope': {'project': {
                            'name': name, 'domain': {'id': 'default'}}}}})
                if status != 201:
                    raise RuntimeError('project %s: %s %s' % (name, status,
                                                              text))
                self._ids[name] = json.loads(text)['token']['project']['id']
            else:
                [project] = self.keystone('GET', '/projects?name=%s' %
                                          name)['projects']
                self._ids[name] = project['id']
        return self._ids[name]

    def user_id_of(self, name):
        """The id of a user of the development cloud (``demo``...)."""
        [user] = self.keystone('GET', '/users?name=%s' % name)['users']
        return user['id']

    def role_id(self, name):
        key = 'role:%s' % name
        if key not in self._ids:
            [role] = self.keystone('GET', '/roles?name=%s' % name)['roles']
            self._ids[key] = role['id']
        return self._ids[key]

    def user_id(self, role):
        """The test user holding ``role``, made on first use."""
        name = 'kt-%s' % role
        if name not in self._users:
            password = uuid.uuid4().hex
            user = self.keystone('POST', '/users', {'user': {
                'name': name, 'domain_id': 'default',
                'password': password}})['user']
            self._users[name] = (user['id'], password)
        return self._users[name][0]

    def new_project(self, label='p'):
        """A new Keystone project where each test user has its role."""
        project = self.keystone('POST', '/projects', {'project': {
            'name': '%s-%s' % (label, uuid.uuid4().hex[:12]),
            'domain_id': 'default'}})['project']
        for role in ROLES:
            self.keystone('PUT', '/projects/%s/users/%s/roles/%s' % (
                project['id'], self.user_id(role), self.role_id(role)))
        return project['id']

    def user_token(self, role, project_id):
        return self.token('kt-%s' % role, project_id)

    # -- Heat ---------------------------------------------------------------

    def call(self, method, path, project_id, role, body=None, query=None,
             token=None):
        """One request to Heat as ``role`` in ``project_id``.

        ``path`` is under the API root (``/v1/{tenant}/...``); returns
        (status, headers, text).
        """
        from urllib import parse

        url = self.heat_root + path
        if query:
            url += '?' + parse.urlencode(query)
        token = token or self.user_token(role, project_id)
        return _http(method, url, body, {'X-Auth-Token': token})

    def heat_db(self):
        import sqlalchemy as sa

        return sa.create_engine('sqlite:///%s' % os.path.join(
            self.data_dir, 'heat.sqlite'), poolclass=sa.pool.NullPool)


def problem():
    """Why the keystone-backed stack cannot run here, or None."""
    if importlib.util.find_spec('keystone') is None:
        return ('Keystone is not installed (pip install '
                '"heat-store[keystone]"; tools/setup-venv.sh --test)')
    return None


def keystone_stack():
    """The process-wide keystone-backed embedded Heat, started once.

    Raises the test's skip exception (AssertionError when services are
    required) where Keystone is not installed.
    """
    with _lock:
        if 'error' in _state:
            raise _state['error']
        if 'stack' not in _state:
            why = problem()
            if why:
                _state['error'] = base.service_missing(why)
                raise _state['error']
            stack = KeystoneStack()
            try:
                stack.start()
            except Exception as exc:
                # Every later test of the process fails with the same
                # error instead of starting another stack.
                _state['error'] = exc
                raise
            atexit.register(stack.stop)
            _state['stack'] = stack
        return _state['stack']
