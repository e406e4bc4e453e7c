#!/usr/bin/env python3
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

"""Run Heat with heat-store the way operators run it, on this machine.

heat-api is Heat's WSGI application (``heat.wsgi.api:application``) under
gunicorn with several worker processes; two ``heat-engine`` processes (each
with one engine worker) sit behind RabbitMQ; the database is a fresh
MariaDB database. The store goes in through its documented steps only:

- ``heat-manage db_sync`` and ``heat-store-manage db_sync``;
- ``[app:apiv1app] heat.app_factory = heat_store.api.router:API`` in a copy
  of Heat's api-paste.ini;
- ``plugin_dirs`` naming the ``heat_store/plugin`` directory;
- the store's policies are defaults in code (a policy file may override
  them; none is needed).

There is no Keystone: the paste flavor is ``noauth`` with a token file
whose catalog names this Heat. Everything listens on 127.0.0.1, each
deployment has its own database, database user and RabbitMQ vhost, so
deployments side by side do not meet.

Commands::

    deploy_production.py check                # are MariaDB and RabbitMQ here?
    deploy_production.py start --dir DIR      # configure, migrate, start, wait
    deploy_production.py status --dir DIR
    deploy_production.py kill-engines --dir DIR  # SIGKILL every heat-engine
    deploy_production.py start-engines --dir DIR # start them again, wait
    deploy_production.py stop --dir DIR [--purge]

``start`` returns once the API answers and every engine has reported in
(or fails, cleaning up, after ``--timeout`` seconds) and leaves the
processes running; ``kill-engines`` and ``start-engines`` are for fault
tests (an engine host that dies and comes back); ``stop`` ends them
(SIGTERM, then SIGKILL after a grace period), drops the database, its user
and the vhost.
"""

import argparse
import importlib.util
import json
import os
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

HOST = '127.0.0.1'
PROJECT = 'admin'
STATE = 'deployment.json'
DEFAULT_DB_ADMIN_URLS = (
    # root over the local socket (a fresh MariaDB), then oslo.db's test
    # account (tools/ci-services.sh creates it, with GRANT OPTION).
    'mysql+pymysql://root@localhost/?unix_socket=/run/mysqld/mysqld.sock',
    'mysql+pymysql://root@127.0.0.1/',
    'mysql+pymysql://openstack_citest:openstack_citest@127.0.0.1/',
)
RABBIT_PORT = 5672
TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# What each Python module the tool imports comes from.
MODULES = (('sqlalchemy', 'tools/setup-venv.sh'),
           ('pymysql', 'tools/setup-venv.sh --test'),
           ('heat', 'tools/setup-venv.sh'),
           ('heat_store', 'tools/setup-venv.sh'))
# What installs each console script the deployment runs.
SCRIPTS = (('gunicorn', 'tools/setup-venv.sh --test'),
           ('heat-engine', 'tools/setup-venv.sh'),
           ('heat-manage', 'tools/setup-venv.sh'),
           ('heat-store-manage', 'tools/setup-venv.sh'))
SERVICES_FIX = ('tools/ci-services.sh starts MariaDB and RabbitMQ and '
                'creates the openstack_citest account')


def log(message):
    sys.stderr.write('deploy: %s\n' % message)
    sys.stderr.flush()


def bin_path(name):
    """A console script of this Python environment."""
    return os.path.join(os.path.dirname(os.path.abspath(sys.executable)),
                        name)


def tool_command(*args, python=None):
    """This tool's command line, to be run as printed from anywhere.

    The interpreter is this one (the virtualenv's python when the tool runs
    from one: ``sys.executable`` is not resolved, so it keeps the venv), not
    the ``python3`` of the script's ``#!`` line, which lacks SQLAlchemy.
    """
    return shlex.join([python or sys.executable, os.path.abspath(__file__)] +
                      list(args))


def venv_python():
    """The repository's virtualenv python, if it is not the one running."""
    python = os.path.join(TOP, '.venv', 'bin', 'python')
    if os.path.exists(python) and os.path.abspath(sys.executable) != python:
        return python
    return None


def fix_for(installer):
    """What to do about a module or command this environment lacks."""
    if venv_python():
        return ('run the tool with %s (or tools/deploy-production.sh)' %
                venv_python())
    return 'install it with %s' % installer


