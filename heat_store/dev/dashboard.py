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

"""Horizon with the Template Store panel, for ``heat-store-dev --dashboard``.

Horizon runs in a process of its own (Django keeps global state, and Heat's
process has its own idea of logging and threads). Its settings are written
into the data directory as a ``local/local_settings.py`` that Horizon's
``openstack_dashboard.settings`` imports as it imports any deployment's
``local_settings``; the directory comes first on the child's ``sys.path``,
so nothing in the installed Horizon is changed. heat-dashboard's panels
and the store's are added to Horizon's ``local.enabled`` plugin folder by
path, the store's policy defaults to ``POLICY_DIRS['orchestration']``.

Static files are served by Django's own static handler from the installed
packages (no ``collectstatic``); Horizon's SCSS is compiled on the first
page and cached in the data directory.
"""

import argparse
import os
import secrets
import signal
import socket
import sys
import threading
import time
import urllib.request

from heat_store.dev import children

SETTINGS = '''# Written by heat-store-dev --dashboard; rewritten on each start.
import os as _os

import openstack_dashboard.local.enabled as _enabled

from heat_store.dashboard import policy as _store_policy
import heat_dashboard.enabled as _heat_enabled
import heat_store.dashboard.enabled as _store_enabled

# heat-dashboard's panels (the Orchestration group) and the store's.
for _path in (_heat_enabled.__path__ + _store_enabled.__path__):
    if _path not in _enabled.__path__:
        _enabled.__path__.append(_path)

DEBUG = False
ALLOWED_HOSTS = ['*']
SECRET_KEY = %(secret_key)r
LOCAL_PATH = %(local_path)r
WEBROOT = '/'
# Straight to the panel: this cloud has no Nova for the usage overview.
LOGIN_REDIRECT_URL = '/project/template_store/'
OPENSTACK_HOST = %(keystone_host)r
OPENSTACK_KEYSTONE_URL = %(keystone_url)r
OPENSTACK_KEYSTONE_DEFAULT_ROLE = 'member'
OPENSTACK_KEYSTONE_DEFAULT_DOMAIN = 'Default'
OPENSTACK_KEYSTONE_MULTIDOMAIN_SUPPORT = False
OPENSTACK_ENDPOINT_TYPE = 'publicURL'
SESSION_ENGINE = 'django.contrib.sessions.backends.signed_cookies'
# Room for django-compressor's entries (one per static file): with
# locmem's default of 300 the compiled style sheets are culled and
# Horizon's SCSS is compiled again on every page.
CACHES = {'default': {
    'BACKEND': 'django.core.cache.backends.locmem.LocMemCache',
    'OPTIONS': {'MAX_ENTRIES': 100000}}}
STATIC_ROOT = %(static_root)r
COMPRESS_ROOT = STATIC_ROOT
COMPRESS_ENABLED = True
COMPRESS_OFFLINE = False
# This cloud has no Neutron: the admin RBAC Policies panel would ask it
# on every page and log an ERROR; it is off, as any absent service's.
OPENSTACK_NEUTRON_NETWORK = {'enable_rbac_policy': False}
# The stack is created with the user's token (Heat keeps a trust), not a
# password typed into the form.
OPENSTACK_HEAT_STACK = {'enable_user_pass': False}
HEAT_TEMPLATE_GENERATOR_API_TIMEOUT = 60
HEAT_TEMPLATE_GENERATOR_API_PARALLEL = 2
POLICY_FILES = {
    'identity': 'keystone_policy.yaml',
    'compute': 'nova_policy.yaml',
    'volume': 'cinder_policy.yaml',
    'image': 'glance_policy.yaml',
    'network': 'neutron_policy.yaml',
    'orchestration': _os.path.join(
        _os.path.dirname(_os.path.abspath(
            __import__('heat_dashboard').__file__)),
        'conf', 'heat_policy.yaml'),
}
DEFAULT_POLICY_FILES = {
    'identity': 'default_policies/keystone.yaml',
    'compute': 'default_policies/nova.yaml',
    'volume': 'default_policies/cinder.yaml',
    'image': 'default_policies/glance.yaml',
    'network': 'default_policies/neutron.yaml',
    'orchestration': _os.path.join(
        _os.path.dirname(_os.path.abspath(
            __import__('heat_dashboard').__file__)),
        'conf', 'default_policies', 'heat.yaml'),
}
POLICY_DIRS = {'orchestration': [_store_policy.POLICY_DIR]}
LOGGING = {
    'version': 1,
    'disable_existing_loggers': False,
    'formatters': {'plain': {
        'format': '%%(asctime)s %%(levelname)s %%(name)s %%(message)s'}},
    'handlers': {'file': {'class': 'logging.FileHandler',
                          'filename': %(log_file)r,
                          'formatter': 'plain'}},
    'root': {'handlers': ['file'], 'level': 'INFO'},
}
'''


