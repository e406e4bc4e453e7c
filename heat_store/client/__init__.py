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

"""A Python client for the template store, in python-heatclient's style.

Managers work over heatclient's own HTTP client (``SessionClient`` or
``HTTPClient``), so the store is reached with the same endpoint, session,
authentication and error handling as Heat itself::

    from heatclient import client as heat_client
    from heat_store.client import client as store_client

    hc = heat_client.Client('1', session=session)
    store = store_client.Client(hc.http_client)
    for template in store.stored_templates.list(tags='web'):
        print(template.name, template.latest_version)

Both command sets (``openstack orchestration template store ...`` and
``heat template-store-*``) use these managers; neither sends a request of
its own.
"""