def missing_modules():
    """(module, fix) for each module this interpreter cannot import."""
    return [(name, fix_for(installer)) for name, installer in MODULES
            if importlib.util.find_spec(name) is None]


def free_port():
    import socket
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


# -- services: MariaDB and RabbitMQ ----------------------------------------

def db_admin_engine(url=None):
    """An engine on the MariaDB server with rights to create databases."""
    import sqlalchemy as sa
    urls = [url] if url else list(DEFAULT_DB_ADMIN_URLS)
    env_url = os.environ.get('HEAT_STORE_DEPLOY_DB_ADMIN_URL')
    if env_url and not url:
        urls.insert(0, env_url)
    errors = []
    for candidate in urls:
        engine = sa.create_engine(candidate, poolclass=sa.pool.NullPool,
                                  connect_args={'connect_timeout': 5})
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql('SELECT 1')
            return engine
        except Exception as exc:  # noqa: BLE001 - try the next one
            errors.append('%s: %s' % (engine.url.render_as_string(
                hide_password=True), str(exc).splitlines()[0]))
            engine.dispose()
    raise RuntimeError('No MariaDB admin connection:\n  ' +
                       '\n  '.join(errors))


def rabbitmqctl_path():
    """rabbitmqctl, also where a user's PATH lacks the sbin directories."""
    return (shutil.which('rabbitmqctl') or
            shutil.which('rabbitmqctl',
                         path='/usr/local/sbin:/usr/sbin:/sbin'))


def rabbitmqctl(*args, timeout=60):
    return subprocess.run([rabbitmqctl_path() or 'rabbitmqctl', '-q'] +
                          list(args),
                          capture_output=True, text=True, timeout=timeout,
                          check=True)


def rabbit_reachable():
    import socket
    try:
        with socket.create_connection((HOST, RABBIT_PORT), timeout=3):
            pass
    except OSError as exc:
        return 'RabbitMQ is not listening on %s:%d (%s)' % (
            HOST, RABBIT_PORT, exc)
    if rabbitmqctl_path() is None:
        return 'rabbitmqctl is not installed'
    return None


def check(args):
    """What the deployment needs, found or missing (with what fixes it)."""
    found, problems = [], []
    for name, fix in missing_modules():
        problems.append("No module named '%s' in %s: %s" % (
            name, sys.executable, fix))
    if not problems:
        try:
            engine = db_admin_engine(args.db_admin_url)
        except Exception as exc:  # noqa: BLE001 - reported
            problems.append('%s\n  %s, or give an account that may create '
                            'databases and users with --db-admin-url or '
                            '$HEAT_STORE_DEPLOY_DB_ADMIN_URL' % (
                                exc, SERVICES_FIX))
        else:
            with engine.connect() as conn:
                version = conn.exec_driver_sql(
                    'SELECT VERSION()').scalar()
            found.append('MariaDB %s as %s' % (
                version, engine.url.render_as_string(hide_password=True)))
            engine.dispose()
    problem = rabbit_reachable()
    if problem:
        problems.append('%s: %s' % (problem, SERVICES_FIX))
    else:
        found.append('RabbitMQ on %s:%d, %s' % (
            HOST, RABBIT_PORT, rabbitmqctl_path()))
    for name, installer in SCRIPTS:
        path = bin_path(name)
        if os.path.exists(path):
            found.append('%s: %s' % (name, path))
        else:
            problems.append('%s is not installed in %s: %s' % (
                name, os.path.dirname(path), fix_for(installer)))
    for line in found:
        print('found:   %s' % line)
    for line in problems:
        print('missing: %s' % line)
    if problems:
        return 3
    print('ready:   %s' % tool_command('start', '--dir', 'DIR'))
    return 0


def create_database(state, admin_url=None):
    engine = db_admin_engine(admin_url)
    name, user, password = state['db_name'], state['db_user'], secrets.\
        token_hex(12)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            'CREATE DATABASE `%s` CHARACTER SET utf8mb4' % name)
        for host in ('127.0.0.1', 'localhost'):
            conn.exec_driver_sql(
                "CREATE USER '%s'@'%s' IDENTIFIED BY '%s'" % (
                    user, host, password))
            conn.exec_driver_sql(
                "GRANT ALL PRIVILEGES ON `%s`.* TO '%s'@'%s'" % (
                    name, user, host))
    state['db_admin_url'] = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    state['database'] = (
        'mysql+pymysql://%s:%s@%s/%s?charset=utf8mb4' % (
            user, password, HOST, name))


