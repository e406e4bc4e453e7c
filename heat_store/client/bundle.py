"""Bundles on the client: read from files, written back to a directory.

A bundle is read exactly as ``openstack stack create`` reads a template and
its environments (heatclient's ``template_utils``), which leaves every
``get_file``, ``type:`` and ``resource_registry`` reference, and every key
of ``files``, as an absolute ``file:///...`` (or ``http://...``) URL of the
publisher's machine. The store keeps a bundle independent of where it was
published from, so :func:`load` turns each of those into a path relative
to the root template's directory and merges the environments into one.

Child templates are stored in one canonical text (sorted, compact JSON of
the template with its references converted), so that the same bundle has
the same digest from any directory and any machine. :func:`write` lays a
stored bundle out in a directory in a form heatclient reads back to the
very same bundle, so that publishing from it gives the same digest.
"""

import copy
import json
import os
import posixpath
from urllib import parse

import yaml

from heatclient.common import template_format
from heatclient.common import template_utils
from heatclient.common import utils as heat_utils

from heat_store.client import errors
from heat_store.client.i18n import _

# Keys whose string values heatclient rewrites to URLs of files it bundles.
REFERENCE_KEYS = ('get_file', 'type')
ENVIRONMENT_FILE = 'environment.yaml'


class Bundle(object):
    """A root template, ``files`` keyed by relative path, one environment.

    :param template: the root template, a map
    :param files: relative path -> text
    :param environment: the merged environment, a map
    """

    def __init__(self, template, files=None, environment=None):
        self.template = template
        self.files = files or {}
        self.environment = environment or {}

    def fields(self):
        """The bundle as the fields of a version in a request body."""
        return {'template': self.template, 'files': self.files,
                'environment': self.environment}

    def version_fields(self, version=None, description=None,
                       source_url=None, source_revision=None, strict=False,
                       force=False):
        """A publish request body: the bundle and a version's metadata.

        Unset metadata is left out, for the server's defaults.
        """
        source = {key: value for key, value in (
            ('url', source_url), ('revision', source_revision)) if value}
        fields = self.fields()
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
    files = dict(tpl_files)
    files.update(env_files)
    root_url = heat_utils.normalise_file_path_to_url(template_path)
    return relative_bundle(root_url, template, files, environment)


def _display(url):
    """A file URL as the local path it names; other URLs as they are."""
    parsed = parse.urlparse(url)
    if parsed.scheme == 'file':
        return parse.unquote(parsed.path)
    return url


def _root_prefix(root_url):
    prefix = heat_utils.base_url_for_url(root_url)
    return prefix if prefix.endswith('/') else prefix + '/'


def _relative_keys(prefix, urls):
    """Map each absolute URL heatclient fetched to a path under prefix."""
    keys = {}
    seen = {}
    for url in sorted(urls):
        if not url.startswith(prefix):
            raise errors.BundleError(
                '%(file)s is outside %(dir)s, the directory of the '
                'template: a stored template can only bundle files in its '
                "template's directory or below it" %
                {'file': _display(url), 'dir': _display(prefix)})
        key = parse.unquote(url[len(prefix):])
        if not key or key in seen:
            raise errors.BundleError(
                '%(file)s cannot be stored under a path of its own '
                '(%(other)s)' % {'file': _display(url),
                                 'other': _display(seen.get(key, prefix))})
        seen[key] = url
        keys[url] = key
    return keys


def _reference(key, base, files):
    """How a file in directory ``base`` refers to the file ``key``.

    The root-relative key itself, which Heat finds by exact key and the
    server finds too; but the server first tries a reference relative to
    the referring file, so where that would name a different file of the
    bundle, the relative form is written instead.
    """
    if base:
        relative_first = posixpath.normpath(posixpath.join(base, key))
        if relative_first != key and relative_first in files:
            return posixpath.relpath(key, base)
    return key


def _rewrite(tree, replace):
    """Replace, in place, every string under a reference key.

    ``replace(value)`` returns the new value, or None to keep it.
    Iterative, so that deep templates cannot exhaust the stack.
    """
    pending = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key in REFERENCE_KEYS and isinstance(value, str):
                    new = replace(value)
                    if new is not None:
                        node[key] = new
                else:
                    pending.append(value)
        elif isinstance(node, list):
            pending.extend(node)
    return tree


def canonical_text(template):
    """The stored text of a child template: sorted, compact JSON."""
    return json.dumps(template, sort_keys=True, separators=(',', ':'),
                      ensure_ascii=False)


def _text(content):
    if isinstance(content, bytes):
        # heatclient reads files as bytes, base64-encoding binary ones.
        return content.decode('utf-8')
    return content or ''


def _is_template(text):
    # The very test heatclient applies before it rewrites a child.
    return bool(text) and template_utils.is_template(text)


