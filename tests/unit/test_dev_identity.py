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

"""The files ``heat-store-dev --keystone`` writes, without a Keystone.

The running stack is tested in tests/functional/test_keystone.py.
"""

import configparser
import json
import os
import stat

import fixtures
import yaml

from heat_store.dev import embedded
from heat_store.dev import identity
from heat_store.dev import token_cache
from tests import base


class DevKeystoneFilesTest(base.BaseTestCase):

    def setUp(self):
        super().setUp()
        self.data_dir = self.useFixture(fixtures.TempDir()).path
        self.ks = identity.DevKeystone(self.data_dir, 'http://127.0.0.1:8004',
                                       port=5999)

    def mode(self, path):
        return stat.S_IMODE(os.stat(path).st_mode)

    def test_passwords_are_generated_once_and_private(self):
        first = self.ks.passwords
        self.assertEqual({'admin', 'demo', 'demo-reader', 'heat',
                          'heat_domain_admin'}, set(first))
        self.assertEqual(len(first), len(set(first.values())))
        self.assertEqual(0o600, self.mode(self.ks.passwords_path))
        again = identity.DevKeystone(self.data_dir, 'http://127.0.0.1:9',
                                     port=1).passwords
        self.assertEqual(first, again)

    def test_clouds_yaml(self):
        self.ks.write_clouds()
        self.assertEqual(0o600, self.mode(self.ks.clouds_path))
        with open(self.ks.clouds_path) as f:
            clouds = yaml.safe_load(f)['clouds']
        self.assertEqual({'heat-store-admin', 'heat-store-demo',
                          'heat-store-demo-reader'}, set(clouds))
        demo = clouds['heat-store-demo']['auth']
        self.assertEqual(('http://127.0.0.1:5999/v3', 'demo', 'demo',
                          self.ks.passwords['demo']),
                         (demo['auth_url'], demo['username'],
                          demo['project_name'], demo['password']))
        self.assertEqual('admin',
                         clouds['heat-store-admin']['auth']['project_name'])

    def test_heat_conf_behind_keystone(self):
        path = embedded.write_config(self.data_dir, port=8004,
                                     auth='keystone',
                                     keystone=self.ks.heat_options())
        self.assertEqual(0o600, self.mode(path))
        conf = configparser.RawConfigParser()
        conf.read(path)
        self.assertEqual('trusts', conf['DEFAULT']['deferred_auth_method'])
        self.assertEqual('heat', conf['DEFAULT']['stack_user_domain_name'])
        self.assertEqual(self.ks.passwords['heat_domain_admin'],
                         conf['DEFAULT']['stack_domain_admin_password'])
        # Heat's default pipeline (auth_token), not noauth's.
        self.assertNotIn('flavor', conf['paste_deploy'])
        self.assertFalse(conf.has_section('noauth'))
        self.assertEqual('True', conf['oslo_policy']['enforce_new_defaults'])
        for section in ('keystone_authtoken', 'trustee'):
            self.assertEqual(('heat', self.ks.passwords['heat'],
                              'http://127.0.0.1:5999'),
                             (conf[section]['username'],
                              conf[section]['password'],
                              conf[section]['auth_url']))

    def test_setup_runs_again_when_an_address_changes(self):
        self.assertFalse(self.ks.is_set_up())
        os.makedirs(self.ks.dir, exist_ok=True)
        with open(self.ks.stamp_path, 'w') as f:
            json.dump(self.ks._stamp(), f)
        self.assertTrue(self.ks.is_set_up())
        moved = identity.DevKeystone(self.data_dir, 'http://127.0.0.1:8005',
                                     port=5999)
        self.assertFalse(moved.is_set_up())

    def test_heat_api_token_cache_without_memcached(self):
        # No memcached started: auth_token takes the cache the paste
        # filter puts before it in Heat's pipeline.
        embedded.write_config(self.data_dir, port=8004, auth='keystone',
                              keystone=self.ks.heat_options())
        conf = configparser.RawConfigParser()
        conf.read(os.path.join(self.data_dir, 'heat.conf'))
        authtoken = conf['keystone_authtoken']
        self.assertEqual(token_cache.ENVIRON_KEY, authtoken['cache'])
        self.assertNotIn('memcached_servers', authtoken)
        paste = configparser.RawConfigParser()
        paste.read(os.path.join(self.data_dir, 'api-paste.ini'))
        pipeline = paste['composite:api']['default'].split()
        self.assertEqual(pipeline.index('authtoken') - 1,
                         pipeline.index(token_cache.FILTER))
        self.assertEqual('heat_store.dev.token_cache:filter_factory',
                         paste['filter:token_cache']['paste.filter_factory'])

    def test_heat_api_token_cache_in_memcached(self):
        memcached = token_cache.Memcached(self.ks.dir)
        memcached.port = 11999
        self.ks.memcached = memcached
        embedded.write_config(self.data_dir, port=8004, auth='keystone',
                              keystone=self.ks.heat_options())
        conf = configparser.RawConfigParser()
        conf.read(os.path.join(self.data_dir, 'heat.conf'))
        authtoken = conf['keystone_authtoken']
        self.assertEqual('127.0.0.1:11999', authtoken['memcached_servers'])
        self.assertEqual('True', authtoken['memcache_use_advanced_pool'])
        self.assertNotIn('cache', authtoken)
        paste = configparser.RawConfigParser()
        paste.read(os.path.join(self.data_dir, 'api-paste.ini'))
        self.assertNotIn(token_cache.FILTER,
                         paste['composite:api']['default'].split())


class TokenCacheTest(base.BaseTestCase):

    def setUp(self):
        super().setUp()
        self.clock = [1000.0]
        self.useFixture(fixtures.MockPatchObject(
            token_cache, '_now', lambda: self.clock[0]))

    def test_entries_expire_after_their_time(self):
        cache = token_cache.TokenCache()
        cache.set('tokens/a', {'token': 'a'}, time=300)
        self.assertEqual({'token': 'a'}, cache.get('tokens/a'))
        self.clock[0] += 299
        self.assertEqual({'token': 'a'}, cache.get('tokens/a'))
        self.clock[0] += 1
        self.assertIsNone(cache.get('tokens/a'))
        self.assertIsNone(cache.get('tokens/never-set'))

    def test_least_recently_used_entries_go_first(self):
        cache = token_cache.TokenCache(size=2)
        cache.set('a', 1)
        cache.set('b', 2)
        cache.get('a')
        cache.set('c', 3)
        self.assertEqual((1, None, 3),
                         (cache.get('a'), cache.get('b'), cache.get('c')))

    def test_filter_hands_one_cache_to_every_request(self):
        seen = []

        def app(environ, start_response):
            seen.append(environ[token_cache.ENVIRON_KEY])
            return [b'']

        middleware = token_cache.filter_factory({}, size='5')(app)
        middleware({}, None)
        middleware({}, None)
        self.assertIsInstance(seen[0], token_cache.TokenCache)
        self.assertIs(seen[0], seen[1])
