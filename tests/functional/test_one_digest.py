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

"""One tree, one digest, whichever way it is published.

One source tree (a root, a child template in a subfolder, a cloud-config
that is valid YAML but data, a script, an environment with a registry
mapping; comments and flow maps throughout) is published by every path a
user has: REST with texts, REST with parsed maps, a ``file:///`` body as
heatclient builds it for ``openstack stack create``, the ``openstack``
and ``heat`` commands, ``sync`` from git, and the panel's client call.
Each gives one digest; each version downloaded and published again gives
it once more.
"""

import json
import os
import shutil

# Registers Heat's options (max_template_size) that template_format.parse
# reads: without it the module failed when run alone.
from heat.common import config  # noqa: F401
from heat.common import environment_format
from heat.common import template_format
from heatclient.common import template_utils

from heat_store.client import client as store_client
from heat_store import parsing
from tests.functional import test_cli
from tests.functional import test_sync

ROOT = """# The web tier, as its authors wrote it.
heat_template_version: 2018-08-31
parameters: {greeting: {type: string, default: hi}}   # a flow map
resources:
  server:
    type: tiers/server.yaml
    properties: {greeting: {get_param: greeting}}
  mapped:
    type: My::Mapped
outputs:
  config:
    value: {get_attr: [server, config]}
"""

CHILD = """heat_template_version: 2018-08-31
# A child in a subfolder: its references are relative to it.
parameters:
  greeting: {type: string}
resources:
  config:
    type: OS::Heat::Value
    properties:
      value: {get_file: cloud-config.yaml}
  boot:
    type: OS::Heat::Value
    properties: {value: {get_file: ../scripts/boot.sh}}
outputs:
  config: {value: {get_attr: [config, value]}}
"""

# Data that parses as a YAML map: kept byte for byte, comment included.
CLOUD_CONFIG = """#cloud-config
packages: [nginx]
write_files:
  - {path: /etc/motd, content: hello}
"""

MAPPED = """heat_template_version: 2018-08-31   # mapped by the registry
resources: {}
"""

ENVIRONMENT = """# Where My::Mapped comes from.
resource_registry: {My::Mapped: mapped.yaml}
parameter_defaults:
  greeting: hello
"""

TREE = {
    'web.yaml': ROOT,
    'tiers/server.yaml': CHILD,
    'tiers/cloud-config.yaml': CLOUD_CONFIG,
    'scripts/boot.sh': '#!/bin/sh\necho "booted"\n',
    'mapped.yaml': MAPPED,
    'environment.yaml': ENVIRONMENT,
}
FILES = {key: text for key, text in TREE.items()
         if key not in ('web.yaml', 'environment.yaml')}


@test_cli.base.testtools.skipUnless(shutil.which('git'),
                                    'sync needs the git command')
