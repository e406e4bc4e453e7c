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


"""sync from git: the real commands, a repository built with git, a real Heat.

The repository has v1.0.0, v1.1.0 (annotated), a non-semver tag, v1.2.0
whose template Heat refuses, and later v1.0.0 moved to a commit with other
content, as a retagged release.
"""

import os
import shutil
import subprocess

from tests.functional import test_cli

GIT_ID = ('-c', 'user.name=test', '-c', 'user.email=test@example.com',
          '-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false')

WEB = """
heat_template_version: 2018-08-31
parameters:
  greeting: {type: string}
resources:
  boot:
    type: OS::Heat::Value
    properties:
      value: {get_file: scripts/boot.sh}
outputs:
  script:
    value: {get_attr: [boot, value]}
"""

WEB_1_1 = WEB + """  greeting:
    value: {get_param: greeting}
"""

INVALID = """
heat_template_version: 2018-08-31
resources:
  thing:
    type: Nope::Such::Type
"""


@test_cli.base.testtools.skipUnless(shutil.which('git'),
                                    'sync needs the git command')
class SyncTest(test_cli.CLITestCase):
    def setUp(self):
        super().setUp()
        self.repo = os.path.join(self.tmp, 'web-repo')
        self.scratch = os.path.join(self.tmp, 'scratch')
        os.makedirs(self.scratch)
        # Whatever sync creates in the temporary directory must go.
        self.env['TMPDIR'] = self.scratch
        self.git('init', '--quiet', self.repo, cwd=self.tmp)
        self.commits = {}
        self.commit('A', {'web.yaml': WEB,
                          'scripts/boot.sh': 'echo one\n',
                          'envs/prod.yaml':
                              'parameter_defaults: {greeting: hi}\n'})
        self.git('tag', 'v1.0.0')
        self.commit('B', {'web.yaml': WEB_1_1})
        self.git('tag', '-a', '-m', 'Release 1.1.0', 'v1.1.0')
        self.git('tag', 'nightly')
        self.commit('C', {'web.yaml': INVALID})
        self.git('tag', 'v1.2.0')

    def tearDown(self):
        self.assertEqual([], os.listdir(self.scratch))
        shutil.rmtree(self.tmp, ignore_errors=True)
        super().tearDown()

    def git(self, *args, cwd=None):
        return subprocess.run(
            ('git',) + GIT_ID + args, cwd=cwd or self.repo, check=True,
            capture_output=True, text=True).stdout.strip()

    def commit(self, name, files):
        for path, text in files.items():
            full = os.path.join(self.repo, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, 'w') as f:
                f.write(text)
        self.git('add', '--all')
        self.git('commit', '--quiet', '-m', name)
        self.commits[name] = self.git('rev-parse', 'HEAD')

    def retag_v1_0_0(self):
        """v1.0.0 moved to a commit with other content."""
        self.git('tag', '-d', 'v1.0.0')
        self.commit('D', {'web.yaml': WEB, 'scripts/boot.sh': 'echo 2\n'})
        self.git('tag', 'v1.0.0')

    def sync(self, name, *args, ok=True):
        result = self.store('sync', name, '--repo', self.repo,
                            '--template', 'web.yaml', '-e', 'envs/prod.yaml',
                            '-f', 'json', *args, ok=ok)
        return result, [(r['Tag'], r['Version'], r['Commit'], r['Result'])
                        for r in test_cli.json.loads(result.out)]

    def versions(self, name):
        return {v['Version']: v['Digest']
                for v in self.store_json('version', 'list', name)}

    def test_openstack_sync(self):
        name = 'sync-web'
        c = self.commits
        result, rows = self.sync(name, ok=False)
        self.assertEqual(
            [('v1.0.0', '1.0.0', c['A'], 'published'),
             ('v1.1.0', '1.1.0', c['B'], 'published'),
             ('v1.2.0', '1.2.0', c['C'], 'failed'),
             ('nightly', None, c['B'], 'skipped')], rows)
        self.assertEqual(1, result.code)
        details = [r['Detail'] for r in test_cli.json.loads(result.out)]
        self.assertIn('Nope::Such::Type', details[2])
        self.assertEqual('not a semantic version', details[3])
        self.assertIn('ERROR: 1 tag(s) failed or were refused', result.err)
        self.assertNotIn('Traceback', result.err)

        url = 'file://' + os.path.realpath(self.repo)
        first = self.store_json('version', 'show', name, '1.0.0')
        self.assertEqual({'url': url, 'revision': c['A']}, first['source'])
        self.assertEqual(details[0], first['digest'])
        self.assertEqual(['scripts/boot.sh'], first['files'])
        # The template as the tag's tree has it, byte for byte.
        self.assertEqual(WEB, self.store('download', name, '1.0.0').out)
        second = self.store_json('version', 'show', name, '1.1.0')
        self.assertEqual({'url': url, 'revision': c['B']}, second['source'])
        published = self.versions(name)
        self.assertEqual({'1.0.0': details[0], '1.1.0': details[1]},
                         published)

        # Twice: nothing is published.
        result, rows = self.sync(name, ok=False)
        self.assertEqual(['unchanged', 'unchanged', 'failed', 'skipped'],
                         [row[3] for row in rows])
        self.assertEqual(published, self.versions(name))

        # A retagged release is reported, never published over 1.0.0.
        self.retag_v1_0_0()
        result, rows = self.sync(name, '--dry-run', ok=False)
        self.assertEqual(
            [('v1.0.0', '1.0.0', c['D'], 'conflict'),
             ('v1.1.0', '1.1.0', c['B'], 'unchanged'),
             ('v1.2.0', '1.2.0', c['C'], 'publish'),
             ('nightly', None, c['B'], 'skipped')], rows)
        self.assertEqual(1, result.code)
        self.assertEqual(published, self.versions(name))
        result, rows = self.sync(name, ok=False)
        self.assertEqual(['conflict', 'unchanged', 'failed', 'skipped'],
                         [row[3] for row in rows])
        conflict = test_cli.json.loads(result.out)[0]['Detail']
        self.assertIn('(%s, from %s)' % (published['1.0.0'][:19],
                                         c['A'][:12]), conflict)
        self.assertIn('not overwritten', conflict)
        self.assertIn('ERROR: 2 tag(s) failed or were refused', result.err)
        self.assertEqual(published, self.versions(name))
        self.assertEqual(c['A'], self.store_json(
            'version', 'show', name, '1.0.0')['source']['revision'])

        # Only the tags a pattern matches.
        result, rows = self.sync(name, '--tag-pattern', 'v1.1*')
        self.assertEqual([('v1.1.0', '1.1.0', c['B'], 'unchanged')], rows)

    def test_heat_sync_from_a_url(self):
        url = 'file://' + os.path.realpath(self.repo)
        c = self.commits
        args = ('--repo', url, '-f', 'web.yaml', '-e', 'envs/prod.yaml')

        # --dry-run writes nothing, not even the stored template.
        dry = test_cli.table_rows(self.heat(
            'template-store-sync', 'sync-heat', *args, '--dry-run').out)
        self.assertEqual(['publish', 'publish', 'publish', 'skipped'],
                         [row['Result'] for row in dry])
        self.assert_error(self.heat('template-store-show', 'sync-heat',
                                    ok=False), 'could not be found')

        only = test_cli.table_rows(self.heat(
            'template-store-sync', 'sync-heat', *args,
            '--tag-pattern', 'v1.1.*').out)
        self.assertEqual([('v1.1.0', '1.1.0', c['B'], 'published')],
                         [(r['Tag'], r['Version'], r['Commit'], r['Result'])
                          for r in only])
        shown = test_cli.table_dict(self.heat(
            'template-store-version-show', 'sync-heat', '1.1.0').out)
        self.assertIn('url: %s' % url, shown['source'])
        self.assertIn('revision: %s' % c['B'], shown['source'])

        self.retag_v1_0_0()
        result = self.heat('template-store-sync', 'sync-heat', *args,
                           ok=False)
        self.assert_error(result, '1 tag(s) failed or were refused')
        self.assertEqual(
            [('v1.0.0', c['D'], 'published'), ('v1.1.0', c['B'], 'unchanged'),
             ('v1.2.0', c['C'], 'failed'), ('nightly', c['B'], 'skipped')],
            [(r['Tag'], r['Commit'], r['Result'])
             for r in test_cli.table_rows(result.out)])
        again = self.heat('template-store-sync', 'sync-heat', *args,
                          ok=False)
        self.assertEqual(['unchanged', 'unchanged', 'failed', 'skipped'],
                         [r['Result']
                          for r in test_cli.table_rows(again.out)])
