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

"""Bundles on the client: read from files, written back to a directory.

A bundle is read exactly as ``openstack stack create`` reads a template and
its environments (heatclient's ``template_utils``), which leaves every
``get_file``, ``type:`` and ``resource_registry`` reference, and every key
of ``files``, as an absolute ``file:///...`` (or ``http://...``) URL of the
publisher's machine. The store keeps a bundle independent of where it was
published from, so :func:`load` rebases them by the rule the server applies
to such bodies (:mod:`heat_store.references`): keys relative to the deepest
directory that holds what the root template and its environment refer to,
climbing with ``../`` where children reach further; the environments are
merged into one.

Child templates are stored in one canonical text (sorted, compact JSON of
the template with its references converted), so that the same bundle has
the same digest from any directory and any machine. :func:`write` lays a
stored bundle out in a directory in a form heatclient reads back to the
very same bundle, so that publishing from it gives the same digest.
"""

import os
import posixpath
import shlex
from urllib import parse

import yaml

from heatclient.common import template_utils
from heatclient.common import utils

from heat_store.client import errors
from heat_store.client.i18n import _
from heat_store import parsing
from heat_store import references

REFERENCE_KEYS = references.REFERENCE_KEYS
ENVIRONMENT_FILE = 'environment.yaml'
# How the gate's limit is named in the client's messages.
_LIMIT_NAME = "the client's limit"


class Bundle(object):
    """A root template, ``files`` keyed by relative path, one environment.

    :param template: the root template, a map
    :param files: relative path -> text
    :param environment: the merged environment, a map
    :param texts: the texts as written, where read from local files:
        ``template_text``, ``environment_text``, ``files_text`` (path ->
        text, for the child templates stored in another form); the server
        keeps those that mean the same as the stored form
    """

    def __init__(self, template, files=None, environment=None, texts=None):
        self.template = template
        self.files = files or {}
        self.environment = environment or {}
        self.texts = {key: value for key, value in (texts or {}).items()
                      if value}

    def fields(self):
        """The bundle as the fields of a version in a request body."""
        return {'template': self.template, 'files': self.files,
                'environment': self.environment}

    def digest(self):
        """The ``digest`` the server gives this bundle when published.

        The server parses a map by taking it as it is, so the digest of
        what is sent is computable here, by the server's own rule
        (:func:`heat_store.references.bundle_digest`).
        """
        return references.bundle_digest(
            self.template, self.files, self.environment,
            lambda key: _template(self.files[key], key))

    def version_fields(self, version=None, description=None,
                       source_url=None, source_revision=None, strict=False,
                       force=False):
        """A publish request body: the bundle, its texts and metadata.

        Unset metadata is left out, for the server's defaults.
        """
        source = {key: value for key, value in (
            ('url', source_url), ('revision', source_revision)) if value}
        fields = dict(self.fields(), **self.texts)
        fields.update(version=version, description=description,
                      source=source or None, strict=strict or None,
                      force=force or None)
        return {key: value for key, value in fields.items()
                if value is not None}


# Reading

def load(template_path, environment_paths=None, object_request=None):
    """Read a template and its environments as ``openstack stack create``.

    :param template_path: a local path or a URL (``-t``)
    :param environment_paths: local paths or URLs (``-e``), in order; later
        ones override earlier ones, as heatclient merges them
    :param object_request: heatclient's fetcher for templates that are
        objects (``http.authenticated_fetcher(client)``), as OSC passes it
    :raises: errors.BundleError, heatclient's CommandError, URLError
    :rtype: :class:`Bundle`
    """
    try:
        tpl_files, template = template_utils.process_template_path(
            template_path, object_request=object_request)
    except ValueError as error:
        raise errors.BundleError('%s: %s' % (template_path, error))
    try:
        # NOTE: no env_list_tracker: the store takes one merged
        # environment, as ``heat stack-create`` sends it, rather than the
        # list of environment files Heat would merge itself.
        env_files, environment = (
            template_utils.process_multiple_environments_and_files(
                env_paths=environment_paths or None))
    except ValueError as error:
        raise errors.BundleError('invalid environment: %s' % error)
    texts = {'template_text': _local_text(template_path),
             'environment_text': (_local_text(environment_paths[0])
                                  if len(environment_paths or ()) == 1
                                  else None)}
    files = dict(tpl_files)
    files.update(env_files)
    if not files:
        return Bundle(template, {}, environment, texts)
    root_url = (template_path if references.is_url(template_path)
                else utils.normalise_file_path_to_url(template_path))
    return relative_bundle(template, files, environment, root_url, texts)


