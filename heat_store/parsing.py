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

"""The parse gate: the one place where YAML or JSON text is parsed.

Every text that enters the server or the client as YAML or JSON (a
template, an environment, a child file, a ``file:///`` file or an
environment file of a body as Heat's clients send it, a downloaded
bundle's files) is parsed by :func:`load`, which refuses, before anything
can walk or copy the result:

- a text longer than the limit;
- YAML whose anchors and aliases would expand past the limit (an "alias
  bomb": a few hundred bytes can stand for billions of nodes), or that
  refers to itself;
- a document nested more than :data:`MAX_NESTING` levels.

The YAML is composed once into its node graph, where aliases are still
shared, checked there, and constructed from that same graph, so the
checks cost time linear in the text. A text without an alias (no ``*``
in it, as almost every template) is a tree, measured by a plain walk
(:func:`tree_size`); one with aliases by :func:`expanded_size`. The YAML
and JSON semantics are Heat's own (``heat.common.template_format``): a
safe loader that keeps strings and timestamps as strings, JSON tried
first for templates, YAML only for environments. Imported by heat-api
and the client commands alike, so it needs neither Heat nor heatclient
(a unit test keeps every other loader call out of ``heat_store``).
"""

import json
import re

import yaml

from heat_store.client.i18n import _

# How deep a template or environment may nest. Heat's engine and the RPC
# serialisation of a template recurse several frames per level, so a few
# hundred levels end in a RecursionError; real templates use a dozen.
MAX_NESTING = 100
# Heat's default max_json_body_size: the limit where no option says one
# (the client, the dashboard).
DEFAULT_LIMIT = 1048576
# The keys that make a map a template, for Heat and heatclient alike.
VERSION_KEYS = ('heat_template_version', 'HeatTemplateFormatVersion',
                'AWSTemplateFormatVersion')

# Formats: a template is JSON or YAML, JSON tried first
# (template_format.simple_parse); an environment is YAML
# (environment_format.parse).
TEMPLATE = 'template'
ENVIRONMENT = 'environment'

_LoaderBase = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)


class _Loader(_LoaderBase):
    """Heat's YAML loader: a safe loader, strings and dates as text."""


_Loader.add_constructor('tag:yaml.org,2002:str', _Loader.construct_scalar)
_Loader.add_constructor('tag:yaml.org,2002:timestamp',
                        _Loader.construct_scalar)


class Refused(Exception):
    """A text over a limit: too long, expanding too far or too deep.

    Not a ValueError, so that no "is this a template?" test mistakes it
    for a text that merely is not one.
    """


class NotParsed(ValueError):
    """A text that is not YAML or JSON of the expected kind."""


# Checks on the node graph

def _node_children(node):
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [item for pair in node.value for item in pair]
    return []


def expanded_size(root, limit):
    """The size and depth of a composed YAML document, aliases expanded.

    A collection counts one, a scalar the length of its value (at least
    one), so that a long string repeated by aliases counts as often as
    it is used; the sum is a lower bound of the document's JSON length.
    The depth counts collections, as :func:`check_nesting` does. Shared
    (aliased) nodes are counted once per use, memoised by node so the
    walk is linear in the unique nodes. Stops as soon as ``limit`` is
    passed. Returns ``(size, depth)``, or None for a recursive alias,
    which never ends.
    """
    sizes = {}
    on_path = set()
    stack = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        children = _node_children(node)
        if finished:
            on_path.discard(key)
            if isinstance(node, yaml.ScalarNode):
                own, depth = max(1, len(node.value)), 0
            else:
                own = 1
                depth = 1 + max((sizes[id(c)][1] for c in children),
                                default=0)
            size = own + sum(sizes[id(child)][0] for child in children)
            sizes[key] = (size, depth)
            if size > limit:
                return size, depth
        elif key in on_path:
            return None
        elif key not in sizes:
            on_path.add(key)
            stack.append((node, True))
            stack.extend((child, False) for child in children)
    return sizes[id(root)]


def tree_size(root, limit):
    """:func:`expanded_size` of a document without aliases.

    Without an alias no node is shared and none can be its own ancestor,
    so the graph is a tree: one walk, with no memo and no path to keep,
    gives the same ``(size, depth)`` (several times faster). Stops as
    soon as ``limit`` is passed.
    """
    size = deepest = 0
    pending = [(root, 1)]
    while pending:
        node, depth = pending.pop()
        if type(node) is yaml.ScalarNode:
            size += len(node.value) or 1
            continue
        size += 1
        if size > limit:
            break
        deepest = max(deepest, depth)
        pending.extend((child, depth + 1) for child in _node_children(node))
    return size, deepest


def _has_alias(text):
    """Whether a YAML text may hold an alias: every alias starts with '*'."""
    return '*' in text


def check_nesting(data, name):
    """Refuse a parsed document nested deeper than MAX_NESTING.

    Iterative, so that the check itself cannot exhaust the stack.
    """
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > MAX_NESTING:
            raise _too_deep(name)
        stack.extend((child, depth + 1) for child in children)


def _too_deep(name):
    return Refused(_('%(name)s is nested more than %(max)d levels deep') %
                   {'name': name, 'max': MAX_NESTING})


# Syntax errors, shown as ``openstack stack create`` shows Heat's

# The line breaks YAML counts lines by.
_YAML_LINE_BREAK = re.compile('\r\n|[\n\r\x85\u2028\u2029]')
_SNIPPET_WIDTH = 76