def write_settings(data_dir, keystone_url):
    """Write Horizon's settings for this data directory.

    :returns: the folder to put first on the dashboard's ``sys.path``
    """
    top = os.path.join(data_dir, 'dashboard')
    local = os.path.join(top, 'local')
    os.makedirs(local, exist_ok=True)
    key_file = os.path.join(top, 'secret_key')
    if not os.path.exists(key_file):
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, 'w') as f:
            f.write(secrets.token_urlsafe(48))
    with open(key_file) as f:
        secret_key = f.read().strip()
    host = urllib.request.urlparse(keystone_url).hostname
    text = SETTINGS % {
        'secret_key': secret_key, 'local_path': local,
        'keystone_host': host, 'keystone_url': keystone_url,
        'static_root': os.path.join(top, 'static'),
        'log_file': os.path.join(data_dir, 'dashboard.log')}
    open(os.path.join(local, '__init__.py'), 'a').close()
    with open(os.path.join(local, 'local_settings.py'), 'w') as f:
        f.write(text)
    return top


class Dashboard(object):
    """Horizon in a child process, on ``host:port``."""

    def __init__(self, data_dir, keystone_url, host='127.0.0.1', port=8080):
        self.data_dir = os.path.abspath(data_dir)
        self.keystone_url = keystone_url
        self.host = host
        self.port = port
        self.process = None
        self.log_path = os.path.join(self.data_dir, 'dashboard.out')

    @property
    def url(self):
        return 'http://%s:%d/' % (self.host, self.port)

    @property
    def panel_url(self):
        return self.url + 'project/template_store/'

    def start(self, timeout=120):
        self.launch()
        return self.ready(timeout)

    def launch(self):
        """Start Horizon's process; :meth:`ready` waits for it."""
        top = write_settings(self.data_dir, self.keystone_url)
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((self.host, self.port))  # OSError: port taken
        command = [sys.executable, '-m', 'heat_store.dev.dashboard',
                   '--settings-dir', top, '--host', self.host,
                   '--port', str(self.port)]
        self.process = children.start(command, self.log_path)

    def ready(self, timeout=120):
        """Wait until the login page answers (its styles compiled)."""
        children.wait(self.process,
                      lambda: children.answers(self.url + 'auth/login/', 30),
                      timeout, 'Horizon', self.output, interval=0.2,
                      grace=10)
        return self

    def output(self):
        try:
            with open(self.log_path) as f:
                return f.read()
        except OSError:
            return ''

    def stop(self):
        children.stop(self.process, 10)


def _exit_with_parent():
    """End this process when heat-store-dev is gone, however it ended."""
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def serve(settings_dir, host, port):
    """The child: Horizon's WSGI application with its static files."""
    # Ctrl-C reaches the whole process group: heat-store-dev stops this
    # process itself (SIGTERM), after Heat.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, daemon=True).start()
    sys.path.insert(0, settings_dir)
    os.environ['DJANGO_SETTINGS_MODULE'] = 'openstack_dashboard.settings'
    import django
    from django.contrib.staticfiles import handlers
    from django.core import wsgi

    from heat_store.dev import wsgi_server

    django.setup()
    app = handlers.StaticFilesHandler(wsgi.get_wsgi_application())
    server = wsgi_server.make_server(host, port, app)
    print('Horizon on http://%s:%d/' % (host, port), flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()


def main(argv=None):
    parser = argparse.ArgumentParser(prog='heat_store.dev.dashboard')
    parser.add_argument('--settings-dir', required=True)
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=8080)
    args = parser.parse_args(argv)
    serve(args.settings_dir, args.host, args.port)


if __name__ == '__main__':
    main()
