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

"""The store's routes, beside Heat's own under ``/{tenant_id}``.

Like Heat's own ``connect()`` (local to ``heat.api.openstack.v1.API``),
every path answers 405 for methods it lacks and OPTIONS with the methods
it has; unlike Heat's, the 405 keeps its ``Allow`` header.
"""

from heat_store.api import faults
from heat_store.api import members
from heat_store.api import stored_templates
from heat_store.api import versions

ALL_METHODS = ('HEAD', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE')

_TEMPLATES = '/{tenant_id}/stored_templates'
_TEMPLATE = _TEMPLATES + '/{template}'
_VERSIONS = _TEMPLATE + '/versions'
_VERSION = _VERSIONS + '/{version}'

# (controller factory, path, {method: action})
ROUTES = (
    (stored_templates.create_resource, _TEMPLATES,
     {'GET': 'index', 'POST': 'create'}),
    (stored_templates.create_resource, _TEMPLATE,
     {'GET': 'show', 'PATCH': 'update', 'DELETE': 'delete'}),
    (versions.create_resource, _VERSIONS,
     {'GET': 'index', 'POST': 'create'}),
    (versions.create_resource, _TEMPLATE + '/resolve', {'GET': 'resolve'}),
    (versions.create_resource, _VERSION,
     {'GET': 'show', 'PATCH': 'update', 'DELETE': 'delete'}),
    (versions.create_resource, _VERSION + '/template',
     {'GET': 'template'}),
    (versions.create_resource, _VERSION + '/stacks', {'GET': 'stacks'}),
    (versions.create_resource, _VERSION + '/dependents',
     {'GET': 'dependents'}),
    (versions.create_resource, _VERSION + '/impact', {'GET': 'impact'}),
    (members.create_resource, _TEMPLATE + '/members',
     {'GET': 'index', 'POST': 'create'}),
    (members.create_resource, _TEMPLATE + '/members/{project_id}',
     {'PUT': 'update', 'DELETE': 'delete'}),
)


def connect_routes(mapper, conf):
    controllers = {}
    for factory, path, actions in ROUTES:
        if factory not in controllers:
            controllers[factory] = factory(conf)
        controller = controllers[factory]
        for method, action in actions.items():
            mapper.connect(path, controller=controller, action=action,
                           conditions={'method': [method]})
        allowed = ','.join(actions)
        mapper.connect(path, controller=faults.MethodNotAllowed(allowed),
                       conditions={'method': [m for m in ALL_METHODS
                                              if m not in actions]})
        mapper.connect(path, controller=faults.Options(allowed),
                       conditions={'method': ['OPTIONS']})
