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
