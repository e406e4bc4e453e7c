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

"""The store's policies, registered beside Heat's own.

Heat's enforcer registers only Heat's rules, so heat-api (the router) and
heat-engine (the resource plugin) both call :func:`register` on start.
"""

from oslo_config import cfg

from heat_store.policies import stored_templates


def list_rules():
    """Entry point of ``oslo.policy.policies``."""
    return stored_templates.list_rules()


def register(enforcer=None):
    """Register the store's defaults with Heat's enforcer, once."""
    from heat.common import policy as heat_policy

    enforcer = enforcer or heat_policy.get_enforcer()
    registered = enforcer.enforcer.registered_rules
    rules = [r for r in list_rules() if r.name not in registered]
    if rules:
        enforcer.enforcer.register_defaults(rules)


def get_enforcer():
    """Entry point of ``oslo.policy.enforcer`` for oslopolicy-checker."""
    from heat.common import policy as heat_policy

    cfg.CONF([], project='heat')
    enforcer = heat_policy.get_enforcer()
    register(enforcer)
    return enforcer.enforcer
