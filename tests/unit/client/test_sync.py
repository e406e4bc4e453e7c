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


"""sync: tags, their order, source URLs, the plan, and git itself."""

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
from unittest import mock

import fixtures
from heatclient import exc as heat_exc

from heat_store.client import bundle
from heat_store.client import sync
from tests import base

GIT_ID = ('-c', 'user.name=test', '-c', 'user.email=test@example.com',
          '-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false')


def fault(code, message):
    return json.dumps({'code': code, 'title': 'x', 'explanation': 'y',
                       'error': {'type': 'Z', 'message': message,
                                 'traceback': None}})


class TagTest(base.BaseTestCase):
    def test_semver_tags_with_or_without_v(self):
        self.assertEqual('1.2.3', sync.tag_version('v1.2.3'))
        self.assertEqual('1.2.3', sync.tag_version('1.2.3'))
        self.assertEqual('2.0.0-rc.1', sync.tag_version('v2.0.0-rc.1'))

    def test_other_tags_are_not_versions(self):
        for name in ('nightly', 'v1.2', 'V1.2.3', '01.2.3', 'v1.2.3+b5',
                     'release/v1.0.0', 'v1.2.3-', 'v1.2.3-01', 'vv1.2.3'):
            self.assertIsNone(sync.tag_version(name), name)

    def test_order_is_semver_precedence(self):
        # semver.org's own example, shuffled, and numbers past 9.
        names = ['1.0.0', 'v1.10.0', '1.0.0-beta.11', '1.0.0-alpha.beta',
                 '1.0.0-rc.1', '1.0.0-alpha', 'v2.0.0', '1.0.0-beta',
                 '1.0.0-alpha.1', '1.2.0', '1.0.0-beta.2']
        tags, skipped = sync.order([(name, 'c') for name in names])
        self.assertEqual([], skipped)
        self.assertEqual(
            ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta',
             '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1',
             '1.0.0', '1.2.0', '1.10.0', '2.0.0'],
            [tag.version for tag in tags])

    def test_other_tags_are_skipped_rows_after(self):
        tags, skipped = sync.order([('v1.0.0+b1', 'a'), ('v1.0.0', 'b'),
                                    ('nightly', 'c'), ('1.0.0', 'b')])
        self.assertEqual([('1.0.0', '1.0.0'), ('v1.0.0', '1.0.0')],
                         [(tag.name, tag.version) for tag in tags])
        self.assertEqual(
            [('nightly', None, 'c', 'skipped', 'not a semantic version'),
             ('v1.0.0+b1', None, 'a', 'skipped',
              'build metadata (+...) is not allowed in a version')],
            [tuple(row) for row in skipped])


class SourceURLTest(base.BaseTestCase):
    def test_urls_the_api_takes(self):
        for url in ('https://example.com/org/web.git',
                    'ssh://git@example.com:2222/org/web.git',
                    'git://example.com/web.git', 'file:///srv/git/web.git'):
            self.assertEqual(url, sync.source_url(url))

    def test_scp_like_address_is_an_ssh_url(self):
        self.assertEqual('ssh://git@example.com/org/web.git',
                         sync.source_url('git@example.com:org/web.git'))
        self.assertEqual('ssh://example.com/srv/web.git',
                         sync.source_url('example.com:/srv/web.git'))

    def test_secrets_are_never_recorded(self):
        self.assertEqual('https://example.com/web.git', sync.source_url(
            'https://x-access-token:s3cret@example.com/web.git'))
        self.assertEqual('https://example.com/web.git',
                         sync.source_url('https://s3cret@example.com/web.git'))
        self.assertEqual('ssh://git@example.com/web.git',
                         sync.source_url('ssh://git:pw@example.com/web.git'))

    def test_other_schemes_and_transports_are_refused(self):
        for location in ('ftp://example.com/web.git', 'ext::sh -c id',
                         'no-such-directory', 'javascript://x'):
            self.assertRaises(sync.SyncError, sync.source_url, location)


class RepoPathTest(base.BaseTestCase):
    def test_paths_inside_the_repository(self):
        self.assertEqual('web.yaml', sync.repo_path('./a/../web.yaml', 't'))
        self.assertEqual('envs/prod.yaml',
                         sync.repo_path('envs//prod.yaml', 't'))

    def test_paths_outside_are_refused(self):
        for path in ('../web.yaml', '/etc/web.yaml', 'a/../../web.yaml',
                     'https://example.com/web.yaml', ''):
            error = self.assertRaises(sync.SyncError, sync.repo_path, path,
                                      'the template')
            self.assertIn('inside the repository', str(error))

    def test_bundle_files_outside_the_repository(self):
        self.assertIsNone(sync._outside('deploy/web.yaml',
                                        ['../common/net.yaml', 'boot.sh']))
        self.assertEqual('../../etc/passwd', sync._outside(
            'deploy/web.yaml', ['boot.sh', '../../etc/passwd']))