def _local_text(path):
    """A local file's text as written, or None (not local, not UTF-8).

    ``path`` is a path or a ``file://`` URL. Sent beside what heatclient
    parsed, for the server to keep where it means the same.
    """
    if references.is_url(path):
        parsed = parse.urlsplit(path)
        if parsed.scheme.lower() != 'file' or parsed.netloc:
            return None
        path = parse.unquote(parsed.path)
    try:
        with open(path, 'rb') as f:
            return f.read().decode('utf-8')
    except (OSError, UnicodeDecodeError):
        return None


canonical_text = references.canonical_text


def _text(content):
    if isinstance(content, bytes):
        # heatclient reads files as bytes, base64-encoding binary ones.
        return content.decode('utf-8')
    return content or ''


def _template(text, name):
    """A file's text as a template through the gate, or None.

    The very test heatclient applies before it rewrites a child (its
    ``is_template``), on the gate's YAML: a text past the gate's limits
    is an error, never "not a template".
    """
    if not text:
        return None
    try:
        return parsing.load_template(text, name, parsing.DEFAULT_LIMIT,
                                     _LIMIT_NAME)
    except parsing.NotParsed:
        return None
    except parsing.Refused as error:
        raise errors.BundleError(str(error))


def _parse_child(text):
    child = _template(text, _('a child file'))
    if child is None:
        raise ValueError('not a template')
    return child


def relative_bundle(template, files, environment, root_url=None,
                    texts=None):
    """Rebase what heatclient read, by the server's own rule.

    Keys are relative to the root template's directory when ``root_url``
    (where the root was read) is given, as the CLI gives it.

    :param template: the root template, references as absolute URLs
    :param files: absolute URL -> content, as heatclient collected them
    :param environment: the merged environment, registry entries as
        absolute URLs
    :param texts: the root's and environment's texts (see :class:`Bundle`)
    :rtype: :class:`Bundle`
    """
    contents = {url: _text(content) for url, content in files.items()}
    origins = {}
    try:
        root, result, env = references.rebase(template, contents,
                                              environment, _parse_child,
                                              root_url, origins=origins)
    except ValueError as error:
        raise errors.BundleError(str(error))
    # heatclient hands over its children rewritten: their texts as
    # written are read again, where they are local files.
    written = {key: _local_text(url) for key, url in origins.items()}
    return Bundle(root, result, env, dict(
        texts or {}, files_text={key: text for key, text in written.items()
                                 if text is not None}))


# Writing

class _Dumper(yaml.SafeDumper):
    """Block style, keys in their stored order, text as block literals."""


def _represent_str(dumper, text):
    style = '|' if '\n' in text else None
    return dumper.represent_scalar('tag:yaml.org,2002:str', text,
                                   style=style)


_Dumper.add_representer(str, _represent_str)


def to_yaml(data):
    """YAML that heatclient's parser reads back to exactly ``data``."""
    return yaml.dump(data, Dumper=_Dumper, default_flow_style=False,
                     sort_keys=False, allow_unicode=True)


def disk_text(key, text, files):
    """A stored file as it is written to disk.

    A child template is written with each reference relative to the child
    itself, which is how heatclient reads references back: as its own
    text where it already refers so, else as YAML; any other file is
    written as it is stored.
    """
    child = _template(text, key)
    if child is None:
        return text
    base = posixpath.dirname(key)

    changed = []

    def replace(value):
        target = references.find(files, base, value)
        if target is not None:
            relative = posixpath.relpath(target, base) if base else target
            if relative != value:
                changed.append(value)
                return relative
    tree = references.rewrite(child, replace)
    return to_yaml(tree) if changed else text


def as_text(data):
    """A template or an environment as written: its text, or YAML."""
    return data if isinstance(data, str) else to_yaml(data)


def version_texts(version):
    """``(template, files, environment)`` of a downloaded version.

    The texts as they were published where the server kept them; where
    it did not (an older server, a bundle sent parsed), the stored maps
    and file texts.
    """
    def text(name):
        value = getattr(version, name, None)
        return value if isinstance(value, str) and value else None
    files = dict(version.files or {})
    kept = getattr(version, 'files_text', None)
    if isinstance(kept, dict):
        files.update((key, value) for key, value in kept.items()
                     if key in files and isinstance(value, str))
    return (text('template_text') or version.template, files,
            text('environment_text') or version.environment)


def _free_name(wanted, taken):
    stem, ext = posixpath.splitext(wanted)
    name, number = wanted, 1
    while name in taken:
        name = '%s-%d%s' % (stem, number, ext)
        number += 1
    return name


