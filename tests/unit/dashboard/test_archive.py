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

"""A template tree uploaded as an archive reads as the CLI reads it."""

import io
import os
import tarfile
import zipfile

import fixtures

from heat_store.client import bundle
from heat_store.dashboard import archive
from tests import base

TREE = {
    'app/web.yaml': """heat_template_version: 2018-08-31
# a comment the digest does not see
parameters:
  size: {type: number, default: 16}
resources:
  boot:
    type: OS::Heat::Value
    properties:
      value: {get_file: ../common/boot.sh}
  child:
    type: nested/child.yaml
""",
    'app/nested/child.yaml': """heat_template_version: 2018-08-31
resources:
  conf:
    type: OS::Heat::Value
    properties:
      value: {get_file: conf/child.ini}
""",
    'app/nested/conf/child.ini': '[child]\nkey = value\n',
    'common/boot.sh': '#!/bin/sh\necho boot\n',
    'app/env.yaml': 'parameter_defaults:\n  size: 8\n',
    'README.md': 'Not referred to: not in the bundle.\n',
}


def _zip(files):
    data = io.BytesIO()
    with zipfile.ZipFile(data, 'w') as z:
        for path, text in files.items():
            z.writestr('tree/' + path, text)
    return data.getvalue()


def _tar(files, extra=None):
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode='w:gz') as t:
        for path, text in files.items():
            info = tarfile.TarInfo('tree/' + path)
            info.size = len(text.encode())
            t.addfile(info, io.BytesIO(text.encode()))
        if extra is not None:
            t.addfile(extra)
    return data.getvalue()


class ArchiveTest(base.TestCase):
    def setUp(self):
        super().setUp()
        self.top = self.useFixture(fixtures.TempDir()).path
        for path, text in TREE.items():
            full = os.path.join(self.top, 'tree', *path.split('/'))
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, 'w') as f:
                f.write(text)
        self.cli = bundle.load(
            os.path.join(self.top, 'tree', 'app', 'web.yaml'),
            [os.path.join(self.top, 'tree', 'app', 'env.yaml')])

    def test_same_bundle_and_digest_as_the_cli(self):
        for name, data in (('tree.zip', _zip(TREE)),
                           ('tree.tar.gz', _tar(TREE))):
            tree = archive.load(name, data, 'tree/app/web.yaml',
                                ('tree/app/env.yaml',))
            self.assertEqual(self.cli.digest(), tree.digest(), name)
            self.assertEqual(
                ['../common/boot.sh', 'nested/child.yaml',
                 'nested/conf/child.ini'], sorted(tree.files), name)
            self.assertEqual({'size': 8},
                             tree.environment['parameter_defaults'])

    def test_refused(self):
        climbing = dict(TREE)
        climbing['../../evil.yaml'] = 'x: 1\n'
        self.assertRaisesRegex(archive.ArchiveError, 'not a path inside',
                               archive.load, 'tree.zip', _zip(climbing),
                               'tree/app/web.yaml')
        link = tarfile.TarInfo('tree/app/link.yaml')
        link.type = tarfile.SYMTYPE
        link.linkname = '/etc/passwd'
        self.assertRaisesRegex(archive.ArchiveError, 'only files',
                               archive.load, 'tree.tgz', _tar(TREE, link),
                               'tree/app/web.yaml')
        error = self.assertRaises(archive.ArchiveError, archive.load,
                                  'tree.zip', _zip(TREE), 'web.yaml')
        self.assertIn('web.yaml is not in tree.zip', str(error))
        self.assertRaisesRegex(archive.ArchiveError, 'not a .zip',
                               archive.load, 'tree.rar', b'x', 'web.yaml')
        self.assertRaisesRegex(archive.ArchiveError, 'tree.zip',
                               archive.load, 'tree.zip', b'not a zip',
                               'web.yaml')
        missing = {k: v for k, v in TREE.items() if k != 'common/boot.sh'}
        error = self.assertRaises(archive.ArchiveError, archive.load,
                                  'tree.zip', _zip(missing),
                                  'tree/app/web.yaml')
        self.assertIn('boot.sh', str(error))
        self.assertNotIn('heat-store-upload-', str(error))
