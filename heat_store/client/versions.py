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

"""Versions: ``/stored_templates/{template}/versions[/{version}]``."""

from heatclient.common import base
from heatclient.common import utils

from heat_store.client import common
from heat_store import version_text

LATEST = version_text.LATEST
FIRST_VERSION = version_text.FIRST_VERSION


def is_exact(version):
    """Whether ``version`` names one version rather than a range."""
    return version_text.names_one_version(version or '')


class StoredTemplateVersion(base.Resource):
    def __repr__(self):
        return "<StoredTemplateVersion %s>" % self._info

    def update(self, **kwargs):
        return self.manager.update(self.template_id, self.version, **kwargs)

    def delete(self):
        return self.manager.delete(self.template_id, self.version)


class VersionManager(base.BaseManager):
    resource_class = StoredTemplateVersion

    @staticmethod
    def _path(stored_template, *rest):
        return common.template_path(stored_template, 'versions', *rest)

    def _version(self, body):
        return StoredTemplateVersion(self, body['stored_template_version'],
                                     loaded=True)

    def list(self, stored_template, **kwargs):
        """Get the versions of a stored template, newest first.

        :param stored_template: name or ID of the stored template
        :param kwargs: filters ``constraint`` and ``status``; paging
            ``limit``, ``marker`` (the last version of the previous page)
            and ``sort_dir`` (``desc``, newest first, or ``asc``)
        :rtype: list of :class:`StoredTemplateVersion`
        """
        url = self._path(stored_template) + common.query_string(kwargs)
        return self._list(url, 'stored_template_versions')

    def get(self, stored_template, version):
        """Get one version, with its template, files and environment.

        :param version: an exact version, or ``latest``
        :rtype: :class:`StoredTemplateVersion`
        """
        resp = self.client.get(self._path(stored_template, version))
        return self._version(utils.get_response_body(resp))

    def create(self, stored_template, **kwargs):
        """Publish a version.

        :param stored_template: name or ID of the stored template
        :param kwargs: ``template`` (the root template, a map or text;
            required), ``files``, ``environment``, ``version`` (omitted:
            the next patch), ``description``, ``source``, ``strict``,
            ``force``.
        :rtype: :class:`StoredTemplateVersion`
        """
        resp = self.client.post(self._path(stored_template),
                                data=common.drop_unset(kwargs))
        return self._version(utils.get_response_body(resp))

    def dry_run(self, stored_template, impact=False, **kwargs):
        """Judge a version as a publish would, and write nothing.

        :param kwargs: as for :meth:`create`
        :param impact: also the impact report of the version, as
            :meth:`impact` gives it for a published one
        :rtype: tuple of the version as it would be published (a
            :class:`StoredTemplateVersion` with no ``id``), and with
            ``impact`` the list of impact entries and the count of other
            projects' stacks that would move (else None and None)
        """
        data = common.drop_unset(kwargs)
        data['dry_run'] = True
        if impact:
            data['impact'] = True
        resp = self.client.post(self._path(stored_template), data=data)
        body = utils.get_response_body(resp)
        return (self._version(body), body.get('impact'),
                body.get('other_consumers'))

    def update(self, stored_template, version, **kwargs):
        """Change a version's ``status`` or ``description``.

        :rtype: :class:`StoredTemplateVersion`
        """
        resp = self.client.patch(
            self._path(stored_template, version),
            data=common.drop_unset(kwargs))
        return self._version(utils.get_response_body(resp))

    def delete(self, stored_template, version):
        """Delete a version that no stack uses."""
        self._delete(self._path(stored_template, version))

    def template(self, stored_template, version):
        """The root template of a version alone, as a map.

        :rtype: dict
        """
        resp = self.client.get(self._path(stored_template, version,
                                          'template'))
        return utils.get_response_body(resp)

    def consumers(self, stored_template, version):
        """The caller's stacks built from a version.

        :rtype: list of dicts (``id``, ``stack_name``, ``resource_name``,
            ``nested_stack_id``, ``root_stack_id``, ``creation_time``)
        """
        resp = self.client.get(self._path(stored_template, version,
                                          'stacks'))
        return utils.get_response_body(resp)['stacks']

    def dependents(self, stored_template, version):
        """The versions whose bundles are locked to a version.

        :rtype: tuple of a list of dicts (``id``, ``template_id``,
            ``template_name``, ``version``, ``status``) the caller may see,
            and how many others there are
        """
        resp = self.client.get(self._path(stored_template, version,
                                          'dependents'))
        body = utils.get_response_body(resp)
        return body['dependents'], body['other_dependents']

    def impact(self, stored_template, version):
        """Heat's update preview of each stack that would move to a version.

        :rtype: tuple of a list of dicts, one per stack of the caller's
            project (``stack_id``, ``stack_name``, ``resource_name``,
            ``current_version``, ``constraint``, ``upgrade_policy``,
            ``moves_on_update``, ``added``, ``updated``, ``replaced``,
            ``deleted``, ``breaks``, ``error``), and how many stacks of
            other projects would move too
        """
        resp = self.client.get(self._path(stored_template, version,
                                          'impact'))
        body = utils.get_response_body(resp)
        return body['impact'], body['other_consumers']

    def resolve(self, stored_template, constraint=None):
        """The version a stack asking for ``constraint`` would get.

        :param constraint: an exact version or a node-semver range;
            omitted: the server's default, ``latest``
        :rtype: :class:`StoredTemplateVersion`
        """
        url = (common.template_path(stored_template, 'resolve') +
               common.query_string({'version': constraint}))
        resp = self.client.get(url)
        return self._version(utils.get_response_body(resp))

    def find(self, stored_template, version=None):
        """One version with its bundle, by exact version or constraint.

        An exact version (or ``latest``, the default) is fetched directly;
        a constraint is resolved first, as a stack would resolve it.

        :rtype: :class:`StoredTemplateVersion`
        """
        version = version or LATEST
        if not is_exact(version):
            version = self.resolve(stored_template, version).version
        return self.get(stored_template, version)