def _bundle(text):
    return bundle.Bundle({'heat_template_version': '2018-08-31',
                          'description': text}, {'boot.sh': text})


def _versions(*pairs):
    return [mock.Mock(version=version, digest=digest,
                      source={'url': 'file:///r', 'revision': 'old'})
            for version, digest in pairs]


class PlanTest(base.BaseTestCase):
    """sync's decisions over a fake repository and a mocked store."""

    def setUp(self):
        super().setUp()
        self.store = mock.Mock()
        self.contents = {}

        @contextlib.contextmanager
        def repository(location):
            yield '/git', 'file:///r'

        @contextlib.contextmanager
        def checkout(git_dir, commit):
            yield '/tmp/tree-of/' + commit

        def load(tree, template, environments):
            text = self.contents[os.path.basename(tree)]
            if text is None:
                raise sync.SyncError('/tmp/tree-of/c6/%s is not in the tag'
                                     % template)
            return _bundle(text)

        for name, fake in (('repository', repository),
                           ('checkout', checkout), ('load', load)):
            self.useFixture(fixtures.MockPatchObject(sync, name, fake))

    def tags(self, *tags):
        self.contents = {commit: text for _n, commit, text in tags}
        self.useFixture(fixtures.MockPatchObject(
            sync, 'read_tags', return_value=[(n, c) for n, c, _t in tags]))

    def run_sync(self, dry_run=False):
        return [tuple(row)[:4] for row in sync.sync(
            self.store, 'web', '/r', 'web.yaml', dry_run=dry_run)]

    def test_plan_publishes_oldest_first_and_creates_the_template(self):
        self.store.versions.list.side_effect = heat_exc.HTTPNotFound()
        self.store.versions.create.return_value = mock.Mock(digest='d2')
        self.tags(('v1.1.0', 'c2', 'two'), ('nightly', 'c3', 'x'),
                  ('v1.0.0', 'c1', 'one'), ('1.0.1', 'c1', 'one'))
        self.assertEqual(
            [('v1.0.0', '1.0.0', 'c1', 'published'),
             ('1.0.1', '1.0.1', 'c1', 'published'),
             ('v1.1.0', '1.1.0', 'c2', 'published'),
             ('nightly', None, 'c3', 'skipped')], self.run_sync())
        create = self.store.stored_templates.create
        create.assert_called_once_with(name='web', version=dict(
            _bundle('one').fields(), version='1.0.0',
            source={'url': 'file:///r', 'revision': 'c1'}))
        self.assertEqual(
            [mock.call('web', **dict(_bundle(text).fields(), version=version,
                                     source={'url': 'file:///r',
                                             'revision': commit}))
             for version, commit, text in (('1.0.1', 'c1', 'one'),
                                           ('1.1.0', 'c2', 'two'))],
            self.store.versions.create.call_args_list)

    def test_same_version_twice_is_compared_not_published_twice(self):
        self.store.versions.list.return_value = []
        self.store.versions.create.return_value = mock.Mock(
            digest=_bundle('nine').digest())
        self.tags(('v1.0.0', 'c1', 'one'), ('1.0.0', 'c9', 'nine'))
        rows = self.run_sync()
        self.assertEqual([('1.0.0', '1.0.0', 'c9', 'published'),
                          ('v1.0.0', '1.0.0', 'c1', 'conflict')], rows)
        self.assertEqual(1, self.store.versions.create.call_count)

    def test_existing_versions_unchanged_retagged_and_failing(self):
        pages = [_versions(('1.0.0', _bundle('one').digest()),
                           ('1.1.0', _bundle('two').digest())), []]
        self.store.versions.list.side_effect = pages
        self.store.versions.create.side_effect = heat_exc.HTTPBadRequest(
            fault(400, 'Unknown resource Type : Nope::Such::Type'))
        self.tags(('v1.0.0', 'c1', 'one'), ('v1.1.0', 'c4', 'retagged'),
                  ('v1.2.0', 'c5', 'invalid'), ('v1.3.0', 'c6', None))
        rows = sync.sync(self.store, 'web', '/r', 'web.yaml')
        self.assertEqual(
            [('v1.0.0', 'unchanged'), ('v1.1.0', 'conflict'),
             ('v1.2.0', 'failed'), ('v1.3.0', 'failed')],
            [(row.tag, row.result) for row in rows])
        self.assertEqual(_bundle('one').digest(), rows[0].detail)
        self.assertEqual(
            'retagged? %s differs from the stored version (%s, from old); '
            'not overwritten' % (_bundle('retagged').digest()[:19],
                                 _bundle('two').digest()[:19]),
            rows[1].detail)
        self.assertEqual('Unknown resource Type : Nope::Such::Type',
                         rows[2].detail)
        self.assertEqual('web.yaml is not in the tag', rows[3].detail)
        self.assertEqual(3, sync.failures(rows))
        self.store.stored_templates.create.assert_not_called()
        self.assertEqual(
            [mock.call('web', sort_dir='asc', marker=None),
             mock.call('web', sort_dir='asc', marker='1.1.0')],
            self.store.versions.list.call_args_list)

    def test_dry_run_writes_nothing(self):
        self.store.versions.list.side_effect = [
            _versions(('1.0.0', 'sha256:other')), []]
        self.tags(('v1.0.0', 'c1', 'one'), ('v1.1.0', 'c2', 'two'),
                  ('latest', 'c2', 'two'))
        self.assertEqual([('v1.0.0', '1.0.0', 'c1', 'conflict'),
                          ('v1.1.0', '1.1.0', 'c2', 'publish'),
                          ('latest', None, 'c2', 'skipped')],
                         self.run_sync(dry_run=True))
        self.store.versions.create.assert_not_called()
        self.store.stored_templates.create.assert_not_called()

    def test_template_created_meanwhile_is_published_into(self):
        self.store.versions.list.side_effect = heat_exc.HTTPNotFound()
        self.store.stored_templates.create.side_effect = (
            heat_exc.HTTPConflict(fault(409, 'exists')))
        self.store.versions.create.return_value = mock.Mock(digest='d')
        self.tags(('v1.0.0', 'c1', 'one'))
        self.assertEqual([('v1.0.0', '1.0.0', 'c1', 'published')],
                         self.run_sync())
        self.assertEqual(1, self.store.versions.create.call_count)


