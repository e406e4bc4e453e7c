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

"""File keys, references and canonical text: one rule for client and server.

Imported by heat-api and by the client commands alike, so it needs neither
Heat nor heatclient: parsers are passed in by the caller.

- A ``files`` key is a normalised relative path, a name inside the bundle
  (``scripts/boot.sh``, ``../common/net.yaml``); it may climb above the root
  template's directory, and the server never opens it.
- A reference (``get_file``, a template ``type:``, a ``resource_registry``
  target) names the key relative to the file that makes it, or the key
  itself, as Heat looks files up by exact key.
- A body as Heat's clients send it (references and keys as absolute URLs)
  is rebased onto the deepest directory that holds what the root template
  and its environment refer to: that is the only directory such a body
  tells. The CLI knows where the root template is, and keys relative to
  its directory, as the contract's "relative to the template" asks; the
  two give one digest whenever that directory is the deepest one (any file
  beside the root, or under it, referred to by it).
"""

import copy
import hashlib
import json
import posixpath
from urllib import parse

MAX_KEY_LENGTH = 255
DIGEST_ALGORITHM = 'sha256'
PARENT = '..'
# Keys whose string values Heat's clients rewrite to the URLs of files.
REFERENCE_KEYS = ('get_file', 'type')


class BadKey(ValueError):
    """A ``files`` key that is not a name inside the bundle."""


class BadBundle(ValueError):
    """A body of absolute URLs that cannot be made relative."""


def canonical_text(data):
    """Sorted, compact JSON: the stored form of templates and bundles.

    NaN and the infinities have no JSON form and raise ValueError.
    """
    return json.dumps(data, sort_keys=True, separators=(',', ':'),
                      ensure_ascii=False, allow_nan=False)


def bundle_document(template, files, environment):
    """What a bundle's canonical text is made of, on client and server."""
    return {
        'template': template,
        'files': dict(files or {}),
        'environment': environment or {},
    }


def digest_of(data):
    """``sha256:<hex>`` of a bundle's canonical bytes."""
    return '%s:%s' % (DIGEST_ALGORITHM, hashlib.sha256(data).hexdigest())


def template_keys(template, files, environment, parse):
    """The keys of ``files`` the bundle uses as templates.

    Found from the bundle's own references: the root template's and, in
    turn, each such child's ``type:`` references, and the environment's
    resource registry targets, each resolved by :func:`find`. ``parse(key)``
    gives a file's template (a map), or None when it is not one. Any other
    file (``get_file`` data, a cloud-config that happens to be YAML) is
    data, digested and stored as its exact text.

    :returns: ``{key: template}``
    """
    found = {}
    pending = []

    def visit(base, ref):
        key = find(files, base, ref)
        if key is not None and key not in found:
            tree = parse(key)
            if isinstance(tree, dict):
                found[key] = tree
                pending.append(key)
    for entry in registry_entries(environment):
        for value in entry.values():
            if isinstance(value, str):
                visit('', value)
    rewrite(copy.deepcopy(template), lambda value: visit('', value),
            keys=('type',))
    while pending:
        key = pending.pop()
        base = posixpath.dirname(key)
        rewrite(copy.deepcopy(found[key]),
                lambda value, base=base: visit(base, value), keys=('type',))
    return found


def resolved(tree, files, base):
    """A copy of ``tree`` whose references that name files are keys."""
    return rewrite(copy.deepcopy(tree),
                   lambda value: find(files, base, value))


def resolved_environment(environment, files):
    """A copy of ``environment`` whose registry targets that name files
    are keys.
    """
    environment = copy.deepcopy(environment or {})
    for entry in registry_entries(environment):
        for name, value in entry.items():
            if isinstance(value, str):
                entry[name] = find(files, '', value) or value
    return environment


def digest_document(template, files, environment, parse):
    """What a bundle's digest is computed over, on client and server.

    The canonical form of the root template, of the environment and of
    every file :func:`template_keys` finds (parsed, each reference as the
    key it names), so that neither formatting, comments nor the way a
    reference is spelt changes it; the exact text of every other file.
    """
    files = dict(files or {})
    digested = dict(files)
    for key, tree in template_keys(template, files, environment,
                                   parse).items():
        digested[key] = canonical_text(
            resolved(tree, files, posixpath.dirname(key)))
    return bundle_document(resolved(template, files, ''), digested,
                           resolved_environment(environment, files))


