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

"""Template bundles: parsing, canonical form, references and interface.

A bundle is a root template, ``files`` (relative path -> text) and an
optional environment. Its canonical JSON form is what is stored, sized
and digested, so that the same bundle has the same digest wherever it is
computed and whichever of YAML, JSON or a dict it was sent as.
"""

import contextlib
import json
import posixpath

from oslo_config import cfg

from heat.common import environment_format
from heat.common import exception as heat_exc
from heat.common.i18n import _
from heat.common import template_format

from heat_store import exception
from heat_store import parsing
from heat_store import references

cfg.CONF.import_opt('max_template_size', 'heat.common.config')
cfg.CONF.import_opt('max_nested_stack_depth', 'heat.common.config')
cfg.CONF.import_opt('max_resources_per_stack', 'heat.common.config')

ROOT = 'root template'
ENVIRONMENT = 'environment'
DIGEST_ALGORITHM = references.DIGEST_ALGORITHM
TEMPLATE_SUFFIXES = ('.yaml', '.yml', '.template', '.json')

# Heat's two template formats name a template's sections and a resource
# definition's keys apart: HOT's name and CFN's.
CFN_NAMES = {
    'parameters': 'Parameters', 'resources': 'Resources',
    'outputs': 'Outputs', 'type': 'Type', 'properties': 'Properties',
    'default': 'Default', 'description': 'Description', 'label': 'Label',
}
_RESOURCE_KEYS = ('resources', 'type', 'properties')
# (resources section, type key, properties key): HOT's, then CFN's.
RESOURCE_FORMATS = (_RESOURCE_KEYS,
                    tuple(CFN_NAMES[key] for key in _RESOURCE_KEYS))
# A definition's properties key, by the type key it writes.
PROPERTIES_BESIDE = {type_key: props_key
                     for _r, type_key, props_key in RESOURCE_FORMATS}


def section(template, name):
    """A template's section by its HOT name, else by its CFN one.

    ``{}`` when absent or not a map.
    """
    found = template.get(name, template.get(CFN_NAMES[name])) or {}
    return found if isinstance(found, dict) else {}


def properties_key(definition):
    """The properties key of a resource definition, in its own format.

    CFN's (``Properties``) when the definition writes CFN's ``Type`` or
    ``Properties``, else HOT's.
    """
    cfn = CFN_NAMES['properties']
    return (cfn if cfn in definition or CFN_NAMES['type'] in definition
            else 'properties')


# Resources whose properties define further resources by type; Heat looks
# these types up in ``files`` like any resource type.
_NESTED_DEFINITIONS = {
    'OS::Heat::ResourceGroup': 'resource_def',
    'OS::Heat::AutoScalingGroup': 'resource',
}
_RESOURCE_CHAIN = 'OS::Heat::ResourceChain'
# Members a group builds: the properties that say how many, in order of
# precedence, and the number when none is given.
_GROUP_SIZES = {
    'OS::Heat::ResourceGroup': (('count',), 1),
    'OS::Heat::AutoScalingGroup': (('desired_capacity', 'min_size'), 1),
}
# Heat fetches this resource's TemplateURL whenever it validates it.
_CFN_STACK = 'AWS::CloudFormation::Stack'
_PARAM_FUNCTIONS = ('get_param', 'Ref')
# What validation gives the engine for a type known only at run time.
PLACEHOLDER_TYPE = 'OS::Heat::None'
_UNBOUNDED = float('inf')


def _invalid(reason, **kwargs):
    return exception.InvalidBundle(reason=reason % kwargs)


# Parsing: every text goes through the gate, heat_store.parsing

