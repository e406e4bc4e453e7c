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

"""Members: the projects a ``shared`` stored template is offered to.

Sharing is by consent, as Glance's image members: the owner adds a
project (a ``pending`` member) and removes it; only the member project
answers, setting its own status to ``accepted`` or ``rejected`` (or back
to ``pending``). Only an accepted member sees the template.
"""

import webob.exc

from heat.api.openstack.v1 import util as heat_util
from heat.common.i18n import _

from heat_store.api.schemas import stored_template as schema
from heat_store.api import util
from heat_store import exception
from heat_store import identity
from heat_store.objects import member as member_obj
from heat_store.objects import stored_template as template_obj
from heat_store import policies
from heat_store.policies import stored_templates as policy


def serialize_member(req, template, member):
    return {
        'project_id': member.project_id,
        'template_id': member.template_id,
        'status': member.status,
        'creation_time': util.isotime(member.created_at),
        'updated_time': util.isotime(member.updated_at),
        'links': [{'href': '%s/%s/members/%s' % (
            util.base_url(req), member.template_id, member.project_id),
            'rel': 'self'}],
    }


class MemberController(object):
    """Projects a stored template is offered to.

    The owner lists, adds and removes them; a member project sets its
    own status, and nothing else.
    """

    REQUEST_SCOPE = policy.MEMBERS

    def __init__(self, options):
        self.options = options
        policies.register()

    @heat_util.registered_policy_enforce
    def index(self, req, template):
        members = member_obj.StoredTemplateMember.get_all(req.context,
                                                          template)
        return {'members': [serialize_member(req, template, m)
                            for m in members]}

    @heat_util.registered_policy_enforce
    def create(self, req, template, body=None):
        body = util.require_body(req, body, schema.POST_MEMBER)
        project_id = body['project_id']
        # Whether the caller may share it at all (404, 403) comes first.
        template_obj.StoredTemplate.get_owned(req.context, template,
                                              with_tags=False)
        if project_id == req.context.project_id:
            raise exception.InvalidRequest(
                reason=_('A project cannot be a member of its own stored '
                         'template.'))
        identity.check_project(project_id)
        member = member_obj.StoredTemplateMember.create(
            req.context, template, project_id)
        return {'member': serialize_member(req, template, member)}

    @heat_util.registered_policy_enforce
    def update(self, req, template, project_id, body=None):
        """The member project answers: its own status, by template id."""
        body = util.require_body(req, body, schema.PUT_MEMBER)
        if project_id != req.context.project_id:
            # NOTE: the owner does not consent for its members, nor does a
            # project for another.
            raise webob.exc.HTTPForbidden(
                _('Only the member project sets its own status.'))
        member = member_obj.StoredTemplateMember.update(
            req.context, template, body['status'])
        return {'member': serialize_member(req, template, member)}

    @heat_util.registered_policy_enforce
    def delete(self, req, template, project_id):
        member_obj.StoredTemplateMember.delete(req.context, template,
                                               project_id)
        raise webob.exc.HTTPNoContent()


def create_resource(options):
    return util.create_resource(MemberController(options))
