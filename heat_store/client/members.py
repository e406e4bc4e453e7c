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

"""Members: ``/stored_templates/{template}/members[/{project_id}]``.

Sharing is by consent: the owner adds (a ``pending`` member) and removes
projects; a member project answers with its own status, ``accepted`` or
``rejected``, addressing the template by id (it cannot see its name).
"""

from heatclient.common import base
from heatclient.common import utils

from heat_store.client import common


class Member(base.Resource):
    def __repr__(self):
        return "<Member %s>" % self._info


class MemberManager(base.BaseManager):
    resource_class = Member

    def list(self, template):
        """The projects a ``shared`` stored template is shared with.

        :rtype: list of :class:`Member`
        """
        return self._list(common.template_path(template, 'members'),
                          'members')

    def create(self, template, project_id):
        """Share a stored template with a project.

        :rtype: :class:`Member`
        """
        resp = self.client.post(common.template_path(template, 'members'),
                                data={'project_id': project_id})
        body = utils.get_response_body(resp)
        return Member(self, body['member'], loaded=True)

    def delete(self, template, project_id):
        """Stop sharing a stored template with a project."""
        self._delete(common.template_path(template, 'members', project_id))

    def update(self, template_id, project_id, status):
        """The member project's answer to an offer: its own status.

        :param template_id: ID of the stored template offered
        :param project_id: the caller's own project
        :param status: ``accepted``, ``rejected`` or ``pending``
        :rtype: :class:`Member`
        """
        resp = self.client.put(
            common.template_path(template_id, 'members', project_id),
            data={'status': status})
        body = utils.get_response_body(resp)
        return Member(self, body['member'], loaded=True)
