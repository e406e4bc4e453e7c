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


"""Publish the semver tags of a git repository: the ``sync`` commands.

git stays the source and the store publishes from it: each tag that is a
semantic version (``v1.2.3`` or ``1.2.3``) and not yet a version is
published, oldest first, from the tag's own tree, with ``source`` set to
the repository and the tag's commit. A tag whose version exists is
compared by digest, computed here by the server's own rule
(:func:`heat_store.references.bundle_digest`): the same content is
``unchanged``; other content (a retagged release) is a ``conflict`` and
is never published over the stored version.

Repositories are read with the ``git`` command, not a Python git
library: no new dependency, the git the user already has, and remote
URLs, credentials (helpers, ssh keys and agents) and ``insteadOf`` rules
exactly as that git sees them. A remote repository is cloned bare into a
temporary directory; each tag's tree is checked out into another one,
with symbolic links written as plain files so that nothing is read from
outside the tree. Both are removed whatever happens.
"""

import collections
import contextlib
import logging
import os
import pathlib
import posixpath
import re
import subprocess
import tempfile
from urllib import parse

from heatclient import exc as heat_exc

from heat_store.client import bundle
from heat_store.client import errors
from heat_store.client.i18n import _
from heat_store import references

LOG = logging.getLogger(__name__)

GIT = 'git'
# The schemes a version's source.url may have (the API's schema).
SOURCE_SCHEMES = ('https', 'http', 'git', 'ssh', 'file')
COLUMNS = ('Tag', 'Version', 'Commit', 'Result', 'Detail')

PUBLISHED = 'published'
PUBLISH = 'publish'
UNCHANGED = 'unchanged'
CONFLICT = 'conflict'
SKIPPED = 'skipped'
FAILED = 'failed'
# What makes the command exit non-zero.
BAD_RESULTS = (CONFLICT, FAILED)

Tag = collections.namedtuple('Tag', 'name version commit')
Row = collections.namedtuple('Row', 'tag version commit result detail')

_IDENTIFIER = r'(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)'
# semver.org's grammar with an optional leading 'v' and no build
# metadata, which the store refuses in a version.
_SEMVER_TAG = re.compile(
    r'^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)'
    r'(?:-(%(id)s(?:\.%(id)s)*))?$' % {'id': _IDENTIFIER})
# git's scp-like address, [user@]host:path, as git tells it from a path.
_SCP = re.compile(r'^(?:(?P<user>[^@/:]+)@)?(?P<host>[^@/:]+):(?P<path>.*)$')
_TAG_FORMAT = ('%(refname:strip=2)%00%(objecttype)%00%(objectname)'
               '%00%(*objecttype)%00%(*objectname)')


class SyncError(errors.BundleError):
    """The repository, or an option of the command, is unusable."""


# Tags

def tag_version(name):
    """The version a tag names (``v1.2.3`` -> ``1.2.3``), or None."""
    match = _SEMVER_TAG.match(name)
    if not match:
        return None
    return name[1:] if name.startswith('v') else name


def version_key(version):
    """A sort key in semver precedence.

    Prereleases come before the release; numeric identifiers compare
    numerically and below alphanumeric ones.
    """
    match = _SEMVER_TAG.match(version)
    major, minor, patch, pre = match.groups()
    if pre is None:
        release = (1,)
    else:
        release = (0, tuple((0, int(part), '') if part.isdigit()
                            else (1, 0, part) for part in pre.split('.')))
    return int(major), int(minor), int(patch), release


def order(tags):
    """Semver tags oldest first, and the rows of the others (skipped).

    :param tags: ``(name, commit)`` pairs
    :returns: a list of :class:`Tag` and a list of :class:`Row`
    """
    semver, skipped = [], []
    for name, commit in tags:
        version = tag_version(name)
        if version is not None:
            semver.append(Tag(name, version, commit))
        elif '+' in name and tag_version(name.split('+', 1)[0]):
            skipped.append(Row(name, None, commit, SKIPPED, _(
                'build metadata (+...) is not allowed in a version')))
        else:
            skipped.append(Row(name, None, commit, SKIPPED,
                               _('not a semantic version')))
    semver.sort(key=lambda tag: (version_key(tag.version), tag.name))
    skipped.sort(key=lambda row: row.tag)
    return semver, skipped


# git

def _subcommand(args):
    args = list(args)
    while args and args[0] in ('-C', '-c', '--work-tree'):
        del args[:2]
    return args[0] if args else ''


def git(*args, env=None):
    """Run ``git`` (never a shell) and return its output as text."""
    try:
        proc = subprocess.run((GIT,) + args, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=env)
    except FileNotFoundError:
        raise SyncError(_('the git command was not found; sync reads '
                          'repositories with the git you use: install it'))
    if proc.returncode:
        detail = proc.stderr.decode('utf-8', 'replace').strip()
        raise SyncError(_('git %(command)s failed: %(detail)s') % {
            'command': _subcommand(args),
            'detail': detail or proc.returncode})
    return proc.stdout.decode('utf-8', 'replace')