def _snippet(lines, mark):
    """The line a mark points into and a caret under it, as PyYAML shows
    them (libyaml's marks carry no text to show), or None for a blank
    line. A long line is cut to a window around the caret.
    """
    if mark.line >= len(lines) or not lines[mark.line].strip():
        return None
    line, column = lines[mark.line], mark.column
    start = max(0, min(column - _SNIPPET_WIDTH // 2,
                       len(line) - _SNIPPET_WIDTH))
    head = '... ' if start else ''
    tail = ' ...' if len(line) > start + _SNIPPET_WIDTH else ''
    shown = head + line[start:start + _SNIPPET_WIDTH] + tail
    caret = ' ' * (len(head) + column - start) + '^'
    return '    %s\n    %s' % (shown.expandtabs(1), caret)


def _syntax_error(name, error, text):
    """A YAML syntax error with its place and the parser's context lines.

    The first line says where and what; below it the offending line with
    a caret, and what the parser was reading when it failed, with its line.
    """
    mark = getattr(error, 'problem_mark', None)
    problem = getattr(error, 'problem', None) or str(error)
    if mark is None:
        return NotParsed(_('%(name)s is not valid YAML: %(problem)s') %
                         {'name': name, 'problem': problem})
    lines = _YAML_LINE_BREAK.split(text)
    parts = [_('%(name)s is not valid YAML at line %(line)d, column '
               '%(column)d: %(problem)s') % {
        'name': name, 'line': mark.line + 1, 'column': mark.column + 1,
        'problem': problem}]
    parts.append(_snippet(lines, mark))
    context, where = (getattr(error, 'context', None),
                      getattr(error, 'context_mark', None))
    if context and where is not None:
        parts.append(_('%(context)s at line %(line)d, column %(column)d:') % {
            'context': context, 'line': where.line + 1,
            'column': where.column + 1})
        parts.append(_snippet(lines, where))
    return NotParsed('\n'.join(part for part in parts if part))


# The gate

def _load_yaml(text, name, limit, limit_name):
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        if _has_alias(text):
            measured = expanded_size(root, limit)
        else:
            measured = tree_size(root, limit)
        if measured is None:
            raise Refused(_('%(name)s has a recursive YAML alias') %
                          {'name': name})
        size, depth = measured
        if size > limit:
            raise Refused(_('%(name)s expands its YAML aliases to more '
                            'than %(limit)d characters (%(option)s)') %
                          {'name': name, 'limit': limit,
                           'option': limit_name})
        if depth > MAX_NESTING:
            raise _too_deep(name)
        return loader.construct_document(root)
    except yaml.YAMLError as error:
        raise _syntax_error(name, error, text)
    except RecursionError:
        # Only the pure-Python composer recurses; libyaml stops at depth
        # 1000 with a YAMLError.
        raise _too_deep(name)
    finally:
        loader.dispose()


_NOT_JSON = object()


def _load_json(text, name):
    try:
        data = json.loads(text)
    except RecursionError:
        raise _too_deep(name)
    except ValueError:
        return _NOT_JSON
    check_nesting(data, name)
    return data


def load(text, name, limit=DEFAULT_LIMIT, kind=TEMPLATE,
         limit_name='max_template_size'):
    """Parse YAML or JSON text, within the limits; the only way in.

    :param text: the text, as sent or stored
    :param name: what the text is, for messages (a file's key)
    :param limit: how many characters the text, and the document it
        stands for, may have
    :param kind: :data:`TEMPLATE` (JSON first, then YAML, as Heat parses
        a template) or :data:`ENVIRONMENT` (YAML, as Heat parses an
        environment)
    :param limit_name: the option that sets ``limit``, for messages
    :returns: the document (None for an empty YAML text)
    :raises: Refused over a limit; NotParsed for text that is neither
    """
    if not isinstance(text, str):
        raise NotParsed(_('%(name)s must be a YAML or JSON string') %
                        {'name': name})
    if len(text) > limit:
        raise Refused(_('%(name)s is %(length)d characters; at most '
                        '%(limit)d are allowed (%(option)s)') %
                      {'name': name, 'length': len(text), 'limit': limit,
                       'option': limit_name})
    if kind == TEMPLATE:
        data = _load_json(text, name)
        if data is not _NOT_JSON:
            return data
    return _load_yaml(text, name, limit, limit_name)


def load_template(text, name, limit=DEFAULT_LIMIT,
                  limit_name='max_template_size'):
    """A template's text as a map, by Heat's rules for what one is.

    :raises: Refused over a limit; NotParsed for text that is not a
        template (heatclient's ``is_template`` test is this one)
    """
    data = load(text, name, limit, TEMPLATE, limit_name)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise NotParsed(_('%s: The template is not a JSON object or YAML '
                          'mapping.') % name)
    if not any(key in data for key in VERSION_KEYS):
        raise NotParsed(_('%s: Template format version not found.') % name)
    return data


def load_environment(text, name, limit=DEFAULT_LIMIT,
                     limit_name='max_template_size'):
    """An environment's text as a map (its sections are not checked).

    :raises: Refused over a limit; NotParsed for text that is not a map
    """
    data = load(text, name, limit, ENVIRONMENT, limit_name)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise NotParsed(_('%s: The environment is not a valid YAML '
                          'mapping data type.') % name)
    return data
