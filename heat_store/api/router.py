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

"""Heat's v1 API router with the store's routes added.

Selected in api-paste.ini as ``[app:apiv1app] heat.app_factory =
heat_store.api.router:API``; every Heat route stays as it is.
"""

from heat.api.openstack import v1 as heat_v1

from heat_store.api import routes


class API(heat_v1.API):
    """WSGI router for Heat's v1 REST API and the template store."""

    def __init__(self, conf, **local_conf):
        super().__init__(conf, **local_conf)
        routes.connect_routes(self.map, conf)