def drop_database(state):
    if not state.get('db_admin_url'):
        return
    engine = db_admin_engine(state['db_admin_url'])
    with engine.begin() as conn:
        conn.exec_driver_sql('DROP DATABASE IF EXISTS `%s`' %
                             state['db_name'])
        for host in ('127.0.0.1', 'localhost'):
            conn.exec_driver_sql("DROP USER IF EXISTS '%s'@'%s'" % (
                state['db_user'], host))
    engine.dispose()
    del state['db_admin_url']


def create_vhost(state):
    rabbitmqctl('add_vhost', state['vhost'])
    state['vhost_created'] = True
    rabbitmqctl('set_permissions', '-p', state['vhost'], 'guest',
                '.*', '.*', '.*')
    state['transport_url'] = 'rabbit://guest:guest@%s:%d/%s' % (
        HOST, RABBIT_PORT, state['vhost'])


def delete_vhost(state):
    if state.get('vhost_created'):
        rabbitmqctl('delete_vhost', state['vhost'])
        state['vhost_created'] = False


# -- configuration ---------------------------------------------------------

def write_paste_ini(path):
    """Heat's api-paste.ini with the one line the store's guide changes."""
    from heat_store.dev import heat_conf
    with open(heat_conf.heat_paste_ini()) as f:
        lines = f.read().splitlines()
    section = None
    changed = 0
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith('['):
            section = stripped
        elif (section == '[app:apiv1app]' and
              stripped.replace(' ', '').startswith('heat.app_factory=')):
            lines[i] = 'heat.app_factory = heat_store.api.router:API'
            changed += 1
    if changed != 1:
        raise RuntimeError('[app:apiv1app] heat.app_factory not found in '
                           '%s' % heat_conf.heat_paste_ini())
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')


def write_token_response(path, port):
    """A Keystone v3 token body for ``[noauth] token_response``."""
    from heat_store.dev import heat_conf
    heat_conf.write_token_response(path, HOST, port)


def write_heat_conf(state):
    """heat.conf in the shape the embedded Heat writes (dev/heat_conf.py).

    With this deployment's messaging, database, logs and workers.
    """
    import configparser
    from heat_store.dev import heat_conf
    d = state['dir']
    conf = heat_conf.heat_conf(
        HOST, state['port'], state['database'], state['transport_url'],
        secrets.token_hex(16), os.path.join(d, 'api-paste.ini'),
        os.path.join(d, 'token_response.json'),
        defaults={'debug': 'False', 'log_dir': os.path.join(d, 'log'),
                  'use_stderr': 'False'},
        heat_api={'workers': str(state['api_workers'])})
    with open(os.path.join(d, 'heat.conf'), 'w') as f:
        conf.write(f)
    # One small file per engine: operators run them on separate hosts.
    for i in range(1, state['engines'] + 1):
        engine = configparser.RawConfigParser()
        engine['DEFAULT'] = {
            'host': 'engine-%d' % i,
            'log_file': os.path.join(d, 'log', 'heat-engine-%d.log' % i)}
        with open(os.path.join(d, 'engine-%d.conf' % i), 'w') as f:
            engine.write(f)


GUNICORN_CONF = '''\
# gunicorn settings of heat-api: Heat's own WSGI application, N workers.
import sys

# NOTE: heat.wsgi.api parses sys.argv with oslo.config (as under uWSGI's
# "pyargv"): give it Heat's arguments instead of gunicorn's.
sys.argv = ['heat-api', '--config-file', {heat_conf!r}]

wsgi_app = 'heat.wsgi.api:application'
bind = '{host}:{port}'
workers = {workers}
worker_class = 'sync'
timeout = 120
graceful_timeout = 10
pidfile = {pidfile!r}
accesslog = {accesslog!r}
# client, worker pid, request, status, bytes, seconds
access_log_format = '%(h)s %(p)s "%(r)s" %(s)s %(b)s %(L)s'
errorlog = {errorlog!r}
capture_output = True
proc_name = 'heat-api'
# gunicorn (25.1 and later) listens for gunicornc on a control socket, by
# default $HOME/.gunicorn/gunicorn.ctl: one path that every deployment of
# the same user would take from the others. Each has its own.
{control_socket}
'''
# A unix socket's path holds at most 107 bytes.
MAX_SOCKET_PATH = 100