def bundle_digest(template, files, environment, parse):
    """The digest the server gives a bundle, computed anywhere.

    ``template`` and ``environment`` are maps as parsed, ``parse`` as for
    :func:`template_keys`; see :func:`digest_document`.
    """
    text = canonical_text(digest_document(template, files, environment,
                                          parse))
    return digest_of(text.encode('utf-8'))


def is_url(text):
    return isinstance(text, str) and '://' in text


def normalise_key(path):
    """A ``files`` key in its one normal form; raises BadKey.

    Absolute paths, URLs, backslashes and control characters are refused;
    leading ``../`` segments are kept, since shared fragments often live
    in a sibling folder.
    """
    if not isinstance(path, str) or not path:
        raise BadKey("file path '%s' must be a non-empty string" % (path,))
    if len(path) > MAX_KEY_LENGTH:
        raise BadKey("file path '%s...' is longer than %d characters" %
                     (path[:MAX_KEY_LENGTH], MAX_KEY_LENGTH))
    if is_url(path):
        raise BadKey("file path '%s' is a URL; files must be paths relative "
                     "to the root template, or all file:/// URLs" % path)
    if '\\' in path or any(ord(c) < 32 or c == '\x7f' for c in path):
        raise BadKey("file path '%s' has a backslash or a control "
                     "character" % path)
    if path.startswith('/'):
        raise BadKey("file path '%s' is absolute; files must be paths "
                     "relative to the root template" % path)
    normal = posixpath.normpath(path)
    if normal in ('.', PARENT) or normal.endswith('/' + PARENT):
        raise BadKey("file path '%s' names no file" % path)
    return normal


def climb(key):
    """How many directories a normal key climbs above the root's."""
    count = 0
    for part in key.split('/'):
        if part != PARENT:
            break
        count += 1
    return count


def find(files, base, ref):
    """The key of ``files`` that ``ref``, made in directory ``base``, names.

    Relative to the referring file first, then the key exactly as
    written; None when neither is a key.
    """
    try:
        key = normalise_key(posixpath.join(base, ref))
    except BadKey:
        key = None
    if key is not None and key in files:
        return key
    if ref in files:
        return ref
    return None


def rewrite(tree, replace, keys=REFERENCE_KEYS):
    """Replace, in place, every string under a reference key.

    ``replace(value)`` returns the new value, or None to keep it.
    Iterative, so that deep templates cannot exhaust the stack.
    """
    pending = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key in keys and isinstance(value, str):
                    new = replace(value)
                    if new is not None:
                        node[key] = new
                else:
                    pending.append(value)
        elif isinstance(node, list):
            pending.extend(node)
    return tree


def registry_entries(environment):
    """The maps of a resource registry that hold type -> target entries."""
    registry = (environment or {}).get('resource_registry')
    if not isinstance(registry, dict):
        return []
    entries = [registry]
    resources = registry.get('resources')
    if isinstance(resources, dict):
        entries.extend(r for r in resources.values() if isinstance(r, dict))
    return entries


# Absolute URLs

def _split(url):
    """(origin, path) of a URL; the origin is scheme and host."""
    parsed = parse.urlsplit(url)
    return ('%s://%s' % (parsed.scheme, parsed.netloc),
            parse.unquote(parsed.path))


def _common_dir(paths):
    dirs = [posixpath.dirname(p).split('/') for p in paths]
    common = []
    for parts in zip(*dirs):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return '/'.join(common) or '/'


def _referenced(tree, urls):
    found = []
    rewrite(tree, lambda v: found.append(v) if v in urls else None)
    return found


def rebase_base(template, files, environment):
    """The directory a URL body is rebased onto, as (origin, path).

    The deepest directory that holds every file the root template and the
    environment refer to (every file of the bundle when they refer to
    none), so that the root's own references stay as short as they can.
    """
    urls = set(files)
    anchors = _referenced(template, urls)
    for entry in registry_entries(environment):
        anchors.extend(v for v in entry.values()
                       if isinstance(v, str) and v in urls)
    split = [_split(url) for url in (anchors or sorted(urls))]
    origins = {origin for origin, _path in split}
    if len(origins) != 1:
        raise BadBundle('the files come from %s; a bundle is made of files '
                        'from one place' % ', '.join(sorted(origins)))
    return origins.pop(), _common_dir([path for _o, path in split])


