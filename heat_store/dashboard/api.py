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

"""The panel's way to the store: heat_store's client over Horizon's session.

The store is reached exactly as heat-dashboard reaches Heat: with the
logged-in user's Keystone token and the ``orchestration`` endpoint of the
service catalog (heat-dashboard's ``api.heat.heatclient``, whose HTTP
client the store's managers share). Nothing here imports Heat.
"""

from django.utils.translation import gettext as _
from heat_dashboard import api as heat_api
from heatclient import exc as heat_exc
from horizon.utils import functions as horizon_utils
from keystoneauth1 import exceptions as ks_exc
from openstack_dashboard.api import keystone

from heat_store.client import client as store_client
from heat_store.client import errors

NotFound = heat_exc.HTTPNotFound
Conflict = heat_exc.HTTPConflict
BadRequest = heat_exc.HTTPBadRequest
Forbidden = heat_exc.HTTPForbidden
HTTPError = heat_exc.HTTPException


def client(request):
    """The store's client for the user of this request."""
    return store_client.from_heat_client(heat_api.heat.heatclient(request))


def message(error):
    """What the server said about a failed request, for the user."""
    return errors.server_message(error)


def _page(request, fetch, marker, reverse, sort_dir):
    """One page from ``fetch(limit, marker, sort_dir)``, and its ends.

    :param reverse: the page before ``marker`` rather than after it
    :param sort_dir: the order of the pages (``asc`` or ``desc``)
    :returns: ``(items, has_more, has_prev)``
    """
    page_size = horizon_utils.get_page_size(request)
    backward = {'asc': 'desc', 'desc': 'asc'}[sort_dir]
    items = fetch(page_size + 1, marker, backward if reverse else sort_dir)
    more = len(items) > page_size
    items = items[:page_size]
    if reverse:
        items.reverse()
        return items, True, more
    return items, more, marker is not None


def templates_page(request, marker=None, reverse=False, filters=None):
    """One page of stored templates by name, and whether more follow.

    :param reverse: the page before ``marker`` rather than after it
    :returns: ``(templates, has_more, has_prev)``
    """
    def fetch(limit, marker, sort_dir):
        kwargs = dict(filters or {})
        kwargs.update(sort_keys='name', sort_dir=sort_dir, limit=limit,
                      marker=marker)
        return client(request).stored_templates.list(**kwargs)

    return _page(request, fetch, marker, reverse, 'asc')


def versions_page(request, template, marker=None, reverse=False):
    """One page of a template's versions, newest first, as the list.

    :returns: ``(versions, has_more, has_prev)``
    """
    def fetch(limit, marker, sort_dir):
        return client(request).versions.list(
            template, limit=limit, marker=marker, sort_dir=sort_dir)

    return _page(request, fetch, marker, reverse, 'desc')


def template_get(request, template):
    return client(request).stored_templates.get(template)


def template_create(request, **fields):
    return client(request).stored_templates.create(**fields)


def template_update(request, template, **fields):
    return client(request).stored_templates.update(template, **fields)


def template_delete(request, template):
    client(request).stored_templates.delete(template)


def version_get(request, template, version):
    return client(request).versions.get(template, version)


def version_find(request, template, version=None):
    """A version with its bundle, by exact version or constraint."""
    return client(request).versions.find(template, version)


def version_resolve(request, template, constraint=None):
    return client(request).versions.resolve(template, constraint)


def version_create(request, template_id, **fields):
    return client(request).versions.create(template_id, **fields)


def version_update(request, template, version, **fields):
    return client(request).versions.update(template, version, **fields)


def version_delete(request, template, version):
    client(request).versions.delete(template, version)


def version_consumers(request, template, version):
    return client(request).versions.consumers(template, version)


def version_dependents(request, template, version):
    return client(request).versions.dependents(template, version)


def version_impact(request, template, version):
    return client(request).versions.impact(template, version)


# Members: sharing by consent

def members_list(request, template):
    return client(request).members.list(template)


def member_create(request, template, project_id):
    return client(request).members.create(template, project_id)


def member_delete(request, template, project_id):
    client(request).members.delete(template, project_id)


def member_answer(request, template_id, status):
    """The user's project answers an offer (accepted or rejected)."""
    return client(request).members.update(
        template_id, request.user.project_id, status)


class ProjectLookupError(Exception):
    """Keystone could not name a project (the message says why)."""


def project_id_by_name(request, name):
    """The ID of the project named ``name``, asked of Keystone.

    With the user's own token: Keystone's ``identity:list_projects``
    policy decides whether the user may look projects up (by default,
    admins and domain readers).
    """
    try:
        found = keystone.tenant_list(request, filters={'name': name})[0]
    except ks_exc.Forbidden:
        raise ProjectLookupError(
            _('Keystone does not let you look up projects by name.'))
    except ks_exc.ClientException as error:
        raise ProjectLookupError(str(error))
    if len(found) != 1:
        raise ProjectLookupError(
            _('No project is named %s.') % name if not found else
            _('Several projects are named %s.') % name)
    return found[0].id


def project_names(request, project_ids):
    """``{id: name}`` of the projects Keystone lets the user see."""
    names = {}
    for project_id in project_ids:
        try:
            names[project_id] = keystone.tenant_get(request,
                                                    project_id).name
        except ks_exc.ClientException:
            continue
    return names