def write_gunicorn_conf(state):
    d = state['dir']
    control = os.path.join(d, 'gunicorn.ctl')
    if len(os.fsencode(control)) <= MAX_SOCKET_PATH:
        control_socket = 'control_socket = %r' % control
    else:
        control_socket = 'control_socket_disable = True  # DIR is too long'
    with open(os.path.join(d, 'gunicorn.conf.py'), 'w') as f:
        f.write(GUNICORN_CONF.format(
            control_socket=control_socket,
            heat_conf=os.path.join(d, 'heat.conf'), host=HOST,
            port=state['port'], workers=state['api_workers'],
            pidfile=os.path.join(d, 'heat-api.pid'),
            accesslog=os.path.join(d, 'log', 'heat-api-access.log'),
            errorlog=os.path.join(d, 'log', 'gunicorn.log')))


# -- processes -------------------------------------------------------------

def run(command, state, name, timeout=300):
    path = os.path.join(state['dir'], 'log', '%s.out' % name)
    log('%s' % ' '.join(command))
    with open(path, 'w') as out:
        result = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT,
                                timeout=timeout, cwd=state['dir'])
    if result.returncode:
        with open(path) as f:
            raise RuntimeError('%s failed:\n%s' % (name, f.read()[-4000:]))


def spawn(command, state, name):
    path = os.path.join(state['dir'], 'log', '%s.out' % name)
    log('%s &' % ' '.join(command))
    # Appended: an engine started again keeps its predecessor's output.
    with open(path, 'a') as out:
        # NOTE: a session of its own: stop can end the whole process tree
        # (heat-engine forks its worker, gunicorn its workers).
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, cwd=state['dir'],
                                start_new_session=True)
    state['processes'].append({'name': name, 'pid': proc.pid})
    save(state)
    return proc


def spawn_engine(state, number):
    conf = os.path.join(state['dir'], 'heat.conf')
    engine_conf = os.path.join(state['dir'], 'engine-%d.conf' % number)
    return spawn([bin_path('heat-engine'), '--config-file', conf,
                  '--config-file', engine_conf],
                 state, 'heat-engine-%d' % number)


def engine_processes(state):
    return [p for p in state['processes']
            if p['name'].startswith('heat-engine-')]


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie of ours counts as gone.
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().split(') ', 1)[1][0] != 'Z'
    except OSError:
        return False


