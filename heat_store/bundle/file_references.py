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

"""File keys and the references a template or an environment makes:
get_file paths, template resource types, registry entries.
"""

import posixpath

from heat.common.i18n import _

from heat_store.bundle import formats
from heat_store import references


def normalise_path(path):
    """Normalise a ``files`` key: a name inside the bundle.

    The rule is :func:`heat_store.references.normalise_key`; keys may
    climb with '../' but are never paths the server opens.
    """
    try:
        return references.normalise_key(path)
    except references.BadKey as error:
        raise formats.invalid('%(message)s', message=str(error))


def normalise_files(files):
    """Normalise the keys of ``files`` and check every value is text."""
    if files is None:
        return {}
    if not isinstance(files, dict):
        raise formats.invalid(_('files must be an object of path to text'))
    result = {}
    for path, text in files.items():
        normal = normalise_path(path)
        if not isinstance(text, str):
            raise formats.invalid(_("file '%(path)s' must be text"), path=path)
        if normal in result:
            raise formats.invalid(_("file path '%(path)s' is given twice"),
                                  path=normal)
        result[normal] = text
    return result


def looks_like_template(resource_type):
    return (isinstance(resource_type, str) and
            (resource_type.endswith(formats.TEMPLATE_SUFFIXES) or
             '/' in resource_type))


def get_file_refs(tree):
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


class Site(object):
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


def is_function(value):
    return isinstance(value, dict) and len(value) == 1


def _definition_site(where, definition, type_key, props_key):
    """The site of one resource definition, with its nested members."""
    props = definition.get(props_key)
    site = Site(Site.TYPE, '%s.%s' % (where, type_key), definition,
                type_key, props if isinstance(props, dict) else None)
    rtype = definition.get(type_key)
    if not isinstance(rtype, str) or site.properties is None:
        return site
    where = '%s.%s' % (where, props_key)
    nested_key = formats.NESTED_DEFINITIONS.get(rtype)
    nested = site.properties.get(nested_key)
    if nested_key is not None and isinstance(nested, dict):
        if 'type' not in nested and is_function(nested):
            site.members.append(Site(
                Site.DEFINITION, '%s.%s' % (where, nested_key),
                site.properties, nested_key))
        else:
            site.members.append(_definition_site(
                '%s.%s' % (where, nested_key), nested, 'type',
                'properties'))
    chain = site.properties.get('resources')
    if rtype == formats.RESOURCE_CHAIN:
        member_props = site.properties.get('resource_properties')
        if not isinstance(member_props, dict):
            member_props = None
        if isinstance(chain, list):
            site.members.extend(
                Site(Site.TYPE, '%s.resources[%d]' % (where, index),
                     chain, index, member_props)
                for index in range(len(chain)))
        elif is_function(chain):
            site.members.append(Site(Site.CHAIN, '%s.resources' % where,
                                     site.properties, 'resources',
                                     member_props))
    return site


def sites(template):
    """The type sites of a template's resources, as trees."""
    sites = []
    for resources_key, type_key, props_key in formats.RESOURCE_FORMATS:
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


def walk(sites):
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
    for site in walk(sites(template)):
        if site.kind == Site.TYPE:
            yield site.value, site.where, site.holder, site.key


def template_type_refs(template):
    return [(rtype, where) for rtype, where, _h, _k in type_refs(template)
            if looks_like_template(rtype)]


def resource_types(template_dict):
    """The resource types a template uses that are not template files."""
    return sorted({rtype for rtype, _w, _h, _k in type_refs(template_dict)
                   if isinstance(rtype, str) and
                   not looks_like_template(rtype)})


def env_refs(environment):
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
                    if looks_like_template(target):
                        yield target, '%s.%s.%s' % (where, resource, rtype)
        elif looks_like_template(value):
            yield value, where


def _unique(pairs):
    refs = []
    for ref, _where in pairs:
        if ref not in refs:
            refs.append(ref)
    return refs


def template_references(template_dict):
    """(get_file paths, template-file resource types), as written."""
    return (_unique(get_file_refs(template_dict)),
            _unique(template_type_refs(template_dict)))


def environment_references(env_dict):
    """resource_registry targets that are template files, as written."""
    return _unique(env_refs(env_dict))


def find(files, base, referrer, ref, where):
    """The ``files`` key a reference names, by :func:`references.find`."""
    if not isinstance(ref, str):
        raise formats.invalid(_('%(file)s refers to a file at %(where)s with '
                                'something other than a path'),
                              file=referrer, where=where)
    if references.is_url(ref):
        raise formats.invalid(
            _("%(file)s refers to the URL '%(ref)s' at "
              "%(where)s; a bundle may only refer to its own "
              "files"), file=referrer, ref=ref, where=where)
    found = references.find(files, base, ref)
    if found is not None:
        return found
    try:
        references.normalise_key(posixpath.join(base, ref))
    except references.BadKey:
        raise formats.invalid(
            _("%(file)s refers to '%(ref)s' at %(where)s, which "
              "is not a path inside the bundle"),
            file=referrer, ref=ref, where=where)
    raise formats.invalid(
        _("%(file)s refers to '%(ref)s' at %(where)s, which is "
          "not in files"),
        file=referrer, ref=ref, where=where)