def source_url(location):
    """The ``source.url`` of a remote location, as the API takes it.

    The scheme must be one the API allows; an scp-like address
    (``git@host:org/repo.git``) is written ``ssh://git@host/org/repo.git``;
    a password or token in the URL is never recorded.
    """
    if not references.is_url(location):
        match = _SCP.match(location)
        if not match or '::' in location:
            raise SyncError(_('%s is neither a local directory nor a '
                              'repository URL') % location)
        user = match.group('user')
        return 'ssh://%s%s/%s' % (user + '@' if user else '',
                                  match.group('host'),
                                  match.group('path').lstrip('/'))
    parts = parse.urlsplit(location)
    scheme = parts.scheme.lower()
    if scheme not in SOURCE_SCHEMES:
        raise SyncError(_('%(url)s: the repository URL must be %(schemes)s, '
                          'or a local directory') % {
                              'url': location,
                              'schemes': ', '.join(SOURCE_SCHEMES)})
    netloc = parts.netloc
    if '@' in netloc:
        user, host = netloc.rsplit('@', 1)
        # Over http a user name is often the token itself.
        netloc = (host if scheme in ('http', 'https')
                  else '%s@%s' % (user.split(':', 1)[0], host))
    return parse.urlunsplit((scheme, netloc, parts.path, parts.query, ''))


def _local(location):
    """The git directory and ``file://`` URL of a local repository."""
    if git('-C', location, 'rev-parse', '--is-bare-repository'
           ).strip() == 'true':
        top = git('-C', location, 'rev-parse', '--absolute-git-dir')
    else:
        top = git('-C', location, 'rev-parse', '--show-toplevel')
    top = os.path.realpath(top.strip())
    if top != os.path.realpath(location):
        raise SyncError(_('%(path)s is inside the git repository %(top)s: '
                          'give %(top)s, and paths in it to --template and '
                          '-e') % {'path': location, 'top': top})
    return top, pathlib.Path(top).as_uri()


@contextlib.contextmanager
def repository(location):
    """``(git directory, source URL)`` of a local path or a remote URL.

    A remote repository is cloned bare into a temporary directory, removed
    on the way out.
    """
    if os.path.isdir(location):
        yield _local(location)
        return
    url = source_url(location)
    with tempfile.TemporaryDirectory(prefix='heat-store-sync-') as tmp:
        clone = os.path.join(tmp, 'repository.git')
        git('clone', '--bare', '--quiet', '--', location, clone)
        yield clone, url


def read_tags(git_dir, pattern=None):
    """The tags matching ``pattern`` (git's own glob): ``(name, commit)``.

    Annotated tags are peeled to their commit; tags of anything but a
    commit (a tree, a blob) are left out.
    """
    args = ['-C', git_dir, 'tag', '--list', '--format=' + _TAG_FORMAT]
    if pattern:
        args.extend(['--', pattern])
    tags = []
    for line in git(*args).splitlines():
        name, kind, sha, peeled_kind, peeled = line.split('\0')
        if peeled_kind == 'commit':
            sha = peeled
        elif kind != 'commit':
            try:
                sha = git('-C', git_dir, 'rev-parse', '--verify', '--quiet',
                          '%s^{commit}' % sha).strip()
            except SyncError:
                continue
        tags.append((name, sha))
    return tags


@contextlib.contextmanager
def checkout(git_dir, commit):
    """A temporary directory holding the tree of ``commit``.

    An index of its own, in the temporary directory, so that nothing in
    the repository changes; symbolic links become plain files holding
    their target, so that no file outside the tree is ever read.
    """
    with tempfile.TemporaryDirectory(prefix='heat-store-sync-') as tmp:
        tree = os.path.join(tmp, 'tree')
        os.mkdir(tree)
        env = dict(os.environ, GIT_INDEX_FILE=os.path.join(tmp, 'index'))
        base = ('-C', git_dir, '-c', 'core.symlinks=false',
                '--work-tree', tree)
        git(*(base + ('read-tree', commit)), env=env)
        git(*(base + ('checkout-index', '--all', '--force')), env=env)
        yield tree


# Bundles

def repo_path(path, what):
    """A path inside the repository, normalised; refused if it leaves it."""
    normal = posixpath.normpath(path.replace(os.sep, '/'))
    if (not path or posixpath.isabs(normal) or normal == '..' or
            normal.startswith('../') or references.is_url(path)):
        raise SyncError(_('%(what)s %(path)s must be a relative path inside '
                          'the repository') % {'what': what, 'path': path})
    return normal


def _outside(template, keys):
    """The first bundle file that is not inside the repository."""
    base = posixpath.dirname(template)
    for key in sorted(keys):
        target = posixpath.normpath(posixpath.join(base, key))
        if references.is_url(key) or target == '..' or target.startswith(
                '../'):
            return key
    return None


