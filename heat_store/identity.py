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

"""What the store asks Keystone: does a project exist.

A member project must exist where Keystone is configured. A user's own
token cannot tell (Keystone's ``identity:get_project`` lets a project
user see only its own project, and answers 403 for any other, existing
or not), so heat-api asks with the service credentials it already
authenticates tokens with (``[keystone_authtoken]``); Keystone's default
policy lets that user (``admin`` in the service project) show any project.
Without them (the ``noauth`` flavor) there is no Keystone to ask, and
nothing is checked.
"""

import threading
from urllib import parse

from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import loading as ks_loading
from keystoneauth1 import session as ks_session
from oslo_config import cfg
from oslo_log import log as logging

from heat.common import config as heat_config
from heat.common.i18n import _

from heat_store import exception

LOG = logging.getLogger(__name__)

GROUP = 'keystone_authtoken'

_lock = threading.Lock()
_session = []


def _service_session():
    """A session with heat-api's service credentials, or None."""
    with _lock:
        if not _session:
            # NOTE: keystonemiddleware registers these in heat-api when it
            # loads; registering them again is a no-op.
            ks_loading.register_auth_conf_options(cfg.CONF, GROUP)
            auth = ks_loading.load_auth_from_conf_options(cfg.CONF, GROUP)
            _session.append(None if auth is None else ks_session.Session(
                auth=auth, **heat_config.get_ssl_options('keystone')))
        return _session[0]


def _refused(project_id, exists_unknown=False):
    if exists_unknown:
        reason = _('Keystone could not tell whether project %s exists.')
    else:
        reason = _('Project %s does not exist in Keystone.')
    return exception.InvalidRequest(reason=reason % project_id)


def check_project(project_id):
    """400 unless Keystone knows the project (when there is a Keystone)."""
    session = _service_session()
    if session is None:
        return
    if project_id in ('.', '..'):
        # A path segment of its own: never a project.
        raise _refused(project_id)
    endpoint = {'service_type': 'identity', 'version': (3, 0),
                'interface': heat_config.get_client_option(
                    'keystone', 'endpoint_type') or 'public'}
    try:
        answer = session.get('/projects/%s' % parse.quote(project_id,
                                                          safe=''),
                             endpoint_filter=endpoint, raise_exc=False)
    except ks_exc.ClientException as exc:
        LOG.warning('Keystone could not be asked about project %s: %s',
                    project_id, exc)
        raise _refused(project_id, exists_unknown=True)
    if answer.status_code == 200:
        return
    if answer.status_code != 404:
        LOG.warning('Keystone answered %s when asked about project %s',
                    answer.status_code, project_id)
        raise _refused(project_id, exists_unknown=True)
    raise _refused(project_id)
