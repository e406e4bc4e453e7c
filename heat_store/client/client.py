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

"""The store's client: every manager hung off one heatclient HTTP client."""

from heatclient import client as heat_client

from heat_store.client import members
from heat_store.client import stored_templates
from heat_store.client import versions


class Client(object):
    """Client for the template store under Heat's v1 API.

    :param http_client: heatclient's ``SessionClient`` or ``HTTPClient``,
        e.g. ``heatclient.v1.client.Client(...).http_client`` or, in an
        OSC command, ``client_manager.orchestration.http_client``.
    :param kwargs: with no ``http_client``, the arguments of
        ``heatclient.client.Client('1', ...)`` (``session``, ``endpoint``,
        ``token``...), which builds one.
    """

    def __init__(self, http_client=None, **kwargs):
        if http_client is None:
            http_client = heat_client.Client('1', **kwargs).http_client
        self.http_client = http_client
        self.stored_templates = stored_templates.StoredTemplateManager(
            http_client)
        self.versions = versions.VersionManager(http_client)
        self.members = members.MemberManager(http_client)


def from_heat_client(hc):
    """The store's client sharing a heatclient ``Client``'s connection."""
    return Client(hc.http_client)
