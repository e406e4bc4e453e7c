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

"""The managers send the right requests: exact URLs on a mock client."""

from unittest import mock


from heat_store.client import client as store_client
from tests import base

TEMPLATE = {'id': 'abc', 'name': 'web', 'latest_version': '1.0.0'}
VERSION = {'id': 'v1', 'template_id': 'abc', 'template_name': 'web',
           'version': '1.2.0', 'status': 'active'}


def response(body):
    resp = mock.Mock(headers={'content-type': 'application/json'})
    resp.json.return_value = body
    return resp


class ManagerTestCase(base.BaseTestCase):
    def setUp(self):
        super().setUp()
        self.http = mock.MagicMock()
        self.store = store_client.Client(self.http)

    def answer(self, method, body):
        getattr(self.http, method).return_value = response(body)


class StoredTemplateManagerTest(ManagerTestCase):
    def test_list_without_filters(self):
        self.answer('get', {'stored_templates': [TEMPLATE]})
        templates = self.store.stored_templates.list()
        self.http.get.assert_called_once_with('/stored_templates')
        self.assertEqual(['web'], [t.name for t in templates])

    def test_list_query_is_sorted_and_drops_empty_values(self):
        self.answer('get', {'stored_templates': []})
        self.store.stored_templates.list(
            tags=['web', 'db'], not_tags_any=None, name='', limit=5,
            marker='abc', sort_keys=['name', 'creation_time'],
            sort_dir='desc', global_tenant=True)
        self.http.get.assert_called_once_with(
            '/stored_templates?global_tenant=true&limit=5&marker=abc&'
            'sort_dir=desc&sort_keys=name%2Ccreation_time&tags=web%2Cdb')

    def test_get(self):
        self.answer('get', {'stored_template': TEMPLATE})
        template = self.store.stored_templates.get('web')
        self.http.get.assert_called_once_with('/stored_templates/web')
        self.assertEqual('abc', template.id)

    def test_get_quotes_the_name(self):
        self.answer('get', {'stored_template': TEMPLATE})
        self.store.stored_templates.get('a/b c')
        self.http.get.assert_called_once_with('/stored_templates/a%2Fb%20c')

    def test_create_posts_a_dict_without_unset_fields(self):
        self.answer('post', {'stored_template': TEMPLATE})
        self.store.stored_templates.create(
            name='web', description=None, tags=['a'],
            version={'version': '1.0.0', 'template': {}})
        self.http.post.assert_called_once_with(
            '/stored_templates',
            data={'name': 'web', 'tags': ['a'],
                  'version': {'version': '1.0.0', 'template': {}}})

    def test_update_patches(self):
        self.answer('patch', {'stored_template': TEMPLATE})
        self.store.stored_templates.update('web', visibility='shared',
                                           tags=None)
        self.http.patch.assert_called_once_with(
            '/stored_templates/web', data={'visibility': 'shared'})

    def test_delete(self):
        self.store.stored_templates.delete('web')
        self.http.delete.assert_called_once_with('/stored_templates/web')

    def test_resource_update_goes_through_the_manager(self):
        self.answer('get', {'stored_template': TEMPLATE})
        self.answer('patch', {'stored_template': TEMPLATE})
        self.store.stored_templates.get('web').update(description='x')
        self.http.patch.assert_called_once_with(
            '/stored_templates/abc', data={'description': 'x'})


