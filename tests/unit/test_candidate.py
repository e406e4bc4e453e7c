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

"""The carriage of an unpublished version to the engine's preview."""

import json

from oslo_config import fixture as config_fixture

from heat_store import bundle
from heat_store import candidate
from tests import base

PROJECT = 'p' * 32
TEMPLATE_ID = '5d1f7c3e-9a6b-4c2d-8e1f-0a2b3c4d5e6f'
ROOT = {'heat_template_version': '2021-04-16',
        'resources': {'a': {'type': 'child.yaml'}}}
FILES = {'child.yaml': 'heat_template_version: 2021-04-16\n'}
ENV = {'parameter_defaults': {'x': 1}}
LOCKS = [('net', '^1', 'a1b2c3d4-0000-4000-8000-000000000000', '1.2.0')]


class CandidateTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.conf = self.useFixture(config_fixture.Config())
        self.conf.config(auth_encryption_key='k' * 32)

    def packed(self, lifetime=60, **changes):
        args = dict(project_id=PROJECT, template_id=TEMPLATE_ID,
                    version='1.1.0', template=ROOT, files=FILES,
                    environment=ENV,
                    digest=bundle.digest(ROOT, FILES, ENV), locks=LOCKS,
                    lifetime=lifetime)
        args.update(changes)
        return candidate.pack(**args)

    def unpack(self, files, project=PROJECT, template=TEMPLATE_ID,
               version='1.1.0'):
        return candidate.unpack(files, project, template, version)

    def test_round_trip(self):
        found = self.unpack(self.packed())
        self.assertEqual(
            (TEMPLATE_ID, '1.1.0', ROOT, FILES, ENV,
             bundle.digest(ROOT, FILES, ENV),
             {('net', '^1'): (LOCKS[0][2], '1.2.0')}),
            (found.template_id, found.version, found.template, found.files,
             found.environment, found.digest, found.locks))

    def test_every_key_is_reserved_and_each_file_its_own(self):
        files = self.packed()
        self.assertTrue(all(k.startswith(candidate.PREFIX) for k in files))
        self.assertEqual(FILES['child.yaml'],
                         files[candidate.FILES + 'child.yaml'])

    def test_only_for_its_project_template_and_version(self):
        files = self.packed()
        self.assertIsNone(self.unpack(files, project='q' * 32))
        self.assertIsNone(self.unpack(files, template='other'))
        self.assertIsNone(self.unpack(files, version='^1.0'))
        self.assertIsNone(self.unpack(files, version='1.1.1'))

    def test_a_changed_manifest_or_bundle_is_ignored(self):
        for key, change in (
                ('project_id', 'q' * 32), ('version', '9.9.9'),
                ('expires', 2 ** 40), ('locks', [])):
            files = self.packed()
            manifest = json.loads(files[candidate.MANIFEST])
            manifest[key] = change
            files[candidate.MANIFEST] = json.dumps(manifest)
            self.assertIsNone(self.unpack(files, version='1.1.0'), key)
        files = self.packed()
        # A comment is no change (the digest is over the template's
        # canonical form); another template is.
        files[candidate.FILES + 'child.yaml'] += 'description: more\n'
        self.assertIsNone(self.unpack(files))
        files = self.packed()
        files[candidate.FILES + 'extra.yaml'] = 'x'
        self.assertIsNone(self.unpack(files))
        files = self.packed()
        files[candidate.ENVIRONMENT] = json.dumps({})
        self.assertIsNone(self.unpack(files))

    def test_expired_is_ignored(self):
        past = -(candidate.CLOCK_SKEW + 10)
        self.assertIsNone(self.unpack(self.packed(lifetime=past)))
        self.assertIsNotNone(self.unpack(self.packed(lifetime=1)))

    def test_another_key_signs_nothing_this_one_honours(self):
        files = self.packed()
        self.conf.config(auth_encryption_key='j' * 32)
        self.assertIsNone(self.unpack(files))

    def test_garbage_is_ignored(self):
        for manifest in ('', 'not json', '[]', '{}', '{"signature": 1}'):
            self.assertIsNone(self.unpack({candidate.MANIFEST: manifest}))
        self.assertIsNone(self.unpack({}))
        self.assertIsNone(self.unpack(None))
