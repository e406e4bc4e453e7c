"""Template bundles: parsing, canonical form, references and interface.

A bundle is a root template, ``files`` (relative path -> text) and an
optional environment. Its canonical JSON form is what is stored, sized
and digested, so that the same bundle has the same digest wherever it is
computed and whichever of YAML, JSON or a dict it was sent as.
"""

import hashlib
import json
import posixpath

from oslo_config import cfg
import yaml

from heat.common import environment_format
from heat.common import exception as heat_exc
from heat.common.i18n import _
from heat.common import template_format

from heat_store import exception

cfg.CONF.import_opt('max_template_size', 'heat.common.config')

MAX_PATH_LENGTH = 255
# How deep a template or environment may nest. Heat's engine and the RPC
# serialisation of a template recurse several frames per level, so a few
# hundred levels end in a RecursionError; real templates use a dozen.
MAX_NESTING = 100
ROOT = 'root template'
ENVIRONMENT = 'environment'
DIGEST_ALGORITHM = 'sha256'
TEMPLATE_SUFFIXES = ('.yaml', '.yml', '.template', '.json')
URL_PREFIXES = ('http://', 'https://', 'file://', 'ftp://')

# Resources whose properties define further resources by type; Heat looks
# these types up in ``files`` like any resource type.
_NESTED_DEFINITIONS = {
    'OS::Heat::ResourceGroup': 'resource_def',
    'OS::Heat::AutoScalingGroup': 'resource',
}
_RESOURCE_CHAIN = 'OS::Heat::ResourceChain'

_yaml_composer = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)


def _invalid(reason, **kwargs):
    return exception.InvalidBundle(reason=reason % kwargs)


# Parsing

