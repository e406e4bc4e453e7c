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

"""Parsing a bundle's texts: every text goes through the gate,
heat_store.parsing, by Heat's rules and limits.
"""

import contextlib

from oslo_config import cfg

from heat.common import environment_format
from heat.common import exception as heat_exc
from heat.common.i18n import _
from heat.common import template_format

from heat_store.bundle import formats
from heat_store import exception
from heat_store import parsing


def _check_dict_size(data, name):
    length = len(formats.json_text(data, name))
    limit = cfg.CONF.max_template_size
    if length > limit:
        raise formats.invalid(
            _('%(name)s is %(length)d bytes as JSON, more than '
              'the %(limit)d bytes allowed'),
            name=name, length=length, limit=limit)


def _gate(load, text, name):
    """One of the gate's loaders, its refusals as InvalidBundle."""
    try:
        return load(text, name, cfg.CONF.max_template_size)
    except (parsing.Refused, parsing.NotParsed) as error:
        raise exception.InvalidBundle(reason=str(error))


def parse_template(text_or_dict, name):
    """Parse a template through the gate, by Heat's rules.

    A dict (a JSON body's map: it has no aliases) is taken as it is, with
    the nesting and size limits the gate applies to text.
    """
    if isinstance(text_or_dict, dict):
        _check_nesting(text_or_dict, name)
        _check_dict_size(text_or_dict, name)
        return text_or_dict
    if not isinstance(text_or_dict, str):
        raise formats.invalid(_('%(name)s must be a YAML or JSON string or an '
                                'object'), name=name)
    with _heat_errors_named(name):
        # Heat's own size message first, as stack create gives it.
        template_format.validate_template_limit(text_or_dict)
    parsed = _gate(parsing.load_template, text_or_dict, name)
    # Refuses what has no JSON form (YAML's .nan and .inf), by name.
    formats.json_text(parsed, name)
    return parsed


def parse_environment(text_or_dict, name='environment'):
    """Parse an environment through the gate; None is an empty one.

    Its sections are checked by Heat's ``environment_format``.
    """
    if text_or_dict is None:
        return {}
    if isinstance(text_or_dict, dict):
        _check_nesting(text_or_dict, name)
        formats.json_text(text_or_dict, name)
        environment = text_or_dict
    elif isinstance(text_or_dict, str):
        environment = _gate(parsing.load_environment, text_or_dict, name)
        formats.json_text(environment, name)
    else:
        raise formats.invalid(
            _('%(name)s: must be a YAML string or an object'),
            name=name)
    with _heat_errors_named(name):
        return environment_format.validate(environment)


def _check_nesting(data, name):
    """The gate's nesting limit on a map sent as JSON."""
    try:
        parsing.check_nesting(data, name)
    except parsing.Refused as error:
        raise exception.InvalidBundle(reason=str(error))


def parse_file(text, name):
    """A bundle file through the gate: its template, or None.

    Any file may be parsed as a template later (by Heat's engine, which
    tries every file, or by a client that downloads it), so each must be
    within the gate's limits even when it is not a template; a file that
    is no template (a script, plain text) gives None.
    """
    try:
        return parsing.load_template(text, name, cfg.CONF.max_template_size)
    except parsing.NotParsed:
        return None
    except parsing.Refused as error:
        raise exception.InvalidBundle(reason=str(error))


def check_files(files):
    """Every file of a bundle through the gate, before anything walks it.

    :returns: ``{key: template or None}``
    """
    return {key: parse_file(text, key)
            for key, text in sorted(files.items())}


def child_template(files, path, trees=None):
    """The file ``path`` as a template, refused as :func:`parse_template`
    refuses one.

    ``trees`` is what :func:`check_files` gave for ``files``, when known:
    a file it found to be a template is not parsed again, only checked
    for a JSON form (its size was checked with every file's).
    """
    tree = trees.get(path) if trees is not None else None
    if not isinstance(tree, dict):
        return parse_template(files[path], path)
    formats.json_text(tree, path)
    return tree


@contextlib.contextmanager
def _heat_errors_named(name):
    """Heat's parse and validation errors as InvalidBundle naming ``name``."""
    try:
        yield
    except exception.InvalidBundle:
        raise
    except (ValueError, heat_exc.HeatException) as error:
        raise formats.invalid('%(name)s: %(message)s', name=name,
                              message=str(error))
