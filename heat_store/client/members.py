"""Members: ``/stored_templates/{template}/members[/{project_id}]``."""

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