def _checked_keys(files):
    """The stored keys, refused unless each is in the one normal form.

    A bundle comes from the server, which may hold what any client sent:
    a key is written only if it is a plain name inside the bundle.
    """
    for key in sorted(files):
        try:
            normal = references.normalise_key(key)
        except references.BadKey as error:
            raise errors.BundleError(str(error))
        if normal != key:
            raise errors.BundleError("file path '%s' is not normalised "
                                     "(%s); nothing was written" %
                                     (key, normal))
    return files


def layout(name, template, files=None, environment=None):
    """The files that hold a bundle: ``(root, environment, {path: text})``.

    ``template`` and ``environment`` are maps, written as YAML, or texts,
    written as they are.

    Paths are relative to the deepest folder that holds every file (see
    :func:`heat_store.references.root_directory`). The root template is
    ``<name>.yaml`` and the environment ``environment.yaml`` (absent when
    empty), beside the child files at their stored paths, unless a child
    file already has that name.
    """
    files = _checked_keys(files or {})
    top = references.root_directory(files, name)
    root = _free_name('%s.yaml' % name, files)
    texts = {root: as_text(template)}
    env_name = None
    if environment:
        env_name = _free_name(ENVIRONMENT_FILE, set(files) | {root})
        texts[env_name] = as_text(environment)
    for key, text in files.items():
        texts[key] = disk_text(key, text, files)
    place = {key: posixpath.normpath(posixpath.join(top, key))
             for key in texts}
    return (place[root], env_name and place[env_name],
            {place[key]: text for key, text in texts.items()})


def _targets(output_dir, texts, overwrite):
    """Where each file goes, all checked before anything is written."""
    top = os.path.realpath(output_dir)
    targets = {}
    for rel in sorted(texts):
        path = os.path.realpath(os.path.join(top, *rel.split('/')))
        if not path.startswith(top + os.sep):
            raise errors.BundleError(
                '%s would be written outside %s (a symbolic link there?); '
                'nothing was written' % (rel, top))
        if os.path.lexists(path) and not overwrite:
            raise errors.BundleError('%s already exists; choose an empty '
                                     'directory, or --overwrite' % path)
        if os.path.isdir(path):
            raise errors.BundleError('%s is a directory; nothing was '
                                     'written' % path)
        targets[rel] = path
    folders = {os.path.dirname(path) for path in targets.values()}
    for rel, path in targets.items():
        if any(folder == path or folder.startswith(path + os.sep)
               for folder in folders):
            raise errors.BundleError('%s is both a file and a folder of the '
                                     'bundle; nothing was written' % rel)
    return targets


def write(output_dir, name, template, files=None, environment=None,
          overwrite=False):
    """Write a bundle inside ``output_dir`` and nowhere else.

    Refuses, before writing anything, a key that is not a normal name, a
    path that a symbolic link would take outside, and existing files
    unless ``overwrite``.

    :returns: ``(root template path, environment path or None, paths)``
    :raises: errors.BundleError
    """
    root, env_name, texts = layout(name, template, files, environment)
    targets = _targets(output_dir, texts, overwrite)
    for rel, path in targets.items():
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if os.path.realpath(os.path.dirname(path)) != os.path.dirname(path):
            raise errors.BundleError('%s changed while writing' % rel)
        # O_NOFOLLOW: never write through a link created meanwhile.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC |
                     getattr(os, 'O_NOFOLLOW', 0), 0o644)
        with os.fdopen(fd, 'wb') as f:
            f.write(texts[rel].encode('utf-8'))
    return (targets[root], targets[env_name] if env_name else None,
            [targets[rel] for rel in sorted(targets)])


def write_version(version, output_dir, overwrite, republish):
    """Write a version's bundle; say what was written and how to publish.

    :param version: a :class:`StoredTemplateVersion` with its bundle
    :param republish: how to publish the directory again: ``command``,
        with ``%(name)s`` and ``%(template)s``, and ``environment``, the
        option added for the environment file, with ``%(environment)s``
    :returns: the text to print
    """
    template, files, environment = version_texts(version)
    root, env, paths = write(output_dir, version.template_name, template,
                             files, environment, overwrite=overwrite)
    lines = [_('Wrote %(name)s %(version)s (%(digest)s):') % {
        'name': version.template_name, 'version': version.version,
        'digest': version.digest}]
    roles = {root: _(' (template)'), env: _(' (environment)')}
    # NOTE: the name and the paths come from the server: quoted, so that a
    # hostile name is inert in a pasted line.
    lines.extend('  %s%s' % (shlex.quote(path), roles.get(path, ''))
                 for path in paths)
    command = republish['command'] % {
        'name': shlex.quote(version.template_name),
        'template': shlex.quote(root)}
    if env:
        command += republish['environment'] % {
            'environment': shlex.quote(env)}
    lines.extend([_('Publish it again with:'), '  ' + command])
    return '\n'.join(lines) + '\n'