def group_alive(pgid):
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % entry) as f:
                fields = f.read().split(') ', 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != 'Z' and int(fields[2]) == pgid:
            return True
    return False


def stop_processes(state, grace=20):
    """SIGTERM every process group, then SIGKILL what outlives ``grace``."""
    procs = list(reversed(state.get('processes', [])))
    for proc in procs:
        try:
            os.killpg(proc['pid'], signal.SIGTERM)
        except ProcessLookupError:
            pass
    started = time.monotonic()
    deadline = started + grace
    for proc in procs:
        while group_alive(proc['pid']) and time.monotonic() < deadline:
            reap(proc['pid'])
            time.sleep(0.1)
        log('%s stopped after %.1f s' % (
            proc['name'], time.monotonic() - started))
        if group_alive(proc['pid']):
            log('%s did not stop in %ds: SIGKILL' % (proc['name'], grace))
            try:
                os.killpg(proc['pid'], signal.SIGKILL)
            except ProcessLookupError:
                pass
        reap(proc['pid'])
    kill_deadline = time.monotonic() + 10
    while (any(group_alive(p['pid']) for p in procs) and
           time.monotonic() < kill_deadline):
        time.sleep(0.1)
    state['processes'] = [p for p in procs if group_alive(p['pid'])]


def reap(pid):
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


# -- readiness -------------------------------------------------------------

def http(method, url, body=None, timeout=10):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={
        'Accept': 'application/json', 'Content-Type': 'application/json'})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def wait_ready(state, deadline):
    """The API answers and every engine has reported to the database and
    answers RPC (a template validation goes through one).

    The engines' rows in ``service`` are read from the database first: an
    engine writes its row once its RPC server listens, and an RPC call
    sent before that is lost on RabbitMQ (no queue is bound yet), which
    holds the API worker that sent it for rpc_response_timeout (60 s). With
    one API worker, that was a minute of every start.
    """
    endpoint = state['endpoint']
    engines = state['engines']
    last = 'no answer yet'
    while time.monotonic() < deadline:
        for proc in state['processes']:
            if not alive(proc['pid']):
                raise RuntimeError('%s exited during start-up' %
                                   proc['name'])
        reported = len(engine_services(state))
        if reported < engines:
            last = 'engines reported: %d of %d' % (reported, engines)
            time.sleep(0.3)
            continue
        try:
            status, body = http('GET', endpoint + '/services')
            if status == 200:
                up = [s for s in json.loads(body)['services']
                      if s['status'] == 'up' and s['binary'] == 'heat-engine']
                hosts = {s['host'] for s in up}
                if len(hosts) >= engines:
                    status, body = http(
                        'POST', endpoint + '/validate',
                        {'template': {'heat_template_version': '2018-08-31',
                                      'resources': {}}}, timeout=30)
                    status2, body2 = http('GET',
                                          endpoint + '/stored_templates')
                    if status == 200 and status2 == 200:
                        return
                    last = 'validate %s, stored_templates %s: %s' % (
                        status, status2, (body + body2)[:300])
                else:
                    last = 'engines up: %s' % sorted(hosts)
            else:
                last = 'services: %s %s' % (status, body[:300])
        except (OSError, ValueError) as exc:
            last = str(exc)
        time.sleep(0.3)
    raise RuntimeError('not ready in time (%s)' % last)


