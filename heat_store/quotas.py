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

"""Per-project quotas of the store (``[template_store]`` options)."""

from oslo_config import cfg

from heat.common.i18n import _

from heat_store import conf  # noqa: F401 - registers [template_store]
from heat_store import exception

CONF = cfg.CONF


def _check(limit, current, adding, message):
    if limit >= 0 and current + adding > limit:
        raise exception.QuotaExceeded(reason=message % {'limit': limit})


def check_template_count(context, current):
    _check(CONF.template_store.max_templates_per_project, current, 1,
           _('You have reached the maximum stored templates per project, '
             '%(limit)d. Please delete some stored templates.'))


def check_version_count(context, current):
    _check(CONF.template_store.max_versions_per_template, current, 1,
           _('You have reached the maximum versions per stored template, '
             '%(limit)d. Please delete some versions.'))


def check_bytes(context, current, adding):
    _check(CONF.template_store.max_bytes_per_project, current, adding,
           _('This version would take the project over its stored template '
             'size quota of %(limit)d bytes.'))