@base.testtools.skipUnless(shutil.which('git'), 'needs the git command')
class GitTest(base.BaseTestCase):
    """read_tags and checkout on a real repository."""

    def setUp(self):
        super().setUp()
        self.repo = self.useFixture(fixtures.TempDir()).path
        self.git('init', '--quiet')
        self.write('web.yaml', 'one\n')
        os.symlink('/etc/hostname', os.path.join(self.repo, 'link'))
        self.commit('one')
        self.git('tag', 'v1.0.0')
        self.write('web.yaml', 'two\n')
        self.commit('two')
        self.git('tag', '-a', '-m', 'annotated', 'v1.1.0')
        self.git('tag', 'tree-tag', 'HEAD^{tree}')

    def git(self, *args):
        return subprocess.run(('git', '-C', self.repo) + GIT_ID + args,
                              check=True, capture_output=True,
                              text=True).stdout.strip()

    def write(self, path, text):
        with open(os.path.join(self.repo, path), 'w') as f:
            f.write(text)

    def commit(self, message):
        self.git('add', '--all')
        self.git('commit', '--quiet', '-m', message)

    def test_tags_are_peeled_to_their_commits(self):
        tags = dict(sync.read_tags(self.repo))
        self.assertEqual({'v1.0.0': self.git('rev-parse', 'HEAD^'),
                          'v1.1.0': self.git('rev-parse', 'HEAD')}, tags)
        self.assertEqual(['v1.1.0'], [name for name, _c in sync.read_tags(
            self.repo, 'v1.1*')])

    def test_checkout_is_the_tag_tree_and_is_removed(self):
        index = os.path.join(self.repo, '.git', 'index')
        with open(index, 'rb') as f:
            before = f.read()
        commit = self.git('rev-parse', 'v1.0.0')
        with sync.checkout(self.repo, commit) as tree:
            with open(os.path.join(tree, 'web.yaml')) as f:
                self.assertEqual('one\n', f.read())
            link = os.path.join(tree, 'link')
            self.assertFalse(os.path.islink(link))
            with open(link) as f:
                self.assertEqual('/etc/hostname', f.read())
        self.assertFalse(os.path.exists(tree))
        self.assertFalse(os.path.exists(os.path.dirname(tree)))
        with open(index, 'rb') as f:
            self.assertEqual(before, f.read())
        self.assertEqual('', self.git('status', '--porcelain'))

    def test_local_repository_is_its_top_as_a_file_url(self):
        with sync.repository(self.repo) as (git_dir, url):
            self.assertEqual(os.path.realpath(self.repo), git_dir)
            self.assertEqual('file://' + os.path.realpath(self.repo), url)
        os.mkdir(os.path.join(self.repo, 'sub'))
        error = self.assertRaises(
            sync.SyncError, sync.repository(
                os.path.join(self.repo, 'sub')).__enter__)
        self.assertIn('is inside the git repository', str(error))

    def test_remote_repository_is_cloned_bare_and_removed(self):
        url = 'file://' + self.repo
        with mock.patch.object(tempfile, 'tempdir', self.useFixture(
                fixtures.TempDir()).path):
            with sync.repository(url) as (git_dir, source):
                self.assertEqual(url, source)
                self.assertEqual(['v1.0.0', 'v1.1.0'], sorted(
                    name for name, _c in sync.read_tags(git_dir)))
                self.assertTrue(os.path.isdir(git_dir))
            self.assertEqual([], os.listdir(tempfile.tempdir))

    def test_git_failure_is_a_sync_error(self):
        error = self.assertRaises(sync.SyncError, sync.read_tags,
                                  os.path.join(self.repo, 'nope'))
        self.assertIn('git tag failed', str(error))
