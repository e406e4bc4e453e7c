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

"""A real Keystone beside the embedded Heat (``heat-store-dev --keystone``).

Keystone (the PyPI package ``keystone``) runs in a child process of its
own: Keystone and Heat both configure oslo.config's global ``CONF``, so
they cannot share a process. The child serves Keystone's WSGI application
with the embedded Heat's threaded server; its database (SQLite), fernet
and credential keys, configuration and log live in ``DATA_DIR/keystone``.

The first start bootstraps it the way a deployment does
(``keystone-manage db_sync``, ``fernet_setup``, ``credential_setup``,
``bootstrap``), then, through Keystone's API, creates the ``demo`` and
``service`` projects, the users, the role assignments, Heat's service
user and catalog entries, and the ``heat`` stack user domain with its
admin (what ``heat-keystone-setup-domain`` does). Generated passwords go
to ``DATA_DIR/keystone/passwords.json`` and ``DATA_DIR/clouds.yaml``
(both mode 0600). A later start on the same data directory only starts
the child, unless an address changed. ``python -m heat_store.dev.identity``
is the child's entry point.
"""

import argparse
import grp
import json
import logging
import os
import pwd
import secrets
import sys
import threading
import time

from heat_store.dev import children
from heat_store.dev import token_cache

LOG = logging.getLogger(__name__)

REGION = 'RegionOne'
DOMAIN = 'Default'
# The stack user domain, as heat-keystone-setup-domain names it.
STACK_DOMAIN = 'heat'
STACK_DOMAIN_ADMIN = 'heat_domain_admin'
SERVICE_PROJECT = 'service'
SERVICE_USER = 'heat'
# (user, project, role) of the people of the development cloud. Keystone's
# implied roles do the rest: admin implies manager, member and reader.
PEOPLE = (
    ('admin', 'admin', 'admin'),
    ('demo', 'demo', 'member'),
    ('demo-reader', 'demo', 'reader'),
)
# The clouds of DATA_DIR/clouds.yaml: name -> (user, project).
CLOUDS = {
    'heat-store-admin': ('admin', 'admin'),
    'heat-store-demo': ('demo', 'demo'),
    'heat-store-demo-reader': ('demo-reader', 'demo'),
}
# Raise it when setup() creates something new, so that data directories
# made before run it again.
SETUP_VERSION = 1