def engine_services(state):
    """Ids of the heat-engine rows in Heat's ``service`` table."""
    import sqlalchemy as sa
    engine = sa.create_engine(state['database'], poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return set(conn.execute(sa.text(
                "SELECT id FROM service WHERE deleted_at IS NULL AND "
                "`binary` = 'heat-engine'")).scalars())
    finally:
        engine.dispose()


def wait_engines_back(state, old_services, deadline):
    """Every engine host has reported in anew and answers RPC.

    The rows of the engines that died stay in ``service`` (shown ``up``
    until their report is three periods old): only a row that was not
    there before the restart counts.
    """
    endpoint = state['endpoint']
    hosts = {'engine-%d' % i for i in range(1, state['engines'] + 1)}
    last = 'no answer yet'
    while time.monotonic() < deadline:
        for proc in engine_processes(state):
            if not alive(proc['pid']):
                raise RuntimeError('%s exited during start-up' %
                                   proc['name'])
        try:
            # NOTE: heat-api asks an engine over RPC; the call waits in
            # the bus until a new engine takes it.
            status, body = http('GET', endpoint + '/services', timeout=90)
            if status == 200:
                back = {s['host'] for s in json.loads(body)['services']
                        if s['binary'] == 'heat-engine' and
                        s['status'] == 'up' and
                        s['id'] not in old_services}
                if back >= hosts:
                    return
                last = 'engines back: %s' % sorted(back)
            else:
                last = 'services: %s %s' % (status, body[:300])
        except (OSError, ValueError) as exc:
            last = str(exc)
        time.sleep(0.3)
    raise RuntimeError('engines not back in time (%s)' % last)


# -- state -----------------------------------------------------------------

def save(state):
    path = os.path.join(state['dir'], STATE)
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(state, f, indent=1, sort_keys=True)
    os.replace(tmp, path)


def load(directory):
    with open(os.path.join(directory, STATE)) as f:
        return json.load(f)


def tail(path, lines=40):
    try:
        with open(path, errors='replace') as f:
            return ''.join(f.readlines()[-lines:])
    except OSError:
        return ''


def logs_tail(state):
    out = []
    log_dir = os.path.join(state['dir'], 'log')
    for name in sorted(os.listdir(log_dir)):
        text = tail(os.path.join(log_dir, name), 15)
        if text.strip():
            out.append('--- %s\n%s' % (name, text))
    return '\n'.join(out)


# -- commands --------------------------------------------------------------

def start(args):
    started = time.monotonic()
    deadline = started + args.timeout
    directory = os.path.abspath(args.dir)
    if os.path.exists(os.path.join(directory, STATE)):
        print('%s already holds a deployment; stop it first' % directory)
        return 2
    os.makedirs(os.path.join(directory, 'log'), exist_ok=True)
    token = secrets.token_hex(4)
    port = args.port or free_port()
    state = {
        'dir': directory, 'port': port, 'project': PROJECT,
        'endpoint': 'http://%s:%d/v1/%s' % (HOST, port, PROJECT),
        'api_workers': args.api_workers, 'engines': args.engines,
        'db_name': 'heat_store_%s' % token, 'db_user': 'heat_%s' % token,
        'vhost': 'heat_store_%s' % token, 'processes': [],
        'stop_command': tool_command('stop', '--dir', directory),
    }
    save(state)
    try:
        create_database(state, args.db_admin_url)
        save(state)
        create_vhost(state)
        save(state)
        write_paste_ini(os.path.join(directory, 'api-paste.ini'))
        write_token_response(os.path.join(directory, 'token_response.json'),
                             port)
        write_heat_conf(state)
        write_gunicorn_conf(state)
        conf = ['--config-file', os.path.join(directory, 'heat.conf')]
        # The documented installation steps, in order.
        run([bin_path('heat-manage')] + conf + ['db_sync'], state,
            'heat-manage-db_sync')
        run([bin_path('heat-store-manage')] + conf + ['db_sync'], state,
            'heat-store-manage-db_sync')
        for i in range(1, args.engines + 1):
            spawn_engine(state, i)
        spawn([bin_path('gunicorn'), '--config',
               os.path.join(directory, 'gunicorn.conf.py')],
              state, 'heat-api')
        wait_ready(state, deadline)
    except BaseException as exc:
        log('start failed: %s' % exc)
        if os.path.isdir(os.path.join(directory, 'log')):
            sys.stderr.write(logs_tail(state) + '\n')
        if teardown(state):
            log('what is left of it goes with: %s' % state['stop_command'])
        return 1
    state['ready_seconds'] = round(time.monotonic() - started, 1)
    save(state)
    if args.json:
        print(json.dumps(state, sort_keys=True))
    else:
        print('heat-api (gunicorn, %d workers) and %d heat-engine processes '
              'ready in %.1f s' % (args.api_workers, args.engines,
                                   state['ready_seconds']))
        print('endpoint: %s' % state['endpoint'])
        print('try:      openstack --os-auth-type none --os-endpoint %s '
              'orchestration template store list' % state['endpoint'])
        print('stop:     %s' % state['stop_command'])
    return 0


def teardown(state, purge=False):
    """Stop the processes, drop the database and its user, the vhost.

    Each step runs even if another failed. What could not be done stays in
    ``deployment.json``, so that the next ``stop`` finishes it.
    """
    errors = []
    for step in (stop_processes, drop_database, delete_vhost):
        try:
            step(state)
        except Exception as exc:  # noqa: BLE001 - do the rest anyway
            errors.append('%s: %s' % (step.__name__, exc))
    if state.get('processes'):
        errors.append('still running: %s' % state['processes'])
    for error in errors:
        log(error)
    if errors:
        state['stop_errors'] = errors
        save(state)
        return 1
    if purge:
        shutil.rmtree(state['dir'], ignore_errors=True)
    else:
        try:
            os.remove(os.path.join(state['dir'], STATE))
        except OSError:
            pass
    return 0


def stop(args):
    try:
        state = load(os.path.abspath(args.dir))
    except OSError:
        print('no deployment in %s' % args.dir)
        return 0
    started = time.monotonic()
    status = teardown(state, purge=args.purge)
    if status:
        python = venv_python() if missing_modules() else None
        log('not everything was cleaned up; to finish: %s' % tool_command(
            *(['stop', '--dir', state['dir']] +
              (['--purge'] if args.purge else [])), python=python))
    else:
        log('stopped in %.1f s' % (time.monotonic() - started))
    return status


def kill_engines(args):
    """SIGKILL every heat-engine process, as a host that dies would.

    No graceful stop: whatever the engines were doing is cut short, and
    their stack locks, resource locks and service rows stay behind.
    """
    state = load(os.path.abspath(args.dir))
    engines = engine_processes(state)
    for proc in engines:
        try:
            # The engine's process group: the parent and its worker.
            os.killpg(proc['pid'], signal.SIGKILL)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 10
    while (any(group_alive(p['pid']) for p in engines) and
           time.monotonic() < deadline):
        time.sleep(0.05)
    for proc in engines:
        reap(proc['pid'])
    left = [p['name'] for p in engines if group_alive(p['pid'])]
    if left:
        log('still running: %s' % left)
        return 1
    state['processes'] = [p for p in state['processes']
                          if p not in engines]
    save(state)
    log('killed %s' % ', '.join(p['name'] for p in engines))
    return 0


def start_engines(args):
    """Start every engine that is not running; wait until they serve."""
    started = time.monotonic()
    state = load(os.path.abspath(args.dir))
    old_services = engine_services(state)
    running = {p['name'] for p in engine_processes(state)
               if group_alive(p['pid'])}
    state['processes'] = [p for p in state['processes']
                          if not p['name'].startswith('heat-engine-') or
                          p['name'] in running]
    for i in range(1, state['engines'] + 1):
        if 'heat-engine-%d' % i not in running:
            spawn_engine(state, i)
    try:
        wait_engines_back(state, old_services, started + args.timeout)
    except RuntimeError as exc:
        log(str(exc))
        sys.stderr.write(logs_tail(state) + '\n')
        return 1
    log('%d heat-engine processes serving after %.1f s' % (
        state['engines'], time.monotonic() - started))
    return 0


def status(args):
    try:
        state = load(os.path.abspath(args.dir))
    except OSError:
        print('no deployment in %s' % args.dir)
        return 1
    ok = True
    for proc in state['processes']:
        running = alive(proc['pid'])
        ok = ok and running
        print('%-16s pid %-7d %s' % (proc['name'], proc['pid'],
                                     'running' if running else 'GONE'))
    print('endpoint: %s' % state['endpoint'])
    if state.get('stop_errors'):
        print('a stop failed (%s); finish it with: %s' % (
            '; '.join(state['stop_errors']),
            state.get('stop_command') or tool_command(
                'stop', '--dir', state['dir'])))
        return 1
    return 0 if ok else 1


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = parser.add_subparsers(dest='command', required=True)
    p = sub.add_parser('check', help='is everything a deployment needs here '
                                     '(MariaDB, RabbitMQ, the Python '
                                     'modules and commands)?')
    p.add_argument('--db-admin-url')
    p = sub.add_parser('start', help='configure, migrate, start and wait')
    p.add_argument('--dir', required=True)
    p.add_argument('--port', type=int, default=0,
                   help='heat-api port (default: a free one)')
    p.add_argument('--api-workers', type=int, default=3)
    p.add_argument('--engines', type=int, default=2)
    p.add_argument('--timeout', type=float, default=120,
                   help='seconds until start gives up and cleans up')
    p.add_argument('--db-admin-url',
                   help='SQLAlchemy URL of a MariaDB account that may create '
                        'databases and users')
    p.add_argument('--json', action='store_true',
                   help='print the deployment as JSON')
    p = sub.add_parser('status', help="the deployment's processes and "
                                      "endpoint")
    p.add_argument('--dir', required=True)
    p = sub.add_parser('kill-engines',
                       help='SIGKILL every heat-engine process')
    p.add_argument('--dir', required=True)
    p = sub.add_parser('start-engines',
                       help='start the heat-engines that are not running '
                            'and wait until each serves again')
    p.add_argument('--dir', required=True)
    p.add_argument('--timeout', type=float, default=120)
    p = sub.add_parser('stop', help='stop processes, drop database and vhost')
    p.add_argument('--dir', required=True)
    p.add_argument('--purge', action='store_true',
                   help='also remove the directory (configuration, logs)')
    args = parser.parse_args(argv)
    return {'check': check, 'start': start, 'stop': stop,
            'status': status, 'kill-engines': kill_engines,
            'start-engines': start_engines}[args.command](args)


if __name__ == '__main__':
    sys.exit(main())
