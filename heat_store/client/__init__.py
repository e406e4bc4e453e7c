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
