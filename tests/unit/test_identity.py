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

"""Whether a member project exists: Keystone's answer, or none asked."""

from unittest import mock

import fixtures
from keystoneauth1 import exceptions as ks_exc

from heat_store import exception
from heat_store import identity
from tests import base


class CheckProjectTest(base.BaseTestCase):
    def session(self, status=None, error=None):
        session = mock.Mock()
        if error is not None:
            session.get.side_effect = error
        else:
            session.get.return_value = mock.Mock(status_code=status)
        self.useFixture(fixtures.MockPatchObject(
            identity, '_service_session', return_value=session))
        return session

    def test_without_keystone_nothing_is_asked(self):
        self.useFixture(fixtures.MockPatchObject(
            identity, '_service_session', return_value=None))
        self.assertIsNone(identity.check_project('anything'))

    def test_an_existing_project_passes(self):
        session = self.session(200)
        identity.check_project('p1')
        self.assertEqual('/projects/p1', session.get.call_args[0][0])

    def test_a_missing_project_is_400(self):
        self.session(404)
        error = self.assertRaises(exception.InvalidRequest,
                                  identity.check_project, 'p1')
        self.assertIn('does not exist', str(error))

    def test_a_path_is_never_a_project(self):
        session = self.session(200)
        for project_id in ('.', '..'):
            self.assertRaises(exception.InvalidRequest,
                              identity.check_project, project_id)
        identity.check_project('a?b#c')
        self.assertEqual('/projects/a%3Fb%23c', session.get.call_args[0][0])

    def test_keystone_refusing_or_down_is_400_not_500(self):
        for status, error in ((403, None), (500, None),
                              (None, ks_exc.ConnectFailure('down'))):
            self.session(status, error)
            raised = self.assertRaises(exception.InvalidRequest,
                                       identity.check_project, 'p1')
            self.assertIn('could not tell', str(raised))
