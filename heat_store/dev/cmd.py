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

"""``heat-store-dev``: run a complete Heat with the template store in it.

API and engine in one process, SQLite in a data directory, no Keystone,
no message broker. Data is kept between runs. With ``--keystone``, a real
Keystone in a child process (``heat_store.dev.identity``) and Heat behind
keystonemiddleware.
"""

import argparse
import os
import signal
import sys
import threading
import time
import warnings

from heat_store.dev import children

DEFAULT_DATA_DIR = os.path.join(os.getcwd(), '.heat-store')


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog='heat-store-dev',
        description='Run OpenStack Heat (API and engine in one process) '
                    'with the template store, on SQLite, without Keystone.')
    parser.add_argument('--port', type=int, default=8004,
                        help='TCP port of the Heat API (default: 8004).')
    parser.add_argument('--host', default='127.0.0.1',
                        help='Address to listen on (default: 127.0.0.1).')
    parser.add_argument('--data-dir', default=DEFAULT_DATA_DIR,
                        help='Where the database and configuration live '
                             '(default: ./.heat-store). Kept between runs.')
    parser.add_argument('--database', default=None,
                        help='SQLAlchemy URL of another database instead '
                             'of SQLite in the data directory.')
    parser.add_argument('--auth', choices=('noauth', 'headers'),
                        default='noauth',
                        help='"noauth" (default): every request is the '
                             'admin of the project named by X-Auth-Project '
                             '(default "admin"). "headers": identity and '
                             'roles come from X-Project-Id, X-User-Id and '
                             'X-Roles, for trying policies.')
    parser.add_argument('--keystone', action='store_true',
                        help='Also run a real Keystone (SQLite in the data '
                             'directory) and put Heat behind it: projects '
                             '"admin" and "demo", users with the reader, '
                             'member and admin roles, trusts, and '
                             'DATA_DIR/clouds.yaml for openstack '
                             '--os-cloud.')
    parser.add_argument('--keystone-port', type=int, default=5000,
                        help='TCP port of Keystone with --keystone '
                             '(default: 5000).')
    parser.add_argument('--dashboard', action='store_true',
                        help='Also serve Horizon with heat-dashboard and the '
                             'Template Store panel (Project > Orchestration '
                             '> Template Store); implies --keystone.')
    parser.add_argument('--dashboard-port', type=int, default=8080,
                        help='TCP port of Horizon with --dashboard '
                             '(default: 8080).')
    parser.add_argument('--no-leaf-sleep', action='store_true',
                        help="Drop Heat's 1 s sleep between leaf resources "
                             '(for tests and benchmarks).')
    parser.add_argument('--resource-poll', type=float, metavar='SECONDS',
                        help="Seconds between the engine's checks of a "
                             "resource in progress (default: Heat's 1; "
                             'for tests).')
    parser.add_argument('--debug', action='store_true',
                        help='Log at debug level.')
    args = parser.parse_args(argv)
    if args.resource_poll is not None and not args.resource_poll > 0:
        parser.error('--resource-poll must be more than 0 seconds')
    if args.dashboard:
        args.keystone = True
    if args.keystone and args.auth != 'noauth':
        parser.error('--keystone replaces --auth %s' % args.auth)
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    # futurist imports eventlet if present, which warns on import; Heat's
    # engine does not use it.
    warnings.filterwarnings('ignore', message=r'(?s).*Eventlet is deprecated')
    started = time.monotonic()
    # Ctrl-C (or SIGTERM) at any moment, from the first: while starting,
    # what has started is stopped; once serving, the server shuts down.
    stopping = threading.Event()
    serving = []

    def _stop(signum, frame):
        if stopping.is_set():
            return
        stopping.set()
        if serving:
            threading.Thread(target=serving[0].shutdown, daemon=True).start()
        else:
            children.interrupt()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    parts = []
    try:
        return _run(args, started, stopping, serving, parts)
    except KeyboardInterrupt:
        for part in reversed(parts):
            part.stop()
        # A child whose owner was interrupted before it held the child.
        children.stop_started(5)
        print('Stopped.', flush=True)
        return 130