def _write_private(path, text):
    """Write ``text`` to ``path``, readable by its owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, 'w') as f:
        f.write(text)
    os.chmod(path, 0o600)


def _yaml_quote(value):
    return json.dumps(value)


class DevKeystone(object):
    """A Keystone in a child process, set up for the embedded Heat.

    ``heat_url`` is the embedded Heat's root URL (``http://host:port``),
    which goes into the service catalog. ``start()`` returns once
    Keystone answers and everything above exists; ``stop()`` ends the
    child. Reusable by any runner that needs Keystone beside Heat.
    """

    def __init__(self, data_dir, heat_url, host='127.0.0.1', port=5000,
                 debug=False, python=None):
        self.data_dir = os.path.abspath(data_dir)
        self.dir = os.path.join(self.data_dir, 'keystone')
        self.heat_url = heat_url.rstrip('/')
        self.host = host
        self.port = port
        self.debug = debug
        self.python = python or sys.executable
        self.process = None
        self._passwords = None
        self._set_up = False
        # heat-api's token cache, when the machine has memcached.
        self.memcached = None

    # -- where things are ----------------------------------------------------

    @property
    def url(self):
        return 'http://%s:%d' % (self.host, self.port)

    @property
    def auth_url(self):
        return self.url + '/v3'

    @property
    def config_path(self):
        return os.path.join(self.dir, 'keystone.conf')

    @property
    def passwords_path(self):
        return os.path.join(self.dir, 'passwords.json')

    @property
    def clouds_path(self):
        return os.path.join(self.data_dir, 'clouds.yaml')

    @property
    def log_path(self):
        return os.path.join(self.dir, 'keystone.log')

    @property
    def stamp_path(self):
        return os.path.join(self.dir, 'setup.json')

    @property
    def passwords(self):
        """Every generated password, by user name; made on first use."""
        if self._passwords is None:
            os.makedirs(self.dir, exist_ok=True)
            known = {}
            if os.path.exists(self.passwords_path):
                with open(self.passwords_path) as f:
                    known = json.load(f)
            users = [p[0] for p in PEOPLE]
            users += [SERVICE_USER, STACK_DOMAIN_ADMIN]
            missing = [u for u in users if u not in known]
            for user in missing:
                known[user] = secrets.token_urlsafe(18)
            if missing or not os.path.exists(self.passwords_path):
                _write_private(self.passwords_path,
                               json.dumps(known, indent=1, sort_keys=True))
            self._passwords = known
        return self._passwords

    # -- configuration -------------------------------------------------------

    def write_config(self):
        os.makedirs(self.dir, exist_ok=True)
        lines = [
            '[DEFAULT]',
            'debug = %s' % self.debug,
            'log_file = %s' % self.log_path,
            'use_stderr = False',
            '',
            '[database]',
            'connection = sqlite:///%s' % os.path.join(
                self.dir, 'keystone.sqlite'),
            '',
            '[token]',
            'provider = fernet',
            '',
            '[fernet_tokens]',
            'key_repository = %s' % os.path.join(self.dir, 'fernet-keys'),
            '',
            '[fernet_receipts]',
            'key_repository = %s' % os.path.join(self.dir,
                                                 'fernet-receipts'),
            '',
            '[credential]',
            'key_repository = %s' % os.path.join(self.dir,
                                                 'credential-keys'),
            '',
            '[identity]',
            # NOTE: bcrypt's fewest rounds: every token issued checks a
            # password, and a development cloud has no secrets to guard.
            'password_hash_rounds = 4',
            '',
            '[cache]',
            # NOTE: one Keystone process: an in-memory cache spares each
            # request the database work of validating its token again.
            'enabled = True',
            'backend = oslo_cache.dict',
            '',
            '[oslo_messaging_notifications]',
            'driver = noop',
            '',
        ]
        _write_private(self.config_path, '\n'.join(lines))

    def heat_options(self):
        """heat.conf sections for a Heat behind this Keystone."""
        pw = self.passwords
        service = {'auth_type': 'password', 'auth_url': self.url,
                   'username': SERVICE_USER, 'password': pw[SERVICE_USER],
                   'user_domain_name': DOMAIN}
        return {
            'DEFAULT': {
                'deferred_auth_method': 'trusts',
                'region_name_for_services': REGION,
                'stack_user_domain_name': STACK_DOMAIN,
                'stack_domain_admin': STACK_DOMAIN_ADMIN,
                'stack_domain_admin_password': pw[STACK_DOMAIN_ADMIN],
            },
            'keystone_authtoken': dict(
                service, www_authenticate_uri=self.auth_url,
                project_name=SERVICE_PROJECT, project_domain_name=DOMAIN,
                service_token_roles_required='True',
                **token_cache.authtoken_options(self.memcached)),
            'trustee': service,
            'clients_keystone': {'auth_uri': self.url},
            'ec2authtoken': {'auth_uri': self.auth_url},
        }

    def write_clouds(self):
        pw = self.passwords
        out = ['# Written by heat-store-dev --keystone; keep it private.',
               'clouds:']
        for cloud, (user, project) in sorted(CLOUDS.items()):
            out += ['  %s:' % cloud,
                    '    auth:',
                    '      auth_url: %s' % _yaml_quote(self.auth_url),
                    '      username: %s' % _yaml_quote(user),
                    '      password: %s' % _yaml_quote(pw[user]),
                    '      project_name: %s' % _yaml_quote(project),
                    '      user_domain_name: %s' % DOMAIN,
                    '      project_domain_name: %s' % DOMAIN,
                    '    region_name: %s' % REGION,
                    '    interface: public',
                    '    identity_api_version: 3']
        _write_private(self.clouds_path, '\n'.join(out) + '\n')

    # -- bootstrap -----------------------------------------------------------

    def manage(self, *steps):
        """keystone-manage commands (argument lists), in one child process.

        Each ``keystone-manage`` imports Keystone anew, about 2 s; the
        child pays it once. The admin's password goes by environment
        (``OS_BOOTSTRAP_PASSWORD``), not on a command line.
        """
        env = dict(os.environ,
                   OS_BOOTSTRAP_PASSWORD=self.passwords['admin'])
        status, out, err = children.run(
            [self.python, '-m', 'heat_store.dev.identity',
             '--config-file', self.config_path,
             '--manage', json.dumps([list(step) for step in steps])],
            env=env)
        if status:
            raise RuntimeError('keystone-manage failed:\n%s%s' % (
                out, err[-4000:]))

    def _stamp(self):
        return {'version': SETUP_VERSION, 'keystone': self.url,
                'heat': self.heat_url}

    def is_set_up(self):
        if not os.path.exists(self.stamp_path):
            return False
        with open(self.stamp_path) as f:
            return json.load(f) == self._stamp()

    def bootstrap(self):
        """keystone-manage's steps; each is safe to run again."""
        owner = pwd.getpwuid(os.getuid()).pw_name
        group = grp.getgrgid(os.getgid()).gr_name
        keys = ['--keystone-user', owner, '--keystone-group', group]
        self.manage(
            ['db_sync'],
            ['fernet_setup'] + keys,
            ['credential_setup'] + keys,
            ['bootstrap',
             '--bootstrap-username', 'admin',
             '--bootstrap-project-name', 'admin',
             '--bootstrap-role-name', 'admin',
             '--bootstrap-service-name', 'keystone',
             '--bootstrap-region-id', REGION,
             '--bootstrap-admin-url', self.auth_url,
             '--bootstrap-internal-url', self.auth_url,
             '--bootstrap-public-url', self.auth_url])

    def admin_client(self):
        from keystoneauth1.identity import v3
        from keystoneauth1 import session
        from keystoneclient.v3 import client

        auth = v3.Password(auth_url=self.auth_url, username='admin',
                           password=self.passwords['admin'],
                           project_name='admin',
                           user_domain_name=DOMAIN,
                           project_domain_name=DOMAIN)
        return client.Client(session=session.Session(auth=auth),
                             interface='public')

    def setup(self):
        """Projects, users, roles, Heat's catalog entries and domain.

        Finds what exists and creates what does not, so that it can run
        again on the same data directory.
        """
        ks = self.admin_client()
        pw = self.passwords

        def one(manager, **filters):
            found = manager.list(**filters)
            return found[0] if found else None

        domain = ks.domains.get('default')
        roles = {r.name: r for r in ks.roles.list()}
        projects = {}
        for name in ('admin', 'demo', SERVICE_PROJECT):
            projects[name] = (one(ks.projects, name=name, domain=domain) or
                              ks.projects.create(name, domain))

        def user(name, password, in_domain):
            # NOTE: an existing user keeps its password: changing it
            # would revoke its tokens, the admin's one of this session
            # included.
            return (one(ks.users, name=name, domain=in_domain) or
                    ks.users.create(name, domain=in_domain,
                                    password=password))

        for name, project, role in PEOPLE:
            person = user(name, pw[name], domain)
            ks.roles.grant(roles[role], user=person,
                           project=projects[project])
        heat_user = user(SERVICE_USER, pw[SERVICE_USER], domain)
        for role in ('admin', 'service'):
            ks.roles.grant(roles[role], user=heat_user,
                           project=projects[SERVICE_PROJECT])

        # The stack user domain, as heat-keystone-setup-domain makes it.
        stack_domain = (one(ks.domains, name=STACK_DOMAIN) or
                        ks.domains.create(
                            STACK_DOMAIN, description='Owns users and '
                            'projects created by heat'))
        domain_admin = user(STACK_DOMAIN_ADMIN, pw[STACK_DOMAIN_ADMIN],
                            stack_domain)
        ks.roles.grant(roles['admin'], user=domain_admin,
                       domain=stack_domain)

        for kind, name, url in (
                ('orchestration', 'heat',
                 self.heat_url + '/v1/%(tenant_id)s'),
                ('cloudformation', 'heat-cfn', self.heat_url + '/v1')):
            service = (one(ks.services, type=kind) or
                       ks.services.create(name, type=kind))
            existing = {e.interface: e for e in
                        ks.endpoints.list(service=service)}
            for interface in ('public', 'internal', 'admin'):
                endpoint = existing.get(interface)
                if endpoint is None:
                    ks.endpoints.create(service, url, interface=interface,
                                        region=REGION)
                elif endpoint.url != url:
                    ks.endpoints.update(endpoint, url=url)

        with open(self.stamp_path, 'w') as f:
            json.dump(self._stamp(), f)

    # -- the child process ---------------------------------------------------

    def answers(self):
        return children.answers(self.auth_url, 2)

    def start(self, timeout=60):
        """Bootstrap if needed, start the child, wait until it is set up."""
        self.launch()
        return self.ready(timeout)

    def launch(self):
        """Bootstrap if needed and start the child; do not wait for it.

        The caller may start Heat meanwhile (``heat_options()`` needs only
        the passwords file and the token cache, started here), then call
        ``ready()``.
        """
        if token_cache.Memcached.available():
            self.memcached = token_cache.Memcached(self.dir, self.host)
            try:
                self.memcached.start()
            except RuntimeError as exc:
                LOG.warning('%s; heat-api caches tokens in its process', exc)
                self.memcached = None
        self.write_config()
        self._set_up = self.is_set_up()
        if not self._set_up:
            self.bootstrap()
        env = dict(os.environ, OS_KEYSTONE_CONFIG_FILES=self.config_path)
        env.pop('OS_KEYSTONE_CONFIG_DIR', None)
        self.process = children.start(
            [self.python, '-m', 'heat_store.dev.identity',
             '--host', self.host, '--port', str(self.port)],
            os.path.join(self.dir, 'server.out'), env=env, append=True)
        return self

    def ready(self, timeout=60):
        """Wait for the child, then create what the cloud lacks."""
        try:
            children.wait(
                self.process, self.answers, timeout,
                'Keystone on %s' % self.url, lambda: 'see %s and %s' % (
                    self.log_path, os.path.join(self.dir, 'server.out')))
            if not self._set_up:
                self.setup()
                self._set_up = True
            self.write_clouds()
        except BaseException:
            # Leave no Keystone behind a start that failed (interrupted
            # included); the error itself goes on to the caller.
            LOG.warning('Keystone did not start; stopping its process')
            self.stop()
            raise
        return self

    def stop(self):
        children.stop(self.process, 15)
        self.process = None
        if self.memcached is not None:
            self.memcached.stop()
            self.memcached = None


