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

"""Publish bodies as Heat's clients send them: absolute ``file:///``
keys and ``environment_files`` made into a bundle.
"""

import json
import posixpath

from heat.common import environment_format
from heat.common import exception as heat_exc
from heat.common.i18n import _

from heat_store.bundle import file_references
from heat_store.bundle import formats
from heat_store.bundle import parse
from heat_store import references


FILE_URL = 'file:///'


def _child_template(text):
    """A file's text as a template, as heatclient's is_template takes it."""
    # Every file went through the gate first, by name.
    return parse.parse_file(text, _('file'))


def _merge_environment_files(template, files, environment, names):
    """The environment with ``environment_files`` merged, as Heat does it.

    Heat's own merge (``environment_util.merge_environments``), in order
    over the body's environment; sections it leaves empty are dropped
    unless the body had them, so that the result is the one environment
    the store's CLI sends for the same files.
    """
    # Imported here: the engine's template module is only needed for
    # bodies that name environment files.
    from heat.common import environment_util
    from heat.engine import template as heat_template

    if not isinstance(names, list) or not all(
            isinstance(name, str) for name in names):
        raise formats.invalid(
            _('environment_files must be a list of files keys'))
    missing = [name for name in names if name not in files]
    if missing:
        raise formats.invalid(_("environment file '%(name)s' is not in files"),
                              name=missing[0])
    merged = json.loads(json.dumps(environment))
    environment_format.default_for_missing(merged)
    try:
        schemata = heat_template.Template(
            template, files=files).all_param_schemata(files)
        environment_util.merge_environments(names, files, merged, schemata)
    except (ValueError, TypeError, KeyError, AttributeError,
            heat_exc.HeatException) as error:
        raise formats.invalid(_('%(name)s: %(message)s'),
                              name=formats.ENVIRONMENT,
                              message=str(error))
    return {section: value for section, value in merged.items()
            if value or section in environment}


def relative_body(body):
    """A publish body with absolute ``file:///`` keys made relative.

    Heat's clients (heatclient's ``template_utils``, ``openstack stack
    create``, openstacksdk) key ``files`` and write every reference as the
    publisher's ``file:///`` URLs, and may name ``environment_files`` to
    merge. Such a body is rebased by :func:`heat_store.references.rebase`
    onto the deepest directory holding what the root template and its
    environment refer to, as the store's CLI does, so both give one digest.
    A body with relative keys is returned as it is; another URL scheme, or
    URLs mixed with relative keys, is refused.
    """
    files = body.get('files') or {}
    urls = sorted(key for key in files if references.is_url(key))
    names = body.get('environment_files')
    if not urls and not names:
        return body
    for url in urls:
        if not url.lower().startswith(FILE_URL):
            raise formats.invalid(
                _("file path '%(path)s' is a URL; files must be "
                  "paths relative to the root template, or "
                  "file:/// URLs as Heat's clients send them"),
                path=url[:255])
    if urls and len(urls) != len(files):
        raise formats.invalid(
            _("files mixes file:/// URLs ('%(url)s') with "
              "relative paths; a bundle uses one or the other"),
            url=urls[0][:255])
    for url in urls:
        if not isinstance(files[url], str):
            raise formats.invalid(_("file '%(path)s' must be text"), path=url)
    # The gate first: nothing below may walk a text it has not passed.
    trees = parse.check_files(files)
    template = parse.parse_template(body.get('template'), 'template')
    environment = parse.parse_environment(body.get('environment'))
    files = dict(files)
    if names:
        environment = _merge_environment_files(template, files,
                                               environment, names)
        # The environment files are merged; they are not bundle files
        # unless a template refers to them.
        used = set()
        for tree in [template] + list(trees.values()):
            if isinstance(tree, dict):
                references.rewrite(tree, used.add)
        for name in names:
            if name not in used:
                files.pop(name, None)
    origins = {}
    if urls:
        sent = files
        try:
            template, files, environment = references.rebase(
                template, files, environment, _child_template,
                origins=origins)
        except (references.BadBundle, references.BadKey) as error:
            raise formats.invalid('%(message)s', message=str(error))
    body = dict(body, template=template, files=files,
                environment=environment)
    if origins:
        # The children as sent, for kept_texts to keep where they mean
        # the same (heatclient sends them rewritten: those are not).
        body['files_text'] = {key: sent[url] for key, url in origins.items()}
    body.pop('environment_files', None)
    return body


def _is_absolute_key(key):
    return (isinstance(key, str) and key.startswith('/') and
            not references.is_url(key))


def absolute_keys_made_relative(body):
    """A publish body whose absolute path keys are names inside the bundle.

    Heat looks files up by the exact key a template writes, so a template
    that says ``get_file: /cfg1.sh`` builds with ``files: {"/cfg1.sh":
    ...}``. A bundle's keys are relative paths, never paths the server
    opens: the root template's directory stands for ``/`` (``/cfg1.sh``
    is stored as ``cfg1.sh``) and every reference to such a key, in the
    templates and the environment's registry, is rewritten to the stored
    key, so the stack built from the store reads the same content. A
    relative key that is another file already is refused.
    """
    files = body.get('files')
    if not isinstance(files, dict):
        return body
    absolute = sorted(key for key in files if _is_absolute_key(key))
    if not absolute:
        return body
    keys = {}
    for key in absolute:
        new = file_references.normalise_path(key.lstrip('/'))
        if new in files and files[new] != files[key] or new in keys.values():
            raise formats.invalid(
                _("file paths '%(path)s' and '%(other)s' are two "
                  "files where the bundle has room for one"),
                path=key, other=new)
        keys[key] = new
    new_files = {keys.get(key, key): text for key, text in files.items()}

    def converter(directory):
        def replace(value):
            if value in keys:
                return references.reference(keys[value], directory,
                                            new_files)
        return replace

    template = references.rewrite(
        parse.parse_template(body.get('template'), 'template'), converter(''))
    for key, text in list(new_files.items()):
        tree = parse.parse_file(text, key) if isinstance(text, str) else None
        if not isinstance(tree, dict):
            continue
        found = []
        references.rewrite(
            tree, lambda value: found.append(value) if value in keys
            else None)
        if found:
            new_files[key] = references.canonical_text(references.rewrite(
                tree, converter(posixpath.dirname(key))))
    environment = parse.parse_environment(body.get('environment'))
    replace = converter('')
    for entry in references.registry_entries(environment):
        for name, value in entry.items():
            if isinstance(value, str) and replace(value) is not None:
                entry[name] = replace(value)
    return dict(body, template=template, files=new_files,
                environment=environment)