def _run(args, started, stopping, serving, parts):
    def check():
        # A library may swallow the KeyboardInterrupt raised in it (Heat's
        # start retries and logs): the flag says it came all the same.
        if stopping.is_set():
            raise KeyboardInterrupt

    from heat_store.dev import embedded
    from heat_store.dev import wsgi_server

    keystone = None
    auth = args.auth
    if args.keystone:
        import importlib.util

        if importlib.util.find_spec('keystone') is None:
            sys.stderr.write('ERROR: --keystone needs Keystone: pip install '
                             '"heat-store[keystone]" (tools/run.sh '
                             '--keystone does it)\n')
            return 1
        if args.dashboard and (importlib.util.find_spec('horizon') is None or
                               importlib.util.find_spec('heat_dashboard')
                               is None):
            sys.stderr.write('ERROR: --dashboard needs Horizon and '
                             'heat-dashboard: pip install '
                             '"heat-store[keystone,dashboard]" '
                             '(tools/run.sh --dashboard does it)\n')
            return 1
        from heat_store.dev import identity

        auth = 'keystone'
        keystone = identity.DevKeystone(
            args.data_dir, 'http://%s:%d' % (args.host, args.port),
            host=args.host, port=args.keystone_port, debug=args.debug)
        # Keystone boots in its child while Heat starts here.
        parts.append(keystone)
        keystone.launch()
        check()
    dashboard = None
    if args.dashboard:
        from heat_store.dev import dashboard as dev_dashboard

        dashboard = dev_dashboard.Dashboard(
            args.data_dir, keystone.auth_url, host=args.host,
            port=args.dashboard_port)
        parts.append(dashboard)
        check()
        try:
            dashboard.launch()
        except OSError as exc:
            sys.stderr.write('ERROR: cannot listen on %s:%d: %s\n' %
                             (args.host, args.dashboard_port,
                              exc.strerror or exc))
            keystone.stop()
            return 1
    heat = embedded.EmbeddedHeat(args.data_dir, host=args.host,
                                 port=args.port, auth=auth,
                                 database=args.database,
                                 leaf_sleep=not args.no_leaf_sleep,
                                 resource_poll=args.resource_poll,
                                 debug=args.debug,
                                 keystone=keystone and
                                 keystone.heat_options())
    parts.append(heat)
    check()
    try:
        app = heat.start()
        server = wsgi_server.make_server(args.host, args.port, app)
    except OSError as exc:
        sys.stderr.write('ERROR: cannot listen on %s:%d: %s\n' %
                         (args.host, args.port, exc.strerror or exc))
        heat.stop()
        if keystone is not None:
            keystone.stop()
        if dashboard is not None:
            dashboard.stop()
        return 1
    try:
        check()
        if keystone is not None:
            keystone.ready()
        check()
        if dashboard is not None:
            dashboard.ready()
    except RuntimeError as exc:
        sys.stderr.write('ERROR: %s\n' % exc)
        server.server_close()
        heat.stop()
        for child in (keystone, dashboard):
            if child is not None:
                child.stop()
        return 1

    if stopping.is_set():
        server.server_close()
        raise KeyboardInterrupt
    serving.append(server)

    print('Heat with the template store is ready in %.1f s.' %
          (time.monotonic() - started))
    if keystone is None:
        print('  API:       %s' % heat.endpoint)
        print('  data dir:  %s' % heat.data_dir)
        print('Try:')
        print('  curl -s %s/stored_templates' % heat.endpoint)
        print('  openstack --os-auth-type none --os-endpoint %s '
              'orchestration template store list' % heat.endpoint)
    else:
        print('  API:       http://%s:%d/v1/<project id>' % (
            args.host, args.port))
        print('  Keystone:  %s' % keystone.auth_url)
        print('  passwords: %s (users admin, demo, demo-reader; mode 0600)'
              % keystone.passwords_path)
        print('  clouds:    %s (heat-store-admin, heat-store-demo, '
              'heat-store-demo-reader)' % keystone.clouds_path)
        print('  data dir:  %s' % heat.data_dir)
        print('Try:')
        print('  export OS_CLIENT_CONFIG_FILE=%s' % keystone.clouds_path)
        print('  openstack --os-cloud heat-store-demo orchestration '
              'template store list')
    if dashboard is not None:
        print('Dashboard (Horizon):')
        print('  URL:       %s' % dashboard.url)
        print('  panel:     %s (Project > Orchestration > Template Store)'
              % dashboard.panel_url)
        print('  log in:    user demo (project demo) or admin, domain '
              'Default, with the password of that user in %s'
              % keystone.passwords_path)
    print('Stop with Ctrl-C.', flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        heat.stop()
        if keystone is not None:
            keystone.stop()
        if dashboard is not None:
            dashboard.stop()
        print('Stopped.', flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
