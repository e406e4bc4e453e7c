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

"""The texts of a publish body kept beside its stored form, and their
size.
"""

import posixpath

from heat_store.bundle import parse
from heat_store import references


def _same(one, other):
    return references.canonical_text(one) == references.canonical_text(other)


def kept_texts(body, template, files, environment):
    """The texts of a publish body kept with its version, or None.

    ``body`` is the body after
    :func:`heat_store.bundle.client_body.relative_body`; ``template``,
    ``files`` and ``environment`` are what is stored. A template or an
    environment sent as a string is its own text. A text sent beside the
    stored form (``template_text``, ``environment_text``, ``files_text``,
    or a ``file:///`` body's child as written) is kept only where it
    means the same: parsed, with each reference naming the same bundle
    file, it is the stored form. A text that does not mean the same is
    not kept (the client rewrote references in it); a text that is not
    YAML or JSON, or too large, is refused as the stored form would be.
    The texts are never part of the digest.

    :returns: ``{"template": text, "environment": text, "files": {path:
        text}}`` with what is kept (files only where the stored text is
        another), or None when nothing is
    """
    texts = {}
    sent = body.get('template')
    if isinstance(sent, str):
        texts['template'] = sent
    elif body.get('template_text') is not None:
        text = body['template_text']
        if _same(references.resolved(
                parse.parse_template(text, 'template_text'), files, ''),
                references.resolved(template, files, '')):
            texts['template'] = text
    sent = body.get('environment')
    if isinstance(sent, str):
        texts['environment'] = sent
    elif body.get('environment_text') is not None:
        text = body['environment_text']
        if _same(references.resolved_environment(
                parse.parse_environment(text, 'environment_text'), files),
                references.resolved_environment(environment, files)):
            texts['environment'] = text
    kept = {}
    for path, text in sorted((body.get('files_text') or {}).items()):
        stored = files.get(path)
        if stored is None or text == stored:
            continue
        child = parse.parse_file(text, path)
        stored_child = parse.parse_file(stored, path)
        base = posixpath.dirname(path)
        if (isinstance(child, dict) and isinstance(stored_child, dict) and
                _same(references.resolved(child, files, base),
                      references.resolved(stored_child, files, base))):
            kept[path] = text
    if kept:
        texts['files'] = kept
    return texts or None


def texts_size(texts):
    """The UTF-8 bytes of the texts a version keeps (the bytes quota)."""
    texts = texts or {}
    return sum(len(text.encode('utf-8')) for text in (
        [texts.get('template'), texts.get('environment')] +
        list((texts.get('files') or {}).values())) if text)
