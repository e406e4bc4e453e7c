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

"""The store's policies cover every route and are published to oslo."""

from importlib import metadata


from heat_store.api import routes
from heat_store import conf
from heat_store import policies
from tests import base


def _entry_point(group):
    (ep,) = [ep for ep in metadata.entry_points(group=group)
             if ep.name == 'heat_store']
    return ep.load()


# Reads that drive the engine: a member's, as Heat's own update preview
# (PUT .../preview) is.
MEMBER_READS = ('stored_templates:versions:impact',)


class PolicyTest(base.BaseTestCase):

    def test_every_routed_action_has_a_registered_rule(self):
        names = {rule.name for rule in policies.list_rules()}
        missing = []
        for factory, path, actions in routes.ROUTES:
            controller = factory({}).controller
            for action in actions.values():
                name = '%s:%s' % (controller.REQUEST_SCOPE, action)
                if name not in names:
                    missing.append('%s %s' % (name, path))
        self.assertEqual([], missing)

    def test_rules_are_named_stored_templates(self):
        for rule in policies.list_rules():
            self.assertTrue(rule.name.startswith('stored_templates:'),
                            rule.name)

    def test_writes_need_a_member_and_reads_a_reader(self):
        for rule in policies.list_rules():
            method = rule.operations[0]['method']
            if rule.name.endswith((':publicize', ':global_index')):
                self.assertEqual('role:admin', rule.check_str)
            elif rule.name in MEMBER_READS:
                self.assertNotIn('role:reader', rule.check_str, rule.name)
                self.assertIn('role:member', rule.check_str, rule.name)
            elif method == 'GET':
                self.assertIn('role:reader', rule.check_str, rule.name)
            else:
                self.assertNotIn('role:reader', rule.check_str, rule.name)
                self.assertIn('role:member', rule.check_str, rule.name)

    def test_entry_points_for_oslo_generators(self):
        self.assertEqual(policies.list_rules(),
                         _entry_point('oslo.policy.policies')())
        opts = _entry_point('oslo.config.opts')()
        self.assertEqual([(conf.GROUP, conf.OPTS)], opts)

    def test_register_is_idempotent(self):
        from heat.common import policy as heat_policy

        enforcer = heat_policy.Enforcer()
        policies.register(enforcer)
        policies.register(enforcer)
        self.assertIn('stored_templates:index',
                      enforcer.enforcer.registered_rules)
