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

"""Stored templates: ``/stored_templates[/{template}]``."""

from heatclient.common import base
from heatclient.common import utils

from heat_store.client import common


class StoredTemplate(base.Resource):
    def __repr__(self):
        return "<StoredTemplate %s>" % self._info

    def update(self, **kwargs):
        return self.manager.update(self.id, **kwargs)

    def delete(self):
        return self.manager.delete(self.id)


class StoredTemplateManager(base.BaseManager):
    resource_class = StoredTemplate

    def list(self, **kwargs):
        """Get the stored templates the caller may see.

        :param kwargs: the API's filters (``name``, ``tags``, ``tags_any``,
            ``not_tags``, ``not_tags_any``, ``visibility``; lists or comma
            strings), ``sort_keys``, ``sort_dir``, ``limit``, ``marker``
            and ``global_tenant``; or ``member_status`` (``pending``,
            ``accepted``, ``rejected`` or ``all``) for the templates other
            projects offered to the caller's. Empty values are left out.
        :rtype: list of :class:`StoredTemplate`
        """
        url = common.COLLECTION + common.query_string(kwargs)
        return self._list(url, 'stored_templates')

    def get(self, template):
        """Get one stored template.

        :param template: name or ID of the stored template
        :rtype: :class:`StoredTemplate`
        """
        resp = self.client.get(common.template_path(template))
        body = utils.get_response_body(resp)
        return StoredTemplate(self, body['stored_template'], loaded=True)

    def create(self, **kwargs):
        """Create a stored template, with a first version if one is given.

        :param kwargs: ``name`` (required), ``description``, ``tags``,
            ``visibility`` and ``version``, a dict as for
            :meth:`VersionManager.create`.
        :rtype: :class:`StoredTemplate`
        """
        resp = self.client.post(common.COLLECTION,
                                data=common.drop_unset(kwargs))
        body = utils.get_response_body(resp)
        return StoredTemplate(self, body['stored_template'], loaded=True)

    def update(self, template, **kwargs):
        """Change a stored template.

        :param kwargs: ``description``, ``tags``, ``visibility``

        :rtype: :class:`StoredTemplate`
        """
        resp = self.client.patch(common.template_path(template),
                                 data=common.drop_unset(kwargs))
        body = utils.get_response_body(resp)
        return StoredTemplate(self, body['stored_template'], loaded=True)

    def delete(self, template):
        """Delete a stored template and all its versions."""
        self._delete(common.template_path(template))