class OneDigestTest(test_cli.CLITestCase):
    git = test_sync.SyncTest.git
    commit = test_sync.SyncTest.commit
    versions = test_sync.SyncTest.versions

    def setUp(self):
        super().setUp()
        self.repo = os.path.join(self.tmp, 'one-repo')
        self.git('init', '--quiet', self.repo, cwd=self.tmp)
        self.commits = {}
        self.commit('tree', TREE)
        self.git('tag', 'v1.0.0')
        self.top = self.source('tree', TREE)

    def rest(self, name, body):
        self.server.request('POST', '/stored_templates', {'name': name})
        code, _headers, answer = self.server.request(
            'POST', '/stored_templates/%s/versions' % name,
            dict(body, version='1.0.0'))
        self.assertEqual(201, code, answer)
        return answer['stored_template_version']['digest']

    def heatclient_body(self):
        """The body ``openstack stack create -t -e`` builds."""
        tpl_files, template = template_utils.process_template_path(
            os.path.join(self.top, 'web.yaml'))
        env_list = []
        env_files, environment = (
            template_utils.process_multiple_environments_and_files(
                env_paths=[os.path.join(self.top, 'environment.yaml')],
                env_list_tracker=env_list))
        self.assertTrue(all(key.startswith('file:///') for key in tpl_files))
        files = dict(list(tpl_files.items()) + list(env_files.items()))
        # Text, as heatclient's JSON encoder sends its bytes.
        return {'template': template,
                'files': {url: content.decode('utf-8')
                          if isinstance(content, bytes) else content
                          for url, content in files.items()},
                'environment': environment, 'environment_files': env_list}

    def panel(self, name):
        """As the panel's form sends pasted files: the store's client."""
        store = store_client.Client(endpoint=self.server.endpoint,
                                    token='x')
        pasted = parsing.load(json.dumps(FILES), 'Files',
                              kind=parsing.ENVIRONMENT)
        store.stored_templates.create(name=name)
        return store.versions.create(
            name, version='1.0.0', template=ROOT, files=pasted,
            environment=ENVIRONMENT).digest

    def published(self):
        """{path name: digest} of the one tree published by every path."""
        digests = {}
        digests['rest-text'] = self.rest('one-rest-text', {
            'template': ROOT, 'files': FILES, 'environment': ENVIRONMENT})
        digests['rest-parsed'] = self.rest('one-rest-parsed', {
            'template': template_format.parse(ROOT),
            'files': dict(FILES, **{
                key: json.dumps(template_format.parse(FILES[key]))
                for key in ('tiers/server.yaml', 'mapped.yaml')}),
            'environment': environment_format.parse(ENVIRONMENT)})
        digests['file-urls'] = self.rest('one-file-urls',
                                         self.heatclient_body())
        bundle = ['-t', os.path.join(self.top, 'web.yaml'),
                  '-e', os.path.join(self.top, 'environment.yaml')]
        self.store('create', 'one-openstack')
        digests['openstack'] = self.store_json(
            'version', 'create', 'one-openstack', '1.0.0', *bundle)['digest']
        self.heat('template-store-create', 'one-heat', '-f', bundle[1],
                  '-e', bundle[3])
        digests['heat'] = self.versions('one-heat')['1.0.0']
        self.store('sync', 'one-sync', '--repo', self.repo,
                   '--template', 'web.yaml', '-e', 'environment.yaml')
        digests['sync'] = self.versions('one-sync')['1.0.0']
        digests['panel'] = self.panel('one-panel')
        return digests

    def test_one_tree_one_digest_by_every_path(self):
        digests = self.published()
        self.assertEqual(1, len(set(digests.values())), digests)
        (digest,) = set(digests.values())

        # The data file is stored as sent, by every path.
        for path in digests:
            code, _h, body = self.server.request(
                'GET', '/stored_templates/one-%s/versions/1.0.0' % path)
            files = body['stored_template_version']['files']
            self.assertEqual(CLOUD_CONFIG, files['tiers/cloud-config.yaml'],
                             path)

        # Each downloaded and published again: the same digest.
        again = {}
        for path in digests:
            name = 'one-%s' % path
            out = os.path.join(self.tmp, 'download-%s' % path)
            self.store('download', name, '1.0.0', '--output-dir', out)
            again[path] = self.store_json(
                'version', 'create', name, '2.0.0',
                '-t', os.path.join(out, '%s.yaml' % name),
                '-e', os.path.join(out, 'environment.yaml'))['digest']
        self.assertEqual({path: digest for path in digests}, again)

        # And over REST, the texts the version gives back sent again.
        code, _h, body = self.server.request(
            'GET', '/stored_templates/one-rest-text/versions/1.0.0')
        version = body['stored_template_version']
        self.assertEqual(ROOT, version['template_text'])
        self.assertEqual(digest, self.rest('one-rest-again', {
            'template': version['template_text'],
            'files': version['files'],
            'environment': version['environment_text']}))

    def test_a_change_in_meaning_or_in_data_changes_it(self):
        base = {'template': ROOT, 'files': FILES, 'environment': ENVIRONMENT}
        digest = self.rest('one-base', base)
        # Formatting and comments of templates and environments: no change.
        self.assertEqual(digest, self.rest('one-reformatted', {
            'template': json.dumps(template_format.parse(ROOT), indent=1),
            'files': dict(FILES, **{
                'tiers/server.yaml': CHILD.replace('# A child', '# Other'),
                'mapped.yaml': MAPPED.replace(
                    '   # mapped by the registry', '')}),
            'environment': ENVIRONMENT.replace('# Where', '# From where')}))
        changed = [
            dict(base, files=dict(FILES, **{
                'tiers/cloud-config.yaml': CLOUD_CONFIG + '# more\n'})),
            dict(base, files=dict(FILES, **{
                'scripts/boot.sh': FILES['scripts/boot.sh'] + '\n'})),
            dict(base, files=dict(FILES, **{
                'tiers/server.yaml': CHILD + 'description: other\n'})),
            dict(base, environment=ENVIRONMENT.replace('hello', 'bye')),
        ]
        found = {self.rest('one-changed-%d' % index, body)
                 for index, body in enumerate(changed)}
        self.assertEqual(len(changed), len(found - {digest}))
