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

"""``heat``: python-heatclient's shell, plus ``template-store-*``.

The legacy ``heat`` shell loads its commands only from
``heatclient.v1.shell`` and has no extension hook. This package therefore
installs its own ``heat`` console script: heatclient's ``HeatShell``,
subclassed to add the ``do_*`` functions of :mod:`heat_store.client.shell`
after heatclient has added its own. Everything else, every stock command,
option, message and exit code, is heatclient's, from whichever
python-heatclient is installed. See doc/source/user/cli.rst for what this
costs (pip lets two distributions write the same script).

It also takes the ``openstack`` command's way of reaching a Heat without
Keystone, so that one environment serves both command sets:
``--os-auth-type none`` (``OS_AUTH_TYPE``) with ``--os-endpoint``
(``OS_ENDPOINT``) is heatclient's ``--os-no-client-auth --heat-url``, with
the placeholder token keystoneauth's ``none`` plugin sends.
"""

import argparse
import logging
import sys

from heatclient.common import utils
from heatclient import exc
from heatclient import shell as heat_shell

from heat_store.client.i18n import _
from heat_store.client import shell as store_shell

LOG = logging.getLogger(__name__)

# The API versions whose shell the store's commands extend.
STORE_VERSIONS = ('1',)
# openstack's --os-auth-type that needs no Keystone, and the token its
# plugin (keystoneauth1.noauth.NoAuth) sends.
NO_AUTH = 'none'
NO_AUTH_TOKEN = 'notused'


class HeatStoreShell(heat_shell.HeatShell):
    """heatclient's shell with the store's commands beside its own."""

    def get_base_parser(self):
        parser = super().get_base_parser()
        parser.add_argument(
            '--os-auth-type', metavar='<auth-type>',
            default=utils.env('OS_AUTH_TYPE'),
            help=_('As the openstack command\'s: "none" reaches the Heat '
                   'API at --os-endpoint without Keystone (heatclient\'s '
                   '--os-no-client-auth --heat-url). Defaults to '
                   'env[OS_AUTH_TYPE].'))
        parser.add_argument(
            '--os-endpoint', metavar='<url>',
            default=utils.env('OS_ENDPOINT'),
            help=_('The Heat API endpoint, with its project '
                   '(http://HOST:8004/v1/PROJECT), for --os-auth-type none. '
                   'Defaults to env[OS_ENDPOINT].'))
        return parser

    def main(self, argv):
        return super().main(self._no_auth_argv(argv))

    def _no_auth_argv(self, argv):
        """argv in heatclient's words when it asks for no Keystone.

        The options heatclient reads later on the line still win: an own
        --heat-url or --os-auth-token overrides what this puts first.
        """
        if not argv:
            return argv
        options, _rest = self.get_base_parser().parse_known_args(argv)
        if (options.os_auth_type or '').lower() != NO_AUTH:
            return argv
        endpoint = options.os_endpoint or options.heat_url
        if not endpoint:
            raise exc.CommandError(_(
                '--os-auth-type none needs the Heat API endpoint via either '
                '--os-endpoint or env[OS_ENDPOINT]'))
        return ['--os-no-client-auth', '--heat-url', endpoint,
                '--os-auth-token', options.os_auth_token or NO_AUTH_TOKEN
                ] + list(argv)

    def get_subcommand_parser(self, version):
        parser = super().get_subcommand_parser(version)
        if str(version) in STORE_VERSIONS:
            self._add_store_commands(parser)
        return parser

    def _add_store_commands(self, parser):
        # NOTE: HeatShell keeps the subparsers it fills to itself, and
        # names its loader _find_actions. Should a heatclient release
        # change either, the stock commands must keep working and the
        # store's absence must not go unnoticed: say so on stderr.
        try:
            subparsers = [action for action in parser._actions
                          if isinstance(action, argparse._SubParsersAction)]
            self._find_actions(subparsers[0], store_shell)
        except (AttributeError, IndexError, TypeError) as error:
            print(_('WARNING: heat-store could not add the template-store-* '
                    'commands to this python-heatclient\'s shell: %s') %
                  error, file=sys.stderr)


def main(args=None):
    """The ``heat`` console script: heatclient's ``main`` with our shell.

    A store command's failure is printed as its one ``ERROR:`` line; any
    other failure as heatclient's own ``heat`` prints it, but as text:
    heatclient prints ``safe_encode(str(error))``, which on Python 3 shows
    the bytes' repr (``b'You must provide a username ...'``).
    """
    if args is None:
        args = sys.argv[1:]
    debug = '--debug' in args or '-d' in args
    try:
        HeatStoreShell().main(args)
    except KeyboardInterrupt:
        print(_('... terminating heat client'), file=sys.stderr)
        sys.exit(130)
    except store_shell.StoreCommandError as error:
        if debug:
            raise
        print(str(error), file=sys.stderr)
        sys.exit(1)
    except Exception as error:
        # Broad on purpose, as heatclient's own main(): whatever went
        # wrong is one line for the user, the traceback with --debug.
        if debug:
            raise
        LOG.debug('heat failed', exc_info=True)
        print(str(error), file=sys.stderr)
        sys.exit(1)


if __name__ == '__main__':
    main()
