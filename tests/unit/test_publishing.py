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

"""Tests of the publish flow's own decisions, without a database."""

import types

from oslo_config import cfg
from oslo_config import fixture as config_fixture

from heat_store import exception
from heat_store import impact
from heat_store import publishing
from tests import base


def _version(version, parameters=None, outputs=None, environment=None):
    return types.SimpleNamespace(
        version=version, environment=environment or {},
        interface={'parameters': parameters or {},
                   'outputs': outputs or {}})


def _prepared(parameters=None, outputs=None, environment=None, force=False):
    return publishing.PreparedVersion(
        version='1.1.0', template={}, files={},
        environment=environment or {}, children={}, description=None,
        source=None, force=force, texts=None,
        interface={'parameters': parameters or {}, 'outputs': outputs or {}},
        warnings=['w'], digest='sha256:x', size=1)


class EffectiveInterfaceTest(base.TestCase):

    def test_parameter_defaults_give_a_default(self):
        interface = publishing._effective_interface(
            {'parameters': {'a': {'type': 'string'},
                            'b': {'type': 'string', 'default': 'x'}}},
            {'parameter_defaults': {'a': 'env', 'b': 'env'}})
        self.assertEqual({'a': {'type': 'string', 'default': 'env'},
                          'b': {'type': 'string', 'default': 'x'}},
                         interface['parameters'])

    def test_environment_parameters_win_over_parameter_defaults(self):
        interface = publishing._effective_interface(
            {'parameters': {'a': {'type': 'string'}}},
            {'parameter_defaults': {'a': 'd'}, 'parameters': {'a': 'p'}})
        self.assertEqual({'a': {'type': 'string', 'default': 'p'}},
                         interface['parameters'])

    def test_a_malformed_environment_adds_nothing(self):
        interface = publishing._effective_interface(
            {'parameters': {'a': {'type': 'string'}}},
            {'parameter_defaults': ['a']})
        self.assertEqual({'a': {'type': 'string'}}, interface['parameters'])


class InterfaceCheckTest(base.TestCase):

    def test_force_checks_nothing(self):
        self.assertIsNone(publishing.interface_check(_prepared(force=True)))

    def test_predecessor_and_successor_both_named(self):
        check = publishing.interface_check(_prepared(
            parameters={'new': {'type': 'string'}}))
        error = self.assertRaises(
            exception.InterfaceBreak, check, '1.1.0',
            _version('1.0.0', outputs={'o': {}}),
            _version('1.2.0', parameters={'new': {'type': 'number'}}))
        message = str(error)
        self.assertIn("Version 1.1.0 breaks the interface of 1.0.0", message)
        self.assertIn("output 'o' was removed", message)
        self.assertIn("new parameter 'new' has no default", message)
        self.assertIn('Version 1.2.0, already published, breaks the '
                      'interface of 1.1.0', message)

    def test_a_default_from_the_stored_environment_counts(self):
        check = publishing.interface_check(_prepared(
            parameters={'p': {'type': 'string'}},
            environment={'parameter_defaults': {'p': 'x'}}))
        check('1.1.0', _version('1.0.0', parameters={
            'p': {'type': 'string', 'default': 'y'}}), None)

    def test_check_and_impact_agree_on_a_value(self):
        # The environment's parameters give the root's parameter a value
        # (the resource's nested stack gets it unless the resource passes
        # one): publishing once called it a parameter without a default
        # while impact did not require it.
        environment = {'parameters': {'p': 'x'}}
        prepared = _prepared(parameters={'p': {'type': 'string'}},
                             environment=environment)
        publishing.interface_check(prepared)(
            '1.1.0', _version('1.0.0'), None)
        self.assertEqual(set(), impact.parameters_required(prepared))
        check = publishing.interface_check(_prepared(
            parameters={'p': {'type': 'string'}}))
        error = self.assertRaises(exception.InterfaceBreak, check,
                                  '1.1.0', _version('1.0.0'), None)
        self.assertIn("new parameter 'p' has no default", str(error))
        self.assertEqual({'p'}, impact.parameters_required(_version(
            '1.1.0', parameters={'p': {'type': 'string'}})))

    def test_first_of_its_major_checks_nothing(self):
        publishing.interface_check(_prepared())('1.1.0', None, None)


class FileSizeTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(config_fixture.Config(cfg.CONF)).config(
            max_template_size=10)

    def test_each_file_within_max_template_size(self):
        publishing._check_file_sizes({'a': 'x' * 10})
        error = self.assertRaises(exception.InvalidBundle,
                                  publishing._check_file_sizes,
                                  {'a': 'x', 'b/c.sh': 'y' * 11})
        self.assertIn("file 'b/c.sh' is 11 characters; at most 10",
                      str(error))


class ValuesTest(base.TestCase):

    def test_stored_values_and_exposure_warnings(self):
        prepared = _prepared()
        values = prepared.for_template('private', '1.1.0')
        self.assertEqual('1.1.0', values['version'])
        self.assertEqual(['w'], values['warnings'])
        self.assertEqual([], values['dependencies'])
        self.assertIsNone(values['source_url'])


class SummaryTest(base.TestCase):
    """A template's summary after a publish, from the one before it."""

    def count(self, latest, new, count=2):
        from heat_store.db import api as db_api
        template = types.SimpleNamespace(version_count=count,
                                         latest_version=latest,
                                         updated_at=None)
        db_api._count_new_version(template, types.SimpleNamespace(
            version=new, status='active'))
        return template

    def test_a_higher_release_is_latest(self):
        template = self.count('1.0.0', '1.1.0')
        self.assertEqual(('1.1.0', 3), (template.latest_version,
                                        template.version_count))
        self.assertIsNotNone(template.updated_at)

    def test_a_lower_release_leaves_latest(self):
        self.assertEqual('2.0.0', self.count('2.0.0', '1.9.0').latest_version)

    def test_a_prerelease_is_never_latest(self):
        self.assertEqual('1.0.0',
                         self.count('1.0.0', '2.0.0-rc.1').latest_version)
        self.assertIsNone(self.count(None, '1.0.0-rc.1', 0).latest_version)

    def test_the_first_release(self):
        template = self.count(None, '0.1.0', 0)
        self.assertEqual(('0.1.0', 1), (template.latest_version,
                                        template.version_count))