def serve(host, port):
    """The child: Keystone's WSGI app on a small threaded server."""
    from keystone.server import wsgi as keystone_wsgi

    from heat_store.dev import wsgi_server

    # NOTE: Keystone's app parses sys.argv as its own command line.
    sys.argv = sys.argv[:1]
    app = keystone_wsgi.initialize_public_application()
    server = wsgi_server.make_server(host, port, app)
    parent = os.getppid()

    def watch_parent():
        # A parent killed outright (SIGKILL) cannot stop its Keystone:
        # leave with it.
        while os.getppid() == parent:
            time.sleep(1)
        server.shutdown()

    threading.Thread(target=watch_parent, daemon=True).start()
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()


def run_manage(config_file, steps):
    """The child: keystone-manage's commands, one after another.

    oslo.config's ``CONF`` is cleared between commands, as a new
    ``keystone-manage`` process would start with none.
    """
    from keystone.cmd import cli
    from oslo_config import cfg

    for step in steps:
        cfg.CONF.reset()
        try:
            cli.main(argv=['keystone-manage', '--config-file',
                           config_file] + step)
        except SystemExit as exc:
            if exc.code:
                raise
        cfg.CONF.clear()


def main(argv=None):
    parser = argparse.ArgumentParser(
        description='Serve Keystone (configured by OS_KEYSTONE_CONFIG_FILES)'
                    ' for heat-store-dev --keystone, or run keystone-manage '
                    'commands (--manage).')
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=5000)
    parser.add_argument('--config-file',
                        help='keystone.conf, for --manage.')
    parser.add_argument('--manage', metavar='JSON',
                        help='A JSON list of keystone-manage argument '
                             'lists to run, instead of serving.')
    args = parser.parse_args(argv)
    import signal
    import warnings

    # oslo.service's eventlet backend warns on import; Keystone's
    # requests run on the threaded server's threads.
    warnings.filterwarnings('ignore', message=r'(?s).*Eventlet is deprecated')
    if args.manage:
        run_manage(args.config_file, json.loads(args.manage))
        return 0
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    # Ctrl-C reaches the whole process group: heat-store-dev stops
    # Keystone itself once Heat has stopped.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    serve(args.host, args.port)
    return 0


if __name__ == '__main__':
    sys.exit(main())