class VersionManagerTest(ManagerTestCase):
    def test_list_with_filters(self):
        self.answer('get', {'stored_template_versions': [VERSION]})
        versions = self.store.versions.list('web', constraint='^1.2',
                                            status=None)
        self.http.get.assert_called_once_with(
            '/stored_templates/web/versions?constraint=%5E1.2')
        self.assertEqual(['1.2.0'], [v.version for v in versions])

    def test_get(self):
        self.answer('get', {'stored_template_version': VERSION})
        self.store.versions.get('web', '1.2.0-rc.1')
        self.http.get.assert_called_once_with(
            '/stored_templates/web/versions/1.2.0-rc.1')

    def test_create_takes_the_template_body_as_a_field(self):
        self.answer('post', {'stored_template_version': VERSION})
        version = self.store.versions.create(
            'web', template={'heat_template_version': '2018-08-31'},
            files={'a.sh': 'echo'}, version=None, force=True)
        self.http.post.assert_called_once_with(
            '/stored_templates/web/versions',
            data={'template': {'heat_template_version': '2018-08-31'},
                  'files': {'a.sh': 'echo'}, 'force': True})
        self.assertEqual('1.2.0', version.version)

    def test_update(self):
        self.answer('patch', {'stored_template_version': VERSION})
        self.store.versions.update('web', '1.2.0', status='deprecated',
                                   description=None)
        self.http.patch.assert_called_once_with(
            '/stored_templates/web/versions/1.2.0',
            data={'status': 'deprecated'})

    def test_delete(self):
        self.store.versions.delete('web', '1.2.0')
        self.http.delete.assert_called_once_with(
            '/stored_templates/web/versions/1.2.0')

    def test_template(self):
        self.answer('get', {'heat_template_version': '2018-08-31'})
        body = self.store.versions.template('web', 'latest')
        self.http.get.assert_called_once_with(
            '/stored_templates/web/versions/latest/template')
        self.assertEqual({'heat_template_version': '2018-08-31'}, body)

    def test_consumers(self):
        self.answer('get', {'stacks': [{'id': 's1'}]})
        stacks = self.store.versions.consumers('web', '1.2.0')
        self.http.get.assert_called_once_with(
            '/stored_templates/web/versions/1.2.0/stacks')
        self.assertEqual([{'id': 's1'}], stacks)

    def test_impact(self):
        self.answer('get', {'impact': [{'stack_id': 's1'}],
                            'other_consumers': 3})
        found = self.store.versions.impact('web', '1.2.0')
        self.http.get.assert_called_once_with(
            '/stored_templates/web/versions/1.2.0/impact')
        self.assertEqual(([{'stack_id': 's1'}], 3), found)

    def test_dry_run(self):
        self.answer('post', {'stored_template_version': {'id': None,
                                                         'version': '1.1.0'},
                             'impact': [{'stack_id': 's1'}],
                             'other_consumers': 2})
        version, entries, others = self.store.versions.dry_run(
            'web', impact=True, version='1.1.0', template={'a': 1},
            description=None)
        self.http.post.assert_called_once_with(
            '/stored_templates/web/versions',
            data={'version': '1.1.0', 'template': {'a': 1},
                  'dry_run': True, 'impact': True})
        self.assertEqual(('1.1.0', None, [{'stack_id': 's1'}], 2),
                         (version.version, version.id, entries, others))

    def test_dry_run_without_impact(self):
        self.answer('post', {'stored_template_version': {'id': None,
                                                         'version': '1.0.1'}})
        version, entries, others = self.store.versions.dry_run(
            'web', template={'a': 1})
        self.http.post.assert_called_once_with(
            '/stored_templates/web/versions',
            data={'template': {'a': 1}, 'dry_run': True})
        self.assertEqual(('1.0.1', None, None), (version.version, entries,
                                                 others))

    def test_resolve_encodes_the_constraint(self):
        self.answer('get', {'stored_template_version': VERSION})
        self.store.versions.resolve('web', '>=1.0.0 <2.0.0 || 3.x')
        self.http.get.assert_called_once_with(
            '/stored_templates/web/resolve?version=%3E%3D1.0.0+%3C2.0.0+'
            '%7C%7C+3.x')

    def test_resolve_without_constraint_leaves_it_to_the_server(self):
        self.answer('get', {'stored_template_version': VERSION})
        self.store.versions.resolve('web')
        self.http.get.assert_called_once_with('/stored_templates/web/resolve')

    def test_find_exact_version_gets_it(self):
        self.answer('get', {'stored_template_version': VERSION})
        self.store.versions.find('web', '1.2.0')
        self.http.get.assert_called_once_with(
            '/stored_templates/web/versions/1.2.0')

    def test_find_defaults_to_latest(self):
        self.answer('get', {'stored_template_version': VERSION})
        self.store.versions.find('web')
        self.http.get.assert_called_once_with(
            '/stored_templates/web/versions/latest')

    def test_find_constraint_resolves_then_gets(self):
        self.answer('get', {'stored_template_version': VERSION})
        self.store.versions.find('web', '~1.2')
        self.assertEqual(
            [mock.call('/stored_templates/web/resolve?version=~1.2'),
             mock.call('/stored_templates/web/versions/1.2.0')],
            self.http.get.call_args_list)


class MemberManagerTest(ManagerTestCase):
    def test_list(self):
        self.answer('get', {'members': [{'project_id': 'p2'}]})
        members = self.store.members.list('web')
        self.http.get.assert_called_once_with('/stored_templates/web/members')
        self.assertEqual(['p2'], [m.project_id for m in members])

    def test_create(self):
        self.answer('post', {'member': {'project_id': 'p2'}})
        self.store.members.create('web', 'p2')
        self.http.post.assert_called_once_with(
            '/stored_templates/web/members', data={'project_id': 'p2'})

    def test_update_puts_the_status(self):
        self.answer('put', {'member': {'project_id': 'p2',
                                       'status': 'accepted'}})
        member = self.store.members.update('abc', 'p2', 'accepted')
        self.http.put.assert_called_once_with(
            '/stored_templates/abc/members/p2', data={'status': 'accepted'})
        self.assertEqual('accepted', member.status)

    def test_list_offers(self):
        self.answer('get', {'stored_templates': []})
        self.store.stored_templates.list(member_status='pending')
        self.http.get.assert_called_once_with(
            '/stored_templates?member_status=pending')

    def test_delete(self):
        self.store.members.delete('web', 'p2')
        self.http.delete.assert_called_once_with(
            '/stored_templates/web/members/p2')


class ClientTest(base.BaseTestCase):
    def test_builds_heatclient_http_client_when_none_given(self):
        store = store_client.Client(endpoint='http://heat:8004/v1/p',
                                    token='t')
        self.assertEqual('http://heat:8004/v1/p', store.http_client.endpoint)
        self.assertIs(store.http_client,
                      store.stored_templates.client)

    def test_from_heat_client_shares_its_connection(self):
        hc = mock.Mock()
        store = store_client.from_heat_client(hc)
        self.assertIs(hc.http_client, store.versions.client)
