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

"""Members: the projects a ``shared`` stored template is shared with."""

import webob.exc

from heat.api.openstack.v1 import util as heat_util

from heat_store.api.schemas import stored_template as schema
from heat_store.api import util
from heat_store.objects import member as member_obj
from heat_store import policies
from heat_store.policies import stored_templates as policy


def serialize_member(req, template, member):
    return {
        'project_id': member.project_id,
        'template_id': member.template_id,
        'creation_time': util.isotime(member.created_at),
        'links': [{'href': '%s/%s/members/%s' % (
            util.base_url(req), member.template_id, member.project_id),
            'rel': 'self'}],
    }


class MemberController(object):
    """Projects a stored template is shared with; only its owner sees."""

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
        member = member_obj.StoredTemplateMember.create(
            req.context, template, body['project_id'])
        return {'member': serialize_member(req, template, member)}

    @heat_util.registered_policy_enforce
    def delete(self, req, template, project_id):
        member_obj.StoredTemplateMember.delete(req.context, template,
                                               project_id)
        raise webob.exc.HTTPNoContent()


def create_resource(options):
    return util.create_resource(MemberController(options))