def load(tree, template, environments):
    """The bundle of a tag's tree, read as ``version create`` reads it.

    :param template: the root template's path in the repository
    :param environments: environment paths in the repository, in order
    :raises: SyncError, or what :func:`heat_store.client.bundle.load`
        raises
    """
    def local(path):
        full = os.path.join(tree, *path.split('/'))
        if not os.path.isfile(full):
            raise SyncError(_('%s is not in the tag') % path)
        return full

    loaded = bundle.load(local(template),
                         [local(path) for path in environments])
    escaped = _outside(template, loaded.files)
    if escaped is not None:
        raise SyncError(_('%(template)s refers to %(key)s, outside the '
                          'repository') % {'template': template,
                                           'key': escaped})
    return loaded


def _message(error, tree):
    """What went wrong, without the temporary directory's name.

    sync has no --force: an interface break's message offers none.
    """
    text = errors.message(error, force=None)
    if text is None:
        raise error
    if tree:
        for prefix in (pathlib.Path(tree).as_uri() + '/', tree + os.sep):
            text = text.replace(prefix, '')
    return text[len(errors.PREFIX):] if text.startswith(
        errors.PREFIX) else text


# The store

def stored_versions(store, name):
    """``{version: (digest, source revision)}``; None if no such template."""
    found, marker = {}, None
    try:
        while True:
            page = store.versions.list(name, sort_dir='asc', marker=marker)
            if not page:
                return found
            for version in page:
                source = getattr(version, 'source', None) or {}
                found[version.version] = (version.digest,
                                          source.get('revision'))
            marker = page[-1].version
    except heat_exc.HTTPNotFound:
        return None


class _Publisher(object):
    """Publishes versions, creating the stored template with the first.

    The template is created together with its first version, so that a
    sync whose every tag fails leaves no empty template behind.
    """

    def __init__(self, store, name, exists):
        self.store = store
        self.name = name
        self.exists = exists

    def publish(self, fields):
        if not self.exists:
            try:
                self.store.stored_templates.create(name=self.name,
                                                   version=fields)
                self.exists = True
                return None
            except heat_exc.HTTPConflict:
                # Created meanwhile, or the name is taken: publish into it.
                self.exists = True
        return self.store.versions.create(self.name, **fields).digest


def _short(digest):
    return (digest or '')[:len(references.DIGEST_ALGORITHM) + 13]


def _compare(digest, stored):
    stored_digest, revision = stored
    if stored_digest == digest:
        return UNCHANGED, digest
    return CONFLICT, _(
        'retagged? %(digest)s differs from the stored version '
        '(%(stored)s, from %(revision)s); not overwritten') % {
            'digest': _short(digest), 'stored': _short(stored_digest),
            'revision': (revision or _('no recorded commit'))[:12]}


def sync(store, name, location, template, environments=(), pattern=None,
         dry_run=False, progress=None):
    """Publish the repository's semver tags that are not yet versions.

    :param store: a :class:`heat_store.client.client.Client`
    :param name: name of the stored template, created if missing
    :param location: a local repository directory or a remote URL
    :param template: the root template's path in the repository
    :param environments: environment paths in the repository
    :param pattern: only tags matching this glob (git's ``tag --list``)
    :param dry_run: say what would be done, and write nothing
    :param progress: called with each row as it is decided
    :returns: a list of :class:`Row`, semver tags oldest first, then the
        skipped ones
    """
    template = repo_path(template, _('the template'))
    environments = [repo_path(path, _('the environment'))
                    for path in environments or ()]
    with repository(location) as (git_dir, url):
        tags, skipped = order(read_tags(git_dir, pattern))
        stored = stored_versions(store, name)
        publisher = _Publisher(store, name, stored is not None)
        known = dict(stored or {})
        rows = []
        for tag in tags:
            row = _sync_tag(git_dir, url, tag, template, environments,
                            known, publisher, dry_run)
            rows.append(row)
            if progress:
                progress(row)
    return rows + skipped


def _sync_tag(git_dir, url, tag, template, environments, known, publisher,
              dry_run):
    def row(result, detail):
        return Row(tag.name, tag.version, tag.commit, result, detail)

    tree = None
    try:
        with checkout(git_dir, tag.commit) as tree:
            loaded = load(tree, template, environments)
    except Exception as error:
        # Broad on purpose: one tag's failure is its row, not the end of
        # the sync; _message() raises what no command expects.
        LOG.debug('tag %s: loading failed', tag.name, exc_info=True)
        return row(FAILED, _message(error, tree))
    digest = loaded.digest()
    if tag.version in known:
        return row(*_compare(digest, known[tag.version]))
    if dry_run:
        known[tag.version] = (digest, tag.commit)
        return row(PUBLISH, digest)
    fields = loaded.version_fields(version=tag.version, source_url=url,
                                   source_revision=tag.commit)
    try:
        digest = publisher.publish(fields) or digest
    except Exception as error:
        # Broad on purpose, as above: the failure is this tag's row.
        LOG.debug('tag %s: publishing failed', tag.name, exc_info=True)
        return row(FAILED, _message(error, None))
    known[tag.version] = (digest, tag.commit)
    return row(PUBLISHED, digest)


def failures(rows):
    """How many rows failed or were refused."""
    return sum(1 for row in rows if row.result in BAD_RESULTS)
