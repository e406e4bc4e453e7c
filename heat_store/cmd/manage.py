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

"""``heat-store-manage``: the store's schema in Heat's database.

Reads Heat's own configuration (``--config-file /etc/heat/heat.conf``) and
migrates the store's tables, tracked in their own alembic version table;
Heat's ``heat-manage db_sync`` is unaffected.
"""

import sys

from oslo_config import cfg

CONF = cfg.CONF


def do_db_sync():
    from heat_store.db import migration
    migration.db_sync(CONF.command.version or 'heads')
    print('heat-store schema at %s' % migration.db_version())


def do_db_version():
    from heat_store.db import migration
    print(migration.db_version() or 'None (run db_sync)')


def add_command_parsers(subparsers):
    parser = subparsers.add_parser(
        'db_sync', help='Create or upgrade the store\'s tables.')
    parser.add_argument('version', nargs='?',
                        help='Target revision (default: the newest).')
    parser.set_defaults(func=do_db_sync)
    parser = subparsers.add_parser(
        'db_version', help='Print the store\'s schema revision.')
    parser.set_defaults(func=do_db_version)


def main(argv=None):
    from heat.db import api as heat_db_api  # noqa: F401 - registers options
    from oslo_log import log as logging

    CONF.register_cli_opt(cfg.SubCommandOpt(
        'command', title='Commands', handler=add_command_parsers))
    logging.register_options(CONF)
    CONF(sys.argv[1:] if argv is None else argv, project='heat',
         prog='heat-store-manage')
    logging.setup(CONF, 'heat-store-manage')
    try:
        CONF.command.func()
    except Exception as exc:  # noqa: BLE001 - one line for the operator
        # Broad on purpose: any failure of a command is one line on
        # stderr and exit status 1; the traceback is logged (--debug).
        logging.getLogger(__name__).debug('heat-store-manage failed',
                                          exc_info=True)
        sys.stderr.write('ERROR: %s\n' % exc)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
