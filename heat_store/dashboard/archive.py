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

"""A template tree uploaded as one archive (.zip, .tar, .tar.gz, .tgz).

The archive is unpacked into a private temporary folder, refusing what
could land outside it (absolute paths, ``..``, links, devices) and what
is too big, and the bundle is read from there by the CLI's own loader
(:func:`heat_store.client.bundle.load`): the files the root template and
its environments refer to, under paths relative to the root, so the
browser publishes a tree with the digest the CLI gives it.
"""

import contextlib
import io
import os
import posixpath
import shutil
import tarfile
import tempfile
from urllib import error as url_error
import zipfile

from heatclient import exc as heat_exc

from heat_store.client import bundle as bundle_mod
from heat_store.client import errors

SUFFIXES = ('.zip', '.tar', '.tar.gz', '.tgz')
MAX_MEMBERS = 2000
MAX_BYTES = 16 * 1024 * 1024


class ArchiveError(ValueError):
    """The archive cannot be read as a template tree; says why."""


def _member_path(name):
    path = posixpath.normpath(name.replace('\\', '/'))
    if (not name or path.startswith('/') or path == '..' or
            path.startswith('../') or path == '.'):
        raise ArchiveError('%s: not a path inside the archive' % name)
    return path


def _zip_members(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            yield info.filename, info.file_size, (
                lambda info=info: archive.read(info))


def _tar_members(data):
    with tarfile.open(fileobj=io.BytesIO(data), mode='r:*') as archive:
        for member in archive.getmembers():
            if member.isdir():
                continue
            if not member.isfile():
                raise ArchiveError('%s: only files and folders may be in '
                                   'the archive' % member.name)
            yield member.name, member.size, (
                lambda member=member: archive.extractfile(member).read())


def members(name, data):
    """``{path: bytes}`` of the files in the archive ``name``."""
    lowered = name.lower()
    if lowered.endswith('.zip'):
        reader = _zip_members
    elif lowered.endswith(SUFFIXES):
        reader = _tar_members
    else:
        raise ArchiveError('%s: not a .zip, .tar, .tar.gz or .tgz file' %
                           name)
    files = {}
    total = 0
    try:
        for member, size, read in reader(data):
            path = _member_path(member)
            total += size
            if len(files) >= MAX_MEMBERS or total > MAX_BYTES:
                raise ArchiveError(
                    '%s: more than %d files or %d bytes' %
                    (name, MAX_MEMBERS, MAX_BYTES))
            files[path] = read()
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError) as error:
        raise ArchiveError('%s: %s' % (name, error))
    return files


@contextlib.contextmanager
def unpacked(files):
    """A temporary folder holding ``files`` (path -> bytes)."""
    top = tempfile.mkdtemp(prefix='heat-store-upload-')
    try:
        for path, content in files.items():
            target = os.path.join(top, *path.split('/'))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, 'wb') as f:
                f.write(content)
        yield top
    finally:
        shutil.rmtree(top, ignore_errors=True)


def load(name, data, template, environments=()):
    """The bundle of the tree in archive ``name``, from root ``template``.

    :param template: the root template's path inside the archive
    :param environments: environment files' paths inside the archive
    :raises: ArchiveError
    :rtype: :class:`heat_store.client.bundle.Bundle`
    """
    files = members(name, data)
    paths = [_member_path(p) for p in (template,) + tuple(environments)]
    for path in paths:
        if path not in files:
            raise ArchiveError('%s is not in %s (it holds %s)' % (
                path, name, ', '.join(sorted(files)[:20])))
    with unpacked(files) as top:
        local = [os.path.join(top, *p.split('/')) for p in paths]
        try:
            return bundle_mod.load(local[0], local[1:])
        except (errors.BundleError, heat_exc.BaseException,
                url_error.URLError, ValueError) as error:
            # What heatclient's reader says of a reference it cannot
            # read, in the CLI's words, the temporary folder taken out.
            text = errors.message(error) or str(error)
            if text.startswith(errors.PREFIX):
                text = text[len(errors.PREFIX):]
            raise ArchiveError(text.replace('file://' + top + '/', '')
                               .replace(top + '/', ''))