def _keys(files, origin, base):
    keys = {}
    seen = {}
    for url in sorted(files):
        url_origin, path = _split(url)
        if url_origin != origin:
            raise BadBundle('%s is not from %s, where the rest of the bundle '
                            'is' % (url, origin))
        key = normalise_key(posixpath.relpath(path, base))
        if key in seen:
            raise BadBundle('%s and %s are one file' % (seen[key], url))
        seen[key] = url
        keys[url] = key
    return keys


def reference(key, base, files):
    """How a file in directory ``base`` refers to the file ``key``.

    The key itself, which Heat finds by exact key; but :func:`find` tries
    the reference relative to the referrer first, so where that names
    another file of the bundle the relative form is written instead.
    """
    if base:
        first = posixpath.normpath(posixpath.join(base, key))
        if first != key and first in files:
            return posixpath.relpath(key, base)
    return key


def rebase(template, files, environment, parse_template, root_url=None,
           origins=None):
    """A bundle of absolute URLs, as Heat's clients build it, made relative.

    :param template: the root template, references as absolute URLs
    :param files: URL -> text, as heatclient or openstacksdk collect them
    :param environment: the merged environment, registry targets as URLs
    :param parse_template: parses a file's text as a template, raising
        ValueError when it is none (heatclient's ``is_template`` test)
    :param root_url: the root template's own URL, when known (the CLI
        read it): keys are then relative to its directory; otherwise to
        :func:`rebase_base`
    :param origins: a map to fill, when given, with the URL of each file
        (by its new key) whose stored text is another than it had
    :returns: ``(template, files, environment)``; every file the bundle
        uses as a template (:func:`template_keys`) is stored as
        :func:`canonical_text` with its references rewritten, so the same
        tree gives the same bundle from anywhere; any other file keeps
        its exact text, unless it names files by their URLs
    :raises: BadBundle, BadKey
    """
    if root_url is None:
        origin, base = rebase_base(template, files, environment)
    else:
        origin, path = _split(root_url)
        base = posixpath.dirname(path)
    keys = _keys(files, origin, base)
    texts = {keys[url]: text for url, text in files.items()}
    urls = {key: url for url, key in keys.items()}

    def converter(directory):
        def replace(value):
            if value in keys:
                return reference(keys[value], directory, texts)
        return replace

    def parse(url):
        try:
            return parse_template(files[url])
        except (ValueError, TypeError):
            return None
    templates = {keys[url] for url in template_keys(template, files,
                                                    environment, parse)}
    result = {}
    for key, text in texts.items():
        child = parse(urls[key]) if key in templates else None
        if child is None and any(url in text for url in keys):
            # Data that names files (heatclient rewrote it): made
            # relative too, or it would keep the publisher's paths.
            child = parse(urls[key])
        if isinstance(child, dict):
            stored = canonical_text(
                rewrite(child, converter(posixpath.dirname(key))))
            if origins is not None and stored != text:
                origins[key] = urls[key]
            text = stored
        result[key] = text
    root = rewrite(copy.deepcopy(template), converter(''))
    env = copy.deepcopy(environment or {})
    replace = converter('')
    for entry in registry_entries(env):
        # NOTE: base_url only told the client where to read relative
        # entries, all now rewritten; it names the publisher's directory.
        entry.pop('base_url', None)
        for name, value in entry.items():
            if isinstance(value, str):
                new = replace(value)
                if new is not None:
                    entry[name] = new
    return root, result, env


# Laying a bundle out in a directory

def root_directory(keys, name):
    """Where the root template goes, relative to the output directory.

    The output directory is the deepest folder common to every file: as
    many levels above the root's directory as its keys climb. The levels
    between are given ``name`` (``name-1``... where a file of the bundle
    already has that name at that level): the bundle does not know what
    they were called, and any name gives the same bundle back.
    """
    depth = max([climb(key) for key in keys] or [0])
    parts = []
    for level in range(depth):
        # Keys climbing exactly depth - level see this level's names.
        taken = {key.split('/')[depth - level] for key in keys
                 if climb(key) == depth - level}
        part, number = name, 1
        while part in taken:
            part = '%s-%d' % (name, number)
            number += 1
        parts.append(part)
    return '/'.join(parts)
