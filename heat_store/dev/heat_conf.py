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

"""heat.conf for a Heat with the store on this machine, without Keystone.

The embedded Heat (``embedded.py``) and the production-like deployment
(``tools/deploy_production.py``) write one shape of configuration: Heat's
``noauth`` paste flavor with a token file whose catalog names this Heat,
the store's plugin directory, and this Heat's own URLs. Each adds what is
its own (messaging, logging, workers). Importing this module has no side
effects: it needs neither Heat nor oslo.service.
"""

import configparser
import json
import os
import sys

PROJECT = 'admin'
# The directory to name in heat.conf's ``plugin_dirs``: heat_store/plugin.
PLUGIN_DIR = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'plugin')


def heat_paste_ini():
    """The api-paste.ini that the openstack-heat wheel installs."""
    candidates = [os.path.join(sys.prefix, 'etc', 'heat', 'api-paste.ini'),
                  '/etc/heat/api-paste.ini']
    for path in candidates:
        if os.path.exists(path):
            return path
    raise RuntimeError('Heat api-paste.ini not found in %s' % candidates)


def write_token_response(path, host, port, cloudformation=False):
    """A Keystone v3 token body for ``[noauth] token_response``.

    Its catalog names this Heat, so that ``OS::Heat::Stack`` (and Heat's
    own clients) find the orchestration endpoint without Keystone; with
    ``cloudformation``, heat-cfn's too.
    """
    url = 'http://%s:%d/v1/%%(tenant_id)s' % (host, port)
    endpoints = [{'interface': i, 'region': 'RegionOne',
                  'region_id': 'RegionOne', 'url': url, 'id': i}
                 for i in ('public', 'internal', 'admin')]
    catalog = [{'type': 'orchestration', 'name': 'heat', 'id': 'heat',
                'endpoints': endpoints}]
    if cloudformation:
        catalog.append({
            'type': 'cloudformation', 'name': 'heat-cfn', 'id': 'heat-cfn',
            'endpoints': [dict(e, url='http://%s:%d/v1' % (host, port))
                          for e in endpoints]})
    token = {'token': {
        'methods': ['password'],
        'expires_at': '2099-01-01T00:00:00.000000Z',
        'issued_at': '2026-01-01T00:00:00.000000Z',
        'user': {'id': 'admin', 'name': 'admin',
                 'domain': {'id': 'default', 'name': 'Default'}},
        'project': {'id': PROJECT, 'name': PROJECT,
                    'domain': {'id': 'default', 'name': 'Default'}},
        'roles': [{'id': 'admin', 'name': 'admin'}],
        'catalog': catalog}}
    with open(path, 'w') as f:
        json.dump(token, f, indent=1)


def heat_conf(host, port, database, transport_url, key, paste_path,
              token_path, flavor='noauth', defaults=None, heat_api=None):
    """heat.conf as a RawConfigParser, for the caller to add to and write.

    ``defaults`` and ``heat_api`` add to (or override) the ``[DEFAULT]``
    and ``[heat_api]`` options written here.
    """
    conf = configparser.RawConfigParser()
    conf['DEFAULT'] = {
        'transport_url': transport_url,
        'auth_encryption_key': key,
        'deferred_auth_method': 'password',
        'plugin_dirs': PLUGIN_DIR,
        'num_engine_workers': '1',
        'heat_metadata_server_url': 'http://%s:%d' % (host, port),
        'heat_waitcondition_server_url':
            'http://%s:%d/v1/waitcondition' % (host, port),
    }
    conf['DEFAULT'].update(defaults or {})
    conf['database'] = {'connection': database}
    conf['paste_deploy'] = {'flavor': flavor, 'api_paste_config': paste_path}
    conf['noauth'] = {'token_response': token_path}
    # NOTE: noauth's context has the role admin only; the new defaults
    # want reader/member (Heat's own rules OR in their deprecated ones).
    conf['oslo_policy'] = {'enforce_new_defaults': 'False',
                           'enforce_scope': 'False'}
    conf['oslo_messaging_notifications'] = {'driver': 'noop'}
    conf['clients_heat'] = {'url': 'http://%s:%d/v1/%%(tenant_id)s' %
                            (host, port)}
    conf['heat_api'] = dict({'bind_host': host, 'bind_port': str(port)},
                            **(heat_api or {}))
    return conf