def _check_dict_size(data, name):
    length = len(_dumps(data, name))
    limit = cfg.CONF.max_template_size
    if length > limit:
        raise _invalid(_('%(name)s is %(length)d bytes as JSON, more than '
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
        raise _invalid(_('%(name)s must be a YAML or JSON string or an '
                         'object'), name=name)
    with _heat_errors_named(name):
        # Heat's own size message first, as stack create gives it.
        template_format.validate_template_limit(text_or_dict)
    parsed = _gate(parsing.load_template, text_or_dict, name)
    # Refuses what has no JSON form (YAML's .nan and .inf), by name.
    _dumps(parsed, name)
    return parsed


def parse_environment(text_or_dict, name='environment'):
    """Parse an environment through the gate; None is an empty one.

    Its sections are checked by Heat's ``environment_format``.
    """
    if text_or_dict is None:
        return {}
    if isinstance(text_or_dict, dict):
        _check_nesting(text_or_dict, name)
        _dumps(text_or_dict, name)
        environment = text_or_dict
    elif isinstance(text_or_dict, str):
        environment = _gate(parsing.load_environment, text_or_dict, name)
        _dumps(environment, name)
    else:
        raise _invalid(_('%(name)s: must be a YAML string or an object'),
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


@contextlib.contextmanager
def _heat_errors_named(name):
    """Heat's parse and validation errors as InvalidBundle naming ``name``."""
    try:
        yield
    except exception.InvalidBundle:
        raise
    except (ValueError, heat_exc.HeatException) as error:
        raise _invalid('%(name)s: %(message)s', name=name,
                       message=str(error))


# Bodies as Heat's clients send them

FILE_URL = 'file:///'


def _child_template(text):
    """A file's text as a template, as heatclient's is_template takes it."""
    # Every file went through the gate first, by name.
    return parse_file(text, _('file'))


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
        raise _invalid(_('environment_files must be a list of files keys'))
    missing = [name for name in names if name not in files]
    if missing:
        raise _invalid(_("environment file '%(name)s' is not in files"),
                       name=missing[0])
    merged = json.loads(json.dumps(environment))
    environment_format.default_for_missing(merged)
    try:
        schemata = heat_template.Template(
            template, files=files).all_param_schemata(files)
        environment_util.merge_environments(names, files, merged, schemata)
    except (ValueError, TypeError, KeyError, AttributeError,
            heat_exc.HeatException) as error:
        raise _invalid(_('%(name)s: %(message)s'), name=ENVIRONMENT,
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
            raise _invalid(_("file path '%(path)s' is a URL; files must be "
                             "paths relative to the root template, or "
                             "file:/// URLs as Heat's clients send them"),
                           path=url[:255])
    if urls and len(urls) != len(files):
        raise _invalid(_("files mixes file:/// URLs ('%(url)s') with "
                         "relative paths; a bundle uses one or the other"),
                       url=urls[0][:255])
    for url in urls:
        if not isinstance(files[url], str):
            raise _invalid(_("file '%(path)s' must be text"), path=url)
    # The gate first: nothing below may walk a text it has not passed.
    trees = check_files(files)
    template = parse_template(body.get('template'), 'template')
    environment = parse_environment(body.get('environment'))
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
            raise _invalid('%(message)s', message=str(error))
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
        new = normalise_path(key.lstrip('/'))
        if new in files and files[new] != files[key] or new in keys.values():
            raise _invalid(_("file paths '%(path)s' and '%(other)s' are two "
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
        parse_template(body.get('template'), 'template'), converter(''))
    for key, text in list(new_files.items()):
        tree = parse_file(text, key) if isinstance(text, str) else None
        if not isinstance(tree, dict):
            continue
        found = []
        references.rewrite(
            tree, lambda value: found.append(value) if value in keys
            else None)
        if found:
            new_files[key] = references.canonical_text(references.rewrite(
                tree, converter(posixpath.dirname(key))))
    environment = parse_environment(body.get('environment'))
    replace = converter('')
    for entry in references.registry_entries(environment):
        for name, value in entry.items():
            if isinstance(value, str) and replace(value) is not None:
                entry[name] = replace(value)
    return dict(body, template=template, files=new_files,
                environment=environment)


# The texts as they were sent

def _same(one, other):
    return references.canonical_text(one) == references.canonical_text(other)


def kept_texts(body, template, files, environment):
    """The texts of a publish body kept with its version, or None.

    ``body`` is the body after :func:`relative_body`; ``template``,
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
                parse_template(text, 'template_text'), files, ''),
                references.resolved(template, files, '')):
            texts['template'] = text
    sent = body.get('environment')
    if isinstance(sent, str):
        texts['environment'] = sent
    elif body.get('environment_text') is not None:
        text = body['environment_text']
        if _same(references.resolved_environment(
                parse_environment(text, 'environment_text'), files),
                references.resolved_environment(environment, files)):
            texts['environment'] = text
    kept = {}
    for path, text in sorted((body.get('files_text') or {}).items()):
        stored = files.get(path)
        if stored is None or text == stored:
            continue
        child = parse_file(text, path)
        stored_child = parse_file(stored, path)
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


# Canonical form

def _dumps(data, name):
    # NOTE: NaN and the infinities (JSON's NaN, YAML's .nan and .inf) have
    # no JSON form: the canonical text would not be JSON, and clients could
    # neither read the version back nor recompute its digest.
    try:
        return references.canonical_text(data)
    except (TypeError, ValueError) as error:
        raise _invalid(_('%(name)s cannot be stored as JSON: %(error)s'),
                       name=name, error=error)


def canonical_bytes(template_dict, files, environment_dict):
    """The stored form of a bundle: sorted, compact JSON in UTF-8.

    Files stay text. Its length is the bundle's size.
    """
    document = references.bundle_document(template_dict, files,
                                          environment_dict)
    return _dumps(document, _('bundle')).encode('utf-8')


# The client computes the same digest (heat_store.client.sync).
digest_of = references.digest_of


def digest(template_dict, files, environment_dict, trees=None):
    """A bundle's digest, by :func:`heat_store.references.bundle_digest`.

    ``trees`` is what :func:`check_files` gave for ``files``, when known.
    """
    files = files or {}
    if trees is None:
        trees = check_files(files)
    try:
        return references.bundle_digest(template_dict, files,
                                        environment_dict, trees.get)
    except (TypeError, ValueError) as error:
        raise _invalid(_('%(name)s cannot be stored as JSON: %(error)s'),
                       name=_('bundle'), error=error)


# Paths and references

def normalise_path(path):
    """Normalise a ``files`` key: a name inside the bundle.

    The rule is :func:`heat_store.references.normalise_key`; keys may
    climb with '../' but are never paths the server opens.
    """
    try:
        return references.normalise_key(path)
    except references.BadKey as error:
        raise _invalid('%(message)s', message=str(error))


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


class _Site(object):
    """A place in a template that names a resource type.

    ``holder[key]`` is the type (``kind`` TYPE), or a whole nested
    resource definition (DEFINITION) or chain list (CHAIN) written as a
    function. ``members`` are the sites of the nested stack a group or a
    chain builds; ``properties`` are what the type is given.
    """
    TYPE, DEFINITION, CHAIN = 'type', 'definition', 'chain'
    __slots__ = ('kind', 'where', 'holder', 'key', 'properties', 'members')

    def __init__(self, kind, where, holder, key, properties=None):
        self.kind = kind
        self.where = where
        self.holder = holder
        self.key = key
        self.properties = properties
        self.members = []

    @property
    def value(self):
        return self.holder[self.key]


def _is_function(value):
    return isinstance(value, dict) and len(value) == 1


def _definition_site(where, definition, type_key, props_key):
    """The site of one resource definition, with its nested members."""
    props = definition.get(props_key)
    site = _Site(_Site.TYPE, '%s.%s' % (where, type_key), definition,
                 type_key, props if isinstance(props, dict) else None)
    rtype = definition.get(type_key)
    if not isinstance(rtype, str) or site.properties is None:
        return site
    where = '%s.%s' % (where, props_key)
    nested_key = _NESTED_DEFINITIONS.get(rtype)
    nested = site.properties.get(nested_key)
    if nested_key is not None and isinstance(nested, dict):
        if 'type' not in nested and _is_function(nested):
            site.members.append(_Site(
                _Site.DEFINITION, '%s.%s' % (where, nested_key),
                site.properties, nested_key))
        else:
            site.members.append(_definition_site(
                '%s.%s' % (where, nested_key), nested, 'type',
                'properties'))
    chain = site.properties.get('resources')
    if rtype == _RESOURCE_CHAIN:
        member_props = site.properties.get('resource_properties')
        if not isinstance(member_props, dict):
            member_props = None
        if isinstance(chain, list):
            site.members.extend(
                _Site(_Site.TYPE, '%s.resources[%d]' % (where, index),
                      chain, index, member_props)
                for index in range(len(chain)))
        elif _is_function(chain):
            site.members.append(_Site(_Site.CHAIN, '%s.resources' % where,
                                      site.properties, 'resources',
                                      member_props))
    return site


def _sites(template):
    """The type sites of a template's resources, as trees."""
    sites = []
    for resources_key, type_key, props_key in RESOURCE_FORMATS:
        resources = template.get(resources_key)
        if not isinstance(resources, dict):
            continue
        for name, definition in resources.items():
            if isinstance(definition, dict):
                sites.append(_definition_site('%s.%s' % (resources_key,
                                                         name),
                                              definition, type_key,
                                              props_key))
    return sites


def _walk(sites):
    """Every site of the trees, parents first."""
    pending = list(reversed(sites))
    while pending:
        site = pending.pop()
        yield site
        pending.extend(reversed(site.members))


def type_refs(template):
    """Yield (type, location, holder, key) for every resource type.

    Group members and chain entries are included, at any depth.
    ``holder[key]`` is where the type is written, so that callers can
    rewrite it in place.
    """
    for site in _walk(_sites(template)):
        if site.kind == _Site.TYPE:
            yield site.value, site.where, site.holder, site.key


def _template_type_refs(template):
    return [(rtype, where) for rtype, where, _h, _k in type_refs(template)
            if _looks_like_template(rtype)]


def resource_types(template_dict):
    """The resource types a template uses that are not template files."""
    return sorted({rtype for rtype, _w, _h, _k in type_refs(template_dict)
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
    """The ``files`` key a reference names, by :func:`references.find`."""
    if not isinstance(ref, str):
        raise _invalid(_('%(file)s refers to a file at %(where)s with '
                         'something other than a path'),
                       file=referrer, where=where)
    if references.is_url(ref):
        raise _invalid(_("%(file)s refers to the URL '%(ref)s' at "
                         "%(where)s; a bundle may only refer to its own "
                         "files"), file=referrer, ref=ref, where=where)
    found = references.find(files, base, ref)
    if found is not None:
        return found
    try:
        references.normalise_key(posixpath.join(base, ref))
    except references.BadKey:
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
        if not queue:
            # Files that only a computed type names are templates too.
            analysis = TypeAnalysis(root_template, files, environment,
                                    children)
            for child in analysis.template_files():
                children[child] = parse_template(files[child], child)
                queue.append((posixpath.dirname(child), child, [],
                              children[child]))
    return children


# Types computed by functions

def _param_ref(value):
    """The parameter name a get_param or Ref reads whole, or None."""
    if not _is_function(value):
        return None
    (function, argument), = value.items()
    if function not in _PARAM_FUNCTIONS:
        return None
    if isinstance(argument, list) and len(argument) == 1:
        argument = argument[0]
    return argument if isinstance(argument, str) else None


def _strings_in(tree):
    """Every string in a tree, keys included; iterative."""
    pending = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            pending.extend(node.keys())
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)


def _allowed_values(schema):
    allowed = schema.get('AllowedValues')
    values = list(allowed) if isinstance(allowed, list) else []
    constraints = schema.get('constraints')
    for constraint in constraints if isinstance(constraints, list) else []:
        if (isinstance(constraint, dict) and
                isinstance(constraint.get('allowed_values'), list)):
            values.extend(constraint['allowed_values'])
    return values


def _as_count(value):
    try:
        count = int(value)
    except (TypeError, ValueError):
        return None
    return count if count >= 0 and not isinstance(value, bool) else None


def _key(value):
    return json.dumps(value, sort_keys=True)


class TypeAnalysis(object):
    """What the resource types and group sizes of a bundle can be.

    Heat resolves a type written as a function (``{get_param: t}`` in a
    group's resource definition, say) when it validates a template, and
    fetches a resolved type ending in .yaml or .template that is not a
    ``files`` key. So every value a parameter can have before run time is
    collected, for each template of the bundle: its default and allowed
    values, the environment's ``parameter_defaults`` (and ``parameters``
    for the root), and what a parent template passes it as a property,
    literally or from a parameter of its own. A computed type is judged by
    those values; validation sends the engine those values instead of the
    functions, so that nothing the engine would compute can be fetched.
    """

    def __init__(self, template, files, environment, children):
        self.files = files or {}
        self.environment = environment or {}
        self.templates = {ROOT: template}
        self.templates.update(children or {})
        self.sites = {name: _sites(tmpl)
                      for name, tmpl in self.templates.items()}
        # (template, parameter) -> {key: value}: every value it can
        # have, and the values it is given (allowed values left out).
        self.values = {}
        self.given = {}
        self.effective = {}
        self._collect()

    def _base(self, name):
        return '' if name == ROOT else posixpath.dirname(name)

    def _add(self, table, name, param, value):
        entries = table.setdefault((name, param), {})
        if _key(value) in entries:
            return False
        entries[_key(value)] = value
        return True

    def _collect(self):
        env_params = self.environment.get('parameters')
        env_params = env_params if isinstance(env_params, dict) else {}
        defaults = self.environment.get('parameter_defaults')
        defaults = defaults if isinstance(defaults, dict) else {}
        for name, tmpl in self.templates.items():
            for param, schema in section(tmpl, 'parameters').items():
                schema = schema if isinstance(schema, dict) else {}
                given = []
                if name == ROOT and param in env_params:
                    given.append(env_params[param])
                if param in defaults:
                    given.append(defaults[param])
                for key in ('default', 'Default'):
                    if key in schema:
                        given.append(schema[key])
                if given:
                    self.effective[(name, param)] = given[0]
                for value in given:
                    self._add(self.given, name, param, value)
                for value in given + _allowed_values(schema):
                    self._add(self.values, name, param, value)
        # A parent passes its properties to a child template as parameters;
        # values flow down until nothing new is learnt.
        changed = True
        while changed:
            changed = False
            for name, sites in self.sites.items():
                for site in _walk(sites):
                    if site.kind != _Site.TYPE or not site.properties:
                        continue
                    for child in self.site_files(name, site):
                        for prop, value in site.properties.items():
                            for table in (self.values, self.given):
                                for passed in self._of(table, name, value):
                                    if self._add(table, child, prop, passed):
                                        changed = True

    def _of(self, table, name, value):
        """The values an expression in template ``name`` can have."""
        param = _param_ref(value)
        if param is not None:
            return list(table.get((name, param), {}).values())
        if isinstance(value, (str, int, float)) and not _is_function(value):
            return [value]
        return []

    def _types(self, name, site, table=None):
        """The types a site can name, or None if only run time knows."""
        value = site.value
        if site.kind == _Site.TYPE and isinstance(value, str):
            return [value]
        candidates = self._of(table or self.values, name, value)
        if not candidates or _param_ref(value) is None:
            return None
        types = []
        for candidate in candidates:
            if site.kind == _Site.DEFINITION:
                candidate = (candidate.get('type')
                             if isinstance(candidate, dict) else None)
            if site.kind == _Site.CHAIN:
                if isinstance(candidate, str):
                    types.extend(t.strip() for t in candidate.split(','))
                elif isinstance(candidate, list):
                    types.extend(candidate)
            else:
                types.append(candidate)
        return [t for t in types if isinstance(t, str)]

    def _file(self, name, rtype):
        """The files key a type names, or None; never raises."""
        if not _looks_like_template(rtype) or references.is_url(rtype):
            return None
        try:
            return _find(self.files, self._base(name), name, rtype, '')
        except exception.InvalidBundle:
            return None

    def site_files(self, name, site):
        """The bundle files a site's type can be."""
        found = []
        for rtype in self._types(name, site) or []:
            path = self._file(name, rtype)
            if path is not None and path not in found:
                found.append(path)
        return found

    def template_files(self):
        """Files used as templates only through a computed type."""
        found = []
        for name, sites in self.sites.items():
            for site in _walk(sites):
                if site.kind == _Site.TYPE and isinstance(site.value, str):
                    continue
                for path in self.site_files(name, site):
                    if path not in self.templates and path not in found:
                        found.append(path)
        return found

    def check(self):
        """Refuse computed types that are URLs or missing files.

        Returns a warning for each type known only at run time.
        """
        self._check_registry()
        warnings = []
        for name in self.templates:
            for site in _walk(self.sites[name]):
                if site.kind == _Site.TYPE and isinstance(site.value, str):
                    if site.value == _CFN_STACK:
                        raise _invalid(
                            _('%(file)s: %(type)s at %(where)s fetches its '
                              'TemplateURL; a bundle must carry its nested '
                              'templates as files'), file=name,
                            type=_CFN_STACK, where=site.where)
                    continue
                types = self._types(name, site)
                if types is None:
                    self._check_function(name, site)
                    warnings.append(
                        _('%(file)s: the resource type at %(where)s is '
                          'known only at run time, so this version is not '
                          'self-contained') % {'file': name,
                                               'where': site.where})
                    continue
                for rtype in types:
                    self._check_type(name, site, rtype)
        return warnings

    def _check_type(self, name, site, rtype):
        param = _param_ref(site.value)
        if references.is_url(rtype):
            raise _invalid(_("%(file)s: the resource type at %(where)s can "
                             "be '%(type)s' (parameter '%(param)s'), a URL; "
                             "a bundle may only refer to its own files"),
                           file=name, where=site.where, type=rtype,
                           param=param)
        if _looks_like_template(rtype) and self._file(name, rtype) is None:
            raise _invalid(_("%(file)s: the resource type at %(where)s can "
                             "be '%(type)s' (parameter '%(param)s'), which "
                             "is not in files"), file=name,
                           where=site.where, type=rtype, param=param)

    def _check_function(self, name, site):
        for text in _strings_in(site.value):
            if references.is_url(text):
                raise _invalid(_("%(file)s: the resource type at %(where)s "
                                 "is computed from the URL '%(url)s'; a "
                                 "bundle may only refer to its own files"),
                               file=name, where=site.where, url=text)

    def _check_registry(self):
        registry = self.environment.get('resource_registry')
        registry = registry if isinstance(registry, dict) else {}
        keys = [(key, 'resource_registry') for key in registry]
        resources = registry.get('resources')
        for resource, entries in (resources.items()
                                  if isinstance(resources, dict) else []):
            if isinstance(entries, dict):
                keys.extend((key, 'resource_registry.resources.%s' %
                             resource) for key in entries)
        for key, where in keys:
            if references.is_url(key):
                raise _invalid(_("%(name)s: %(where)s maps the URL "
                                 "'%(key)s'; a bundle may only refer to its "
                                 "own files"), name=ENVIRONMENT,
                               where=where, key=key)

    def engine_value(self, name, site):
        """What validation sends the engine for a computed site.

        The value the template would have standing alone when it is a
        checked one, else any checked value, else a harmless type.
        """
        value = site.value
        param = _param_ref(value)
        options = []
        if (name, param) in self.effective:
            options.append(self.effective[(name, param)])
        options.extend(self._of(self.values, name, value) if param else [])
        for option in options:
            fixed = self._engine_option(name, site, option)
            if fixed is not None:
                return fixed
        if site.kind == _Site.DEFINITION:
            return {'type': PLACEHOLDER_TYPE}
        if site.kind == _Site.CHAIN:
            return [PLACEHOLDER_TYPE]
        return PLACEHOLDER_TYPE

    def _engine_type(self, name, rtype):
        if not isinstance(rtype, str) or references.is_url(rtype):
            return None
        if _looks_like_template(rtype):
            return self._file(name, rtype)
        return rtype

    def _engine_option(self, name, site, option):
        if site.kind == _Site.DEFINITION:
            if not isinstance(option, dict):
                return None
            rtype = self._engine_type(name, option.get('type'))
            return None if rtype is None else dict(option, type=rtype)
        if site.kind == _Site.CHAIN:
            if isinstance(option, str):
                option = [t.strip() for t in option.split(',')]
            if not isinstance(option, list):
                return None
            types = [self._engine_type(name, t) for t in option]
            return None if None in types else types
        return self._engine_type(name, option)

    # Costs

    def _size(self, name, site):
        """How many members a group site builds."""
        rtype = site.value
        if rtype not in _GROUP_SIZES or not site.properties:
            return 1
        keys, default = _GROUP_SIZES[rtype]
        for key in keys:
            if key in site.properties:
                counts = [_as_count(v) for v in
                          self._of(self.given, name, site.properties[key])]
                counts = [c for c in counts if c is not None]
                return max(counts) if counts else default
        return default

    def check_costs(self):
        """Refuse a bundle whose stacks would pass Heat's limits.

        The nesting depth of its stacks against max_nested_stack_depth and
        the resources of the whole tree against max_resources_per_stack, as
        Heat counts them when it builds the stack, before any engine call.
        """
        self._costs = {}
        max_depth = cfg.CONF.max_nested_stack_depth
        resources, depth = self._template_cost(ROOT, set())
        if depth > max_depth:
            raise heat_exc.RequestLimitExceeded(message=_(
                'the bundle nests stacks %(depth)s levels deep; at most '
                '%(max)d are allowed (max_nested_stack_depth)') % {
                'depth': _('infinitely') if depth == _UNBOUNDED else depth,
                'max': max_depth})
        max_resources = cfg.CONF.max_resources_per_stack
        if max_resources != -1 and resources > max_resources:
            raise heat_exc.RequestLimitExceeded(message=_(
                'a stack of the bundle would have %(count)d resources; at '
                'most %(max)d are allowed (max_resources_per_stack)') % {
                'count': resources, 'max': max_resources})

    def _template_cost(self, name, visiting):
        """(resources, nesting depth) of the stack a template builds."""
        if name in self._costs:
            return self._costs[name]
        if name in visiting:
            # A template that nests itself never ends.
            return 0, _UNBOUNDED
        visiting.add(name)
        resources, depth = 0, 0
        for site in self.sites.get(name, []):
            count, nested = self._site_cost(name, site, visiting)
            resources += count
            depth = max(depth, nested)
        visiting.discard(name)
        self._costs[name] = (resources, depth)
        return resources, depth

    def _site_cost(self, name, site, visiting):
        """(resources, depth) of one resource and what it nests."""
        resources, depth = 1, 0
        for path in self.site_files(name, site):
            if path in self.templates:
                count, nested = self._template_cost(path, visiting)
                resources = max(resources, 1 + count)
                depth = max(depth, min(_UNBOUNDED, nested + 1))
        if site.members:
            size = self._size(name, site) if site.kind == _Site.TYPE else 1
            members = [self._site_cost(name, member, visiting)
                       for member in site.members]
            if site.value == _RESOURCE_CHAIN:
                count = sum(c for c, _d in members)
            else:
                count = size * max(c for c, _d in members)
            resources += count
            depth = max(depth, min(_UNBOUNDED,
                                   1 + max(d for _c, d in members)))
        return resources, depth


# The engine's view of a bundle

def _rewritten(template, base, files, referrer, analysis=None):
    """A copy of ``template`` whose file references are ``files`` keys.

    Heat looks files up by the exact string a template writes, while a
    bundle's references are relative to the file that makes them (as
    ``openstack stack create`` reads them). Rewriting each reference to its
    key lets Heat build a bundle whose children live in subdirectories.
    With an ``analysis``, computed types become their checked values.
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
    for site in list(_walk(_sites(tree))):
        if site.kind == _Site.TYPE and isinstance(site.value, str):
            if _looks_like_template(site.value):
                site.holder[site.key] = _find(files, base, referrer,
                                              site.value, site.where)
        elif analysis is not None:
            site.holder[site.key] = analysis.engine_value(referrer, site)
    return tree


def engine_bundle(template, files, environment, children, analysis=None):
    """The bundle as Heat's engine must see it to build it.

    Returns ``(template, files, environment, children)`` with every file
    reference rewritten to its key in ``files``, and each child template in
    ``files`` replaced by its rewritten JSON form. Validation passes its
    :class:`TypeAnalysis`, so that the engine is given no type to compute.
    """
    files = dict(files or {})
    engine_children = {
        path: _rewritten(child, posixpath.dirname(path), files, path,
                         analysis)
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
    return (_rewritten(template, '', files, ROOT, analysis), engine_files,
            engine_env, engine_children)


# Interface

def interface(template_dict):
    """The parameters and outputs a template offers to its users."""
    hot = 'heat_template_version' in template_dict
    fields = ('type', 'default', 'description', 'label')
    if not hot:
        fields = tuple(CFN_NAMES[field] for field in fields)
    parameters = {}
    for name, schema in section(template_dict, 'parameters').items():
        schema = schema if isinstance(schema, dict) else {}
        parameters[name] = {field.lower(): schema[field]
                            for field in fields if field in schema}
        parameters[name].setdefault('type', None)
    outputs = {}
    description = 'description' if hot else CFN_NAMES['description']
    for name, output in section(template_dict, 'outputs').items():
        output = output if isinstance(output, dict) else {}
        outputs[name] = ({'description': output[description]}
                         if description in output else {})
    return {'parameters': parameters, 'outputs': outputs}


def given_values(environment):
    """The values a bundle's environment gives its root's parameters.

    As Heat builds the resource's nested stack: the environment's
    ``parameter_defaults`` reach every template of the bundle, its
    ``parameters`` the root and take precedence; both give a parameter a
    value its users need not pass. A section that is not a mapping gives
    nothing.
    """
    given = {}
    for section in ('parameter_defaults', 'parameters'):
        values = (environment or {}).get(section)
        if isinstance(values, dict):
            given.update(values)
    return given


def _type_family(param_type):
    """'CommaDelimitedList' and 'comma_delimited_list' are one type."""
    return str(param_type).lower().replace('_', '')


def interface_breaks(old_interface, new_interface, given=None):
    """What a new interface breaks for users of the old one.

    A parameter in ``given`` (:func:`given_values` of the new version's
    environment) counts as defaulted. Returns human-readable breaks;
    empty means compatible.
    """
    defaults = given or {}
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
