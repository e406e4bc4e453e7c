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

"""User and project names for the ids the store shows, where known.

The logged-in user's own user and project are named from the session.
Others are looked up in Keystone only for a user whom Keystone's policy
lets read them (an admin); otherwise, as Keystone's default policy
refuses a member, the id is shown. Lookups are kept for the request.
"""

import logging

from openstack_dashboard.api import keystone

LOG = logging.getLogger(__name__)


def _cache(request):
    if not hasattr(request, '_heat_store_names'):
        request._heat_store_names = {}
    return request._heat_store_names


def _lookup(request, kind, ident, get):
    if not ident:
        return None
    cache = _cache(request)
    key = (kind, ident)
    if key not in cache:
        name = ident
        if getattr(request.user, 'is_superuser', False):
            try:
                name = get(request, ident, admin=True).name
            except Exception:
                # Broad on purpose: whatever Keystone answers (refused,
                # gone, unreachable), the id is still a true answer.
                LOG.debug('No %s name for %s', kind, ident, exc_info=True)
        cache[key] = name
    return cache[key]


def user(request, user_id):
    """The name of user ``user_id``, or the id."""
    if user_id and user_id == request.user.id:
        return request.user.username
    return _lookup(request, 'user', user_id, keystone.user_get)


def project(request, project_id):
    """The name of project ``project_id``, or the id."""
    if project_id and project_id == request.user.project_id:
        return request.user.project_name
    return _lookup(request, 'project', project_id, keystone.tenant_get)


def published_by(request, version):
    """``user (project)`` of who published ``version``."""
    created_by = getattr(version, 'created_by', None) or {}
    who = user(request, created_by.get('user_id'))
    where = project(request, created_by.get('project_id'))
    if who and where:
        return '%s (%s)' % (who, where)
    return who or where or '-'