def _expanded_size(root, limit):
    """The size of a composed YAML document as if its aliases expanded.

    A collection counts one, a scalar the length of its value (at least
    one), so that a long string repeated by aliases counts as often as
    it is used; the sum is a lower bound of the document's JSON length.
    Shared (aliased) nodes are counted once per use, memoised by node so
    the walk is linear in the unique nodes. Stops as soon as ``limit`` is
    passed; returns None for a recursive alias, which never ends.
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
            own = (max(1, len(node.value))
                   if isinstance(node, yaml.ScalarNode) else 1)
            sizes[key] = own + sum(sizes[id(child)] for child in children)
            if sizes[key] > limit:
                return sizes[key]
        elif key in on_path:
            return None
        elif key not in sizes:
            on_path.add(key)
            stack.append((node, True))
            stack.extend((child, False) for child in children)
    return sizes[id(root)]


def _node_children(node):
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [item for pair in node.value for item in pair]
    return []


def _syntax_error(name, error):
    mark = getattr(error, 'problem_mark', None)
    problem = getattr(error, 'problem', None) or str(error)
    if mark is None:
        return _invalid(_('%(name)s is not valid YAML: %(problem)s'),
                        name=name, problem=problem)
    return _invalid(_('%(name)s is not valid YAML at line %(line)d, '
                      'column %(column)d: %(problem)s'),
                    name=name, line=mark.line + 1, column=mark.column + 1,
                    problem=problem)


def check_yaml_expansion(text, name):
    """Refuse YAML whose anchors and aliases expand too far.

    Loading keeps aliases shared, but Heat and the canonical JSON form
    copy them out, so a few hundred bytes of nested aliases (an "alias
    bomb") can become billions of nodes, and a long string repeated by
    aliases gigabytes. The node graph is composed without expanding it,
    and refused when its expanded size (see :func:`_expanded_size`)
    exceeds ``max_template_size``: such a document would expand to more
    than the size Heat allows a template, while the work to find out
    stays linear in the text. A template using a few anchors stays far
    below the limit.
    Recursive aliases, which never end, are refused too.
    """
    try:
        root = yaml.compose(text, Loader=_yaml_composer)
    except yaml.YAMLError as error:
        try:
            # JSON that PyYAML's YAML 1.1 reader trips on has no aliases.
            json.loads(text)
            return
        except ValueError:
            raise _syntax_error(name, error)
    except RecursionError:
        # Only the pure-Python composer recurses; libyaml stops at depth
        # 1000 with a YAMLError.
        raise _invalid(_('%(name)s is nested too deeply'), name=name)
    if root is None:
        return
    limit = cfg.CONF.max_template_size
    size = _expanded_size(root, limit)
    if size is None:
        raise _invalid(_('%(name)s has a recursive YAML alias'), name=name)
    if size > limit:
        raise _invalid(_('%(name)s expands its YAML aliases to more than '
                         '%(limit)d characters (max_template_size)'),
                       name=name, limit=limit)


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
            raise _invalid(_('%(name)s is nested more than %(max)d levels '
                             'deep'), name=name, max=MAX_NESTING)
        stack.extend((child, depth + 1) for child in children)


def _check_dict_size(data, name):
    length = len(_dumps(data, name))
    limit = cfg.CONF.max_template_size
    if length > limit:
        raise _invalid(_('%(name)s is %(length)d bytes as JSON, more than '
                         'the %(limit)d bytes allowed'),
                       name=name, length=length, limit=limit)


def parse_template(text_or_dict, name):
    """Parse a template with Heat's own parser, checking aliases first.

    A dict is taken as it is, with the size limit Heat applies to text.
    """
    if isinstance(text_or_dict, dict):
        check_nesting(text_or_dict, name)
        _check_dict_size(text_or_dict, name)
        return text_or_dict
    if not isinstance(text_or_dict, str):
        raise _invalid(_('%(name)s must be a YAML or JSON string or an '
                         'object'), name=name)
    try:
        # Size first: there is no point composing an oversized document.
        template_format.validate_template_limit(text_or_dict)
        check_yaml_expansion(text_or_dict, name)
        parsed = template_format.parse(text_or_dict, tmpl_url=name)
        check_nesting(parsed, name)
        # Refuses what has no JSON form (YAML's .nan and .inf), by name.
        _dumps(parsed, name)
        return parsed
    except exception.InvalidBundle:
        raise
    except (ValueError, heat_exc.HeatException) as error:
        raise _invalid('%(name)s: %(message)s', name=name,
                       message=str(error))


def parse_environment(text_or_dict, name='environment'):
    """Parse an environment with Heat's parser; None is an empty one."""
    if text_or_dict is None:
        return {}
    try:
        if isinstance(text_or_dict, dict):
            check_nesting(text_or_dict, name)
            _dumps(text_or_dict, name)
            return environment_format.validate(text_or_dict)
        if not isinstance(text_or_dict, str):
            raise ValueError(_('must be a YAML string or an object'))
        check_yaml_expansion(text_or_dict, name)
        parsed = environment_format.parse(text_or_dict)
        check_nesting(parsed, name)
        # Refuses what has no JSON form (YAML's .nan and .inf), by name.
        _dumps(parsed, name)
        return parsed
    except exception.InvalidBundle:
        raise
    except (ValueError, heat_exc.HeatException) as error:
        raise _invalid('%(name)s: %(message)s', name=name,
                       message=str(error))


# Canonical form

def _dumps(data, name):
    # NOTE: NaN and the infinities (JSON's NaN, YAML's .nan and .inf) have
    # no JSON form: the canonical text would not be JSON, and clients could
    # neither read the version back nor recompute its digest.
    try:
        return json.dumps(data, sort_keys=True, separators=(',', ':'),
                          ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise _invalid(_('%(name)s cannot be stored as JSON: %(error)s'),
                       name=name, error=error)


def canonical_bytes(template_dict, files, environment_dict):
    """The stored form of a bundle: sorted, compact JSON in UTF-8.

    Files stay text. Its length is the bundle's size.
    """
    document = {
        'template': template_dict,
        'files': dict(files or {}),
        'environment': environment_dict or {},
    }
    return _dumps(document, _('bundle')).encode('utf-8')


def digest_of(data):
    """'sha256:<hex>' of canonical bytes already computed."""
    return '%s:%s' % (DIGEST_ALGORITHM, hashlib.sha256(data).hexdigest())


def digest(template_dict, files, environment_dict):
    """Digest of a bundle's canonical form."""
    return digest_of(canonical_bytes(template_dict, files, environment_dict))


# Paths and references

def _is_url(path):
    return path.lower().startswith(URL_PREFIXES)


def normalise_path(path):
    """Normalise a ``files`` key, which must stay inside the bundle.

    Keys are paths relative to the root template; absolute paths, URLs
    and '..' escaping the root could make Heat read something else.
    """
    if not isinstance(path, str) or not path:
        raise _invalid(_("file path '%(path)s' must be a non-empty "
                         "string"), path=path)
    if len(path) > MAX_PATH_LENGTH:
        raise _invalid(_("file path '%(path)s...' is longer than "
                         "%(max)d characters"),
                       path=path[:MAX_PATH_LENGTH], max=MAX_PATH_LENGTH)
    if _is_url(path) or '://' in path:
        raise _invalid(_("file path '%(path)s' is a URL; files must be "
                         "paths relative to the root template"), path=path)
    if '\\' in path or any(ord(c) < 32 for c in path):
        raise _invalid(_("file path '%(path)s' has a backslash or a "
                         "control character"), path=path)
    if path.startswith('/'):
        raise _invalid(_("file path '%(path)s' is absolute; files must be "
                         "paths relative to the root template"), path=path)
    normal = posixpath.normpath(path)
    if normal == '..' or normal.startswith('../'):
        raise _invalid(_("file path '%(path)s' points outside the "
                         "bundle"), path=path)
    if normal == '.':
        raise _invalid(_("file path '%(path)s' names no file"), path=path)
    return normal


def normalise_files(files):
    """Normalise the keys of ``files`` and check every value is text."""
    if files is None:
        return {}
    if not isinstance(files, dict):
        raise _invalid(_('files must be an object of path to text'))
    result = {}
    for path, text in files.items():
        normal = normalise_path(path)
        if not isinstance(text, str):
            raise _invalid(_("file '%(path)s' must be text"), path=path)
        if normal in result:
            raise _invalid(_("file path '%(path)s' is given twice"),
                           path=normal)
        result[normal] = text
    return result


def _looks_like_template(resource_type):
    return (isinstance(resource_type, str) and
            (resource_type.endswith(TEMPLATE_SUFFIXES) or
             '/' in resource_type))


def _get_file_refs(tree):
    """Yield (argument, location) for every get_file in a tree.

    Iterative, so that a deeply nested template cannot exhaust the stack.
    """
    stack = [(tree, '')]
    while stack:
        node, where = stack.pop()
        if isinstance(node, dict):
            if 'get_file' in node:
                yield node['get_file'], where or _('the top level')
            items = [('%s.%s' % (where, key) if where else str(key), value)
                     for key, value in node.items() if key != 'get_file']
        elif isinstance(node, list):
            items = [('%s[%d]' % (where, index), value)
                     for index, value in enumerate(node)]
        else:
            continue
        stack.extend((value, location)
                     for location, value in reversed(items))


def _type_refs(template):
    """Yield (type, location, holder, key) for every resource type.

    ``holder[key]`` is where the type is written, so that callers can
    rewrite it in place.
    """
    for section, type_key, props_key in (('resources', 'type', 'properties'),
                                         ('Resources', 'Type', 'Properties')):
        resources = template.get(section)
        if not isinstance(resources, dict):
            continue
        for name, definition in resources.items():
            if not isinstance(definition, dict):
                continue
            where = '%s.%s' % (section, name)
            rtype = definition.get(type_key)
            yield rtype, '%s.%s' % (where, type_key), definition, type_key
            props = definition.get(props_key)
            if not isinstance(props, dict):
                continue
            nested_key = (_NESTED_DEFINITIONS.get(rtype)
                          if isinstance(rtype, str) else None)
            nested = props.get(nested_key)
            if isinstance(nested, dict):
                yield nested.get('type'), '%s.%s.%s.type' % (
                    where, props_key, nested_key), nested, 'type'
            chain = props.get('resources')
            if rtype == _RESOURCE_CHAIN and isinstance(chain, list):
                for index, chained in enumerate(chain):
                    yield chained, '%s.%s.resources[%d]' % (
                        where, props_key, index), chain, index


def _template_type_refs(template):
    return [(rtype, where) for rtype, where, _h, _k in _type_refs(template)
            if _looks_like_template(rtype)]


def resource_types(template_dict):
    """The resource types a template uses that are not template files."""
    return sorted({rtype for rtype, _w, _h, _k in _type_refs(template_dict)
                   if isinstance(rtype, str) and
                   not _looks_like_template(rtype)})


def _env_refs(environment):
    """Yield (target, location) for registry entries naming files."""
    registry = (environment or {}).get('resource_registry')
    if not isinstance(registry, dict):
        return
    for key, value in registry.items():
        where = 'resource_registry.%s' % key
        if key == 'resources' and isinstance(value, dict):
            for resource, entries in value.items():
                if not isinstance(entries, dict):
                    continue
                for rtype, target in entries.items():
                    if _looks_like_template(target):
                        yield target, '%s.%s.%s' % (where, resource, rtype)
        elif _looks_like_template(value):
            yield value, where


def _unique(pairs):
    refs = []
    for ref, _where in pairs:
        if ref not in refs:
            refs.append(ref)
    return refs


def template_references(template_dict):
    """(get_file paths, template-file resource types), as written."""
    return (_unique(_get_file_refs(template_dict)),
            _unique(_template_type_refs(template_dict)))


def environment_references(env_dict):
    """resource_registry targets that are template files, as written."""
    return _unique(_env_refs(env_dict))


def _find(files, base, referrer, ref, where):
    """The ``files`` key a reference names, relative to directory base.

    The path relative to the referring template's directory wins; the
    key exactly as written is accepted too since Heat looks files up by
    exact key.
    """
    if not isinstance(ref, str):
        raise _invalid(_('%(file)s refers to a file at %(where)s with '
                         'something other than a path'),
                       file=referrer, where=where)
    if _is_url(ref) or '://' in ref:
        raise _invalid(_("%(file)s refers to the URL '%(ref)s' at "
                         "%(where)s; a bundle may only refer to its own "
                         "files"), file=referrer, ref=ref, where=where)
    try:
        key = normalise_path(posixpath.join(base, ref))
    except exception.InvalidBundle:
        key = None
    if key in files:
        return key
    if ref in files:
        return ref
    if key is None:
        raise _invalid(_("%(file)s refers to '%(ref)s' at %(where)s, which "
                         "is not a path inside the bundle"),
                       file=referrer, ref=ref, where=where)
    raise _invalid(_("%(file)s refers to '%(ref)s' at %(where)s, which is "
                     "not in files"),
                   file=referrer, ref=ref, where=where)


def check_references(root_template, files, environment=None):
    """Check every file reference resolves to a key of ``files``.

    References are followed from the root template, the environment's
    resource registry and, recursively, every file used as a template.
    Returns those child templates, parsed, as an ordered ``{path:
    template}``, so that each can be validated by the engine.
    """
    files = files or {}
    children = {}
    # (base directory, name in messages, type references, template)
    queue = [('', ENVIRONMENT, list(_env_refs(environment)), {}),
             ('', ROOT, [], root_template)]
    while queue:
        base, referrer, type_refs, template = queue.pop(0)
        for ref, where in _get_file_refs(template):
            _find(files, base, referrer, ref, where)
        for ref, where in type_refs + _template_type_refs(template):
            child = _find(files, base, referrer, ref, where)
            if child not in children:
                children[child] = parse_template(files[child], child)
                queue.append((posixpath.dirname(child), child, [],
                              children[child]))
    return children


# The engine's view of a bundle

def _rewritten(template, base, files, referrer):
    """A copy of ``template`` whose file references are ``files`` keys.

    Heat looks files up by the exact string a template writes, while a
    bundle's references are relative to the file that makes them (as
    ``openstack stack create`` reads them). Rewriting each reference to its
    key lets Heat build a bundle whose children live in subdirectories.
    """
    tree = json.loads(json.dumps(template))
    pending = [(tree, '')]
    while pending:
        node, where = pending.pop()
        if isinstance(node, dict):
            ref = node.get('get_file')
            if isinstance(ref, str):
                node['get_file'] = _find(files, base, referrer, ref, where)
            pending.extend((v, where) for k, v in node.items()
                           if k != 'get_file')
        elif isinstance(node, list):
            pending.extend((v, where) for v in node)
    for rtype, where, holder, key in list(_type_refs(tree)):
        if _looks_like_template(rtype):
            holder[key] = _find(files, base, referrer, rtype, where)
    return tree


def engine_bundle(template, files, environment, children):
    """The bundle as Heat's engine must see it to build it.

    Returns ``(template, files, environment, children)`` with every file
    reference rewritten to its key in ``files``, and each child template in
    ``files`` replaced by its rewritten JSON form.
    """
    files = dict(files or {})
    engine_children = {
        path: _rewritten(child, posixpath.dirname(path), files, path)
        for path, child in (children or {}).items()}
    engine_files = dict(files)
    for path, child in engine_children.items():
        engine_files[path] = json.dumps(child)
    engine_env = json.loads(json.dumps(environment or {}))
    registry = engine_env.get('resource_registry')
    if isinstance(registry, dict):
        for key, value in registry.items():
            if key == 'resources' and isinstance(value, dict):
                for entries in value.values():
                    if isinstance(entries, dict):
                        for rtype, target in entries.items():
                            if _looks_like_template(target):
                                entries[rtype] = _find(
                                    files, '', ENVIRONMENT, target, key)
            elif _looks_like_template(value):
                registry[key] = _find(files, '', ENVIRONMENT, value, key)
    return (_rewritten(template, '', files, ROOT), engine_files, engine_env,
            engine_children)


# Interface

def _section(template, hot_key, cfn_key):
    section = template.get(hot_key, template.get(cfn_key)) or {}
    return section if isinstance(section, dict) else {}


def interface(template_dict):
    """The parameters and outputs a template offers to its users."""
    hot = 'heat_template_version' in template_dict
    fields = (('type', 'default', 'description', 'label') if hot else
              ('Type', 'Default', 'Description', 'Label'))
    parameters = {}
    for name, schema in _section(template_dict, 'parameters',
                                 'Parameters').items():
        schema = schema if isinstance(schema, dict) else {}
        parameters[name] = {field.lower(): schema[field]
                            for field in fields if field in schema}
        parameters[name].setdefault('type', None)
    outputs = {}
    description = 'description' if hot else 'Description'
    for name, output in _section(template_dict, 'outputs',
                                 'Outputs').items():
        output = output if isinstance(output, dict) else {}
        outputs[name] = ({'description': output[description]}
                         if description in output else {})
    return {'parameters': parameters, 'outputs': outputs}


def _type_family(param_type):
    """'CommaDelimitedList' and 'comma_delimited_list' are one type."""
    return str(param_type).lower().replace('_', '')


def interface_breaks(old_interface, new_interface, parameter_defaults=None):
    """What a new interface breaks for users of the old one.

    A key of the new environment's ``parameter_defaults`` counts as a
    default. Returns human-readable breaks; empty means compatible.
    """
    defaults = parameter_defaults or {}
    old_params = old_interface.get('parameters') or {}
    new_params = new_interface.get('parameters') or {}
    breaks = []
    for name in sorted(old_params):
        old = old_params[name]
        new = new_params.get(name)
        if new is None:
            breaks.append(_("parameter '%s' was removed") % name)
            continue
        if _type_family(old.get('type')) != _type_family(new.get('type')):
            breaks.append(_("parameter '%(name)s' changed type from "
                            "'%(old)s' to '%(new)s'") %
                          {'name': name, 'old': old.get('type'),
                           'new': new.get('type')})
        if ('default' in old and 'default' not in new and
                name not in defaults):
            breaks.append(_("parameter '%s' no longer has a default") %
                          name)
    for name in sorted(set(new_params) - set(old_params)):
        if 'default' not in new_params[name] and name not in defaults:
            breaks.append(_("new parameter '%s' has no default") % name)
    new_outputs = new_interface.get('outputs') or {}
    for name in sorted(set(old_interface.get('outputs') or {}) -
                       set(new_outputs)):
        breaks.append(_("output '%s' was removed") % name)
    return breaks


# Stored templates inside the bundle

STORED_TEMPLATE_TYPE = 'OS::Heat::StoredTemplate'
STORED_TEMPLATE_PROPERTIES = ('template', 'version')
DEFAULT_CONSTRAINT = 'latest'


def stored_template_references(template):
    """Yield (properties, location) for each OS::Heat::StoredTemplate.

    Resources of the template and the resource definitions of its groups
    count; ``properties`` is the dict the reference is written in, so that
    callers can rewrite it in place.
    """
    for rtype, where, holder, key in _type_refs(template):
        if rtype != STORED_TEMPLATE_TYPE or not isinstance(holder, dict):
            continue
        props_key = 'Properties' if key == 'Type' else 'properties'
        props = holder.get(props_key)
        if isinstance(props, dict):
            yield props, where.rsplit('.', 1)[0]


def literal_reference(props):
    """``(template, constraint)`` when both are written as plain strings.

    A reference computed by a function (``get_param``...) is None: it is
    only known when a stack is built, in that stack's project.
    """
    template = props.get('template')
    constraint = props.get('version')
    if constraint is None:
        constraint = DEFAULT_CONSTRAINT
    if isinstance(template, str) and isinstance(constraint, str):
        return template, constraint
    return None


def lock_references(template, locks):
    """Rewrite literal references to the exact versions they are locked to.

    ``locks`` maps ``(template, constraint)`` as written to ``(template
    id, version)``. Returns True when anything was rewritten.
    """
    changed = False
    for props, _where in stored_template_references(template):
        lock = locks.get(literal_reference(props))
        if lock is not None:
            props['template'], props['version'] = lock
            changed = True
    return changed
