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

"""The sample generators' configurations (tox -e genconfig, -e genpolicy).

Each file under etc/heat-store names namespaces that an installed entry
point provides, and the generator run on it writes every option or rule
of the store into a sample that git ignores.
"""

import fnmatch
from importlib import metadata
import io
import os

import fixtures
from oslo_config import cfg
from oslo_config import generator as config_generator
from oslo_policy import generator as policy_generator

from heat_store import conf
from heat_store import policies
from tests import base

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
ETC = os.path.join(TOP, 'etc', 'heat-store')
CONFIG_GENERATOR = os.path.join(ETC, 'heat-store-config-generator.conf')
POLICY_GENERATOR = os.path.join(ETC, 'heat-store-policy-generator.conf')


def _settings(path):
    """The namespaces and the output file a generator's file gives."""
    opts = cfg.ConfigOpts()
    opts.register_opts([cfg.MultiStrOpt('namespace', default=[]),
                        cfg.StrOpt('output_file')])
    opts(['--config-file', path], project='heat-store')
    return list(opts.namespace), opts.output_file


def _ignored_patterns():
    with open(os.path.join(TOP, '.gitignore')) as f:
        return [line.strip() for line in f
                if line.strip() and not line.startswith('#')]


class GeneratorFilesTest(base.BaseTestCase):

    def _check_file(self, path, group):
        namespaces, output = _settings(path)
        self.assertEqual(['heat_store'], namespaces)
        registered = {ep.name for ep in metadata.entry_points(group=group)}
        self.assertLessEqual(set(namespaces), registered)
        # Relative to the top, as tox runs it, and never committed.
        self.assertTrue(output.startswith('etc/heat-store/'), output)
        self.assertTrue(any(fnmatch.fnmatch(output, pattern)
                            for pattern in _ignored_patterns()), output)

    def test_config_generator_names_registered_namespaces(self):
        self._check_file(CONFIG_GENERATOR, 'oslo.config.opts')

    def test_policy_generator_names_registered_namespaces(self):
        self._check_file(POLICY_GENERATOR, 'oslo.policy.policies')

    def test_config_sample_lists_every_option(self):
        opts = cfg.ConfigOpts()
        config_generator.register_cli_opts(opts)
        opts(['--config-file', CONFIG_GENERATOR])
        out = io.StringIO()
        config_generator.generate(opts, output_file=out)
        sample = out.getvalue()
        self.assertIn('[%s]' % conf.GROUP.name, sample)
        for opt in conf.OPTS:
            self.assertIn('\n#%s = %s\n' % (opt.name, opt.default), sample)

    def test_policy_sample_lists_every_rule(self):
        output = os.path.join(self.useFixture(
            fixtures.TempDir()).path, 'policy.yaml.sample')
        policy_generator.generate_sample(
            ['--config-file', POLICY_GENERATOR, '--output-file', output],
            conf=cfg.ConfigOpts())
        with open(output) as f:
            sample = f.read()
        for rule in policies.list_rules():
            self.assertIn('\n#"%s": "%s"\n' % (rule.name, rule.check_str),
                          sample)