def relative_bundle(root_url, template, files, environment):
    """Rebase what heatclient read onto the root template's directory.

    :param root_url: the root template's URL as heatclient normalised it
    :param template: the root template, references as absolute URLs
    :param files: absolute URL -> content, as heatclient collected them
    :param environment: the merged environment, registry entries as
        absolute URLs
    :rtype: :class:`Bundle`
    """
    keys = _relative_keys(_root_prefix(root_url), files)
    texts = {keys[url]: _text(content) for url, content in files.items()}

    def converter(base):
        def replace(value):
            if value in keys:
                return _reference(keys[value], base, texts)
        return replace

    result = {}
    for key, text in texts.items():
        if _is_template(text):
            child = template_format.parse(text)
            text = canonical_text(
                _rewrite(child, converter(posixpath.dirname(key))))
        result[key] = text
    root = _rewrite(copy.deepcopy(template), converter(''))
    return Bundle(root, result,
                  _relative_environment(environment, converter('')))


def _relative_environment(environment, replace):
    env = copy.deepcopy(environment or {})
    registry = env.get('resource_registry')
    if not isinstance(registry, dict):
        return env
    entries = [registry]
    resources = registry.get('resources')
    if isinstance(resources, dict):
        entries.extend(r for r in resources.values() if isinstance(r, dict))
    for entry in entries:
        # NOTE: base_url only told heatclient where to read relative
        # entries, all now rewritten; it names the publisher's directory.
        entry.pop('base_url', None)
        for name, value in entry.items():
            if isinstance(value, str):
                new = replace(value)
                if new is not None:
                    entry[name] = new
    return env


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


def _stored_target(base, value, files):
    """The file a stored reference names, by the server's own rule."""
    relative = posixpath.normpath(posixpath.join(base, value))
    if relative in files:
        return relative
    if value in files:
        return value
    return None


def disk_text(key, text, files):
    """A stored file as it is written to disk.

    A child template is written as YAML with each reference relative to
    the child itself, which is how heatclient reads references back; any
    other file is written as it is stored.
    """
    if not _is_template(text):
        return text
    base = posixpath.dirname(key)

    def replace(value):
        target = _stored_target(base, value, files)
        if target is not None:
            return posixpath.relpath(target, base) if base else target
    return to_yaml(_rewrite(template_format.parse(text), replace))


def _free_name(wanted, taken):
    stem, ext = posixpath.splitext(wanted)
    name, number = wanted, 1
    while name in taken:
        name = '%s-%d%s' % (stem, number, ext)
        number += 1
    return name


def layout(name, template, files=None, environment=None):
    """The files that hold a bundle: ``(root, environment, {path: text})``.

    The root template is ``<name>.yaml`` and the environment
    ``environment.yaml`` (absent when empty), beside the child files at
    their stored paths, unless a child file already has that name.
    """
    files = files or {}
    root = _free_name('%s.yaml' % name, files)
    texts = {root: to_yaml(template)}
    env_name = None
    if environment:
        env_name = _free_name(ENVIRONMENT_FILE, set(files) | {root})
        texts[env_name] = to_yaml(environment)
    for key, text in files.items():
        texts[key] = disk_text(key, text, files)
    return root, env_name, texts


def write(output_dir, name, template, files=None, environment=None,
          overwrite=False):
    """Write a bundle under ``output_dir``; refuse to overwrite files.

    :returns: ``(root template path, environment path or None, paths)``
    :raises: errors.BundleError
    """
    root, env_name, texts = layout(name, template, files, environment)
    top = os.path.realpath(output_dir)
    targets = {}
    for key in sorted(texts):
        path = os.path.realpath(os.path.join(top, *key.split('/')))
        if not path.startswith(top + os.sep):
            raise errors.BundleError('the bundle has a file outside its '
                                     'directory: %s' % key)
        if os.path.exists(path) and not overwrite:
            raise errors.BundleError('%s already exists; choose an empty '
                                     'directory, or --overwrite' % path)
        targets[key] = path
    for key, path in targets.items():
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'wb') as f:
            f.write(texts[key].encode('utf-8'))
    return (targets[root], targets[env_name] if env_name else None,
            [targets[key] for key in sorted(targets)])


def write_version(version, output_dir, overwrite, republish):
    """Write a version's bundle; say what was written and how to publish.

    :param version: a :class:`StoredTemplateVersion` with its bundle
    :param republish: how to publish the directory again: ``command``,
        with ``%(name)s`` and ``%(template)s``, and ``environment``, the
        option added for the environment file, with ``%(environment)s``
    :returns: the text to print
    """
    root, env, paths = write(output_dir, version.template_name,
                             version.template, version.files,
                             version.environment, overwrite=overwrite)
    lines = [_('Wrote %(name)s %(version)s (%(digest)s):') % {
        'name': version.template_name, 'version': version.version,
        'digest': version.digest}]
    roles = {root: _(' (template)'), env: _(' (environment)')}
    lines.extend('  %s%s' % (path, roles.get(path, '')) for path in paths)
    command = republish['command'] % {
        'name': version.template_name, 'template': root}
    if env:
        command += republish['environment'] % {'environment': env}
    lines.extend([_('Publish it again with:'), '  ' + command])
    return '\n'.join(lines) + '\n'
