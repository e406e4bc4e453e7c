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

"""Stored templates: ``/v1/{tenant_id}/stored_templates[/{template}]``."""

import webob.exc

from heat.api.openstack.v1 import util as heat_util
from heat.common.i18n import _

from heat_store.api.schemas import common as common_schema
from heat_store.api.schemas import stored_template as schema
from heat_store.api import util
from heat_store import exception
from heat_store import names
from heat_store.objects import member as member_obj
from heat_store.objects import stored_template as template_obj
from heat_store import policies
from heat_store.policies import stored_templates as policy
from heat_store import publishing

FILTERS = ('name', 'tags', 'tags_any', 'not_tags', 'not_tags_any',
           'visibility')
LIST_PARAMS = FILTERS + ('member_status', 'sort_keys', 'sort_dir', 'limit',
                         'marker', 'global_tenant')
SORT_KEYS = ('name', 'creation_time', 'updated_time')
VISIBILITIES = tuple(common_schema.VISIBILITY['enum'])


def serialize_template(req, template):
    shown = {
        'id': template.id,
        'name': template.name,
        'description': template.description,
        'project_id': template.project_id,
        'visibility': template.visibility,
        'tags': template.tags,
        'latest_version': template.latest_version,
        'version_count': template.version_count,
        'creation_time': util.isotime(template.created_at),
        'updated_time': util.isotime(template.updated_at),
        'links': [{'href': util.template_url(req, template), 'rel': 'self'}],
    }
    if template.obj_attr_is_set('member_status') and template.member_status:
        # In a list: the caller's answer to another project's offer.
        shown['member_status'] = template.member_status
    return shown


class StoredTemplateController(object):
    """The catalog of a project's stored templates."""

    REQUEST_SCOPE = policy.ROOT

    def __init__(self, options):
        self.options = options
        policies.register()

    @heat_util.registered_policy_enforce
    def index(self, req):
        util.allowed_params(req, LIST_PARAMS)
        global_tenant = util.extract_bool(req, 'global_tenant')
        if global_tenant:
            util.enforce(req, policy.GLOBAL_INDEX)
        # NOTE: a repeated key adds nothing to the order but would add
        # terms to the keyset condition each time (a 500 past SQLite's
        # expression limit); it counts once.
        sort_keys = (list(dict.fromkeys(util.comma_list(req, 'sort_keys')))
                     or ['creation_time'])
        bad = [k for k in sort_keys if k not in SORT_KEYS]
        sort_dir = req.params.get('sort_dir', 'asc')
        if bad or sort_dir not in ('asc', 'desc'):
            raise exception.InvalidRequest(
                reason=_('sort_keys may be %(keys)s, and sort_dir asc or '
                         'desc') % {'keys': ', '.join(SORT_KEYS)})
        filters = {key: util.filter_list(req, key) for key in FILTERS}
        filters['member_status'] = _member_statuses(req)
        bad = set(filters['visibility']) - set(VISIBILITIES)
        if bad:
            raise exception.InvalidRequest(
                reason=_('visibility may be %(allowed)s, not %(bad)s') % {
                    'allowed': ', '.join(VISIBILITIES),
                    'bad': ', '.join(sorted(bad))})
        templates = template_obj.StoredTemplate.get_all(
            req.context, filters=filters, sort_keys=sort_keys,
            sort_dir=sort_dir, limit=util.extract_limit(req),
            marker=req.params.get('marker'), global_tenant=global_tenant)
        return {'stored_templates': [serialize_template(req, t)
                                     for t in templates]}

    @heat_util.registered_policy_enforce
    def create(self, req, body=None):
        body = util.require_body(req, body, schema.POST_TEMPLATE)
        names.check_name(body['name'])
        if body.get('visibility') == 'public':
            util.enforce(req, policy.PUBLICIZE)
        first_version = body.get('version')
        bundle = None
        if first_version is not None:
            # Judge the bundle before anything is written.
            bundle = publishing.prepare(req.context, first_version)
        template = publishing.create_template(
            req.context,
            {'name': body['name'],
             'description': body.get('description'),
             'visibility': body.get('visibility', 'private')},
            util.tag_list(body.get('tags')) or [], bundle)
        return {'stored_template': serialize_template(req, template)}

    @heat_util.registered_policy_enforce
    def show(self, req, template):
        found = template_obj.StoredTemplate.get(req.context, template)
        return {'stored_template': serialize_template(req, found)}

    @heat_util.registered_policy_enforce
    def update(self, req, template, body=None):
        body = util.require_body(req, body, schema.PATCH_TEMPLATE)
        if body.get('visibility') == 'public':
            util.enforce(req, policy.PUBLICIZE)
        values = {k: body[k] for k in ('description', 'visibility')
                  if k in body}
        updated = template_obj.StoredTemplate.update(
            req.context, template, values, util.tag_list(body.get('tags')))
        return {'stored_template': serialize_template(req, updated)}

    @heat_util.registered_policy_enforce
    def delete(self, req, template):
        template_obj.StoredTemplate.delete(req.context, template)
        raise webob.exc.HTTPNoContent()


def _member_statuses(req):
    """The member statuses ``?member_status=`` asks for, or None.

    Given, the list is of the templates other projects offered to the
    caller's, with that answer (``all``: any).
    """
    values = req.params.getall('member_status')
    if not values:
        return None
    if len(values) > 1:
        raise exception.InvalidRequest(
            reason=_('member_status may be given once.'))
    util.validate({'member_status': values[0]}, schema.LIST_QUERY,
                  what=_('Invalid query'))
    if values[0] == 'all':
        return list(member_obj.STATUSES)
    return values


def create_resource(options):
    return util.create_resource(StoredTemplateController(options))
