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

"""Types computed by functions: what the resource types and group sizes
of a bundle can be (TypeAnalysis).
"""

import json
import posixpath

from oslo_config import cfg

from heat.common import exception as heat_exc
from heat.common.i18n import _

from heat_store.bundle import file_references
from heat_store.bundle import formats
from heat_store import exception
from heat_store import references


def _param_ref(value):
    """The parameter name a get_param or Ref reads whole, or None."""
    if not file_references.is_function(value):
        return None
    (function, argument), = value.items()
    if function not in formats.PARAM_FUNCTIONS:
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
        self.templates = {formats.ROOT: template}
        self.templates.update(children or {})
        self.sites = {name: file_references.sites(tmpl)
                      for name, tmpl in self.templates.items()}
        # (template, parameter) -> {key: value}: every value it can
        # have, and the values it is given (allowed values left out).
        self.values = {}
        self.given = {}
        self.effective = {}
        self._collect()

    def _base(self, name):
        return '' if name == formats.ROOT else posixpath.dirname(name)

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
            for param, schema in formats.section(tmpl, 'parameters').items():
                schema = schema if isinstance(schema, dict) else {}
                given = []
                if name == formats.ROOT and param in env_params:
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
                for site in file_references.walk(sites):
                    if (site.kind != file_references.Site.TYPE or
                            not site.properties):
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
        if isinstance(
            value, (str, int,
                    float)) and not file_references.is_function(value):
            return [value]
        return []

    def _types(self, name, site, table=None):
        """The types a site can name, or None if only run time knows."""
        value = site.value
        if site.kind == file_references.Site.TYPE and isinstance(value, str):
            return [value]
        candidates = self._of(table or self.values, name, value)
        if not candidates or _param_ref(value) is None:
            return None
        types = []
        for candidate in candidates:
            if site.kind == file_references.Site.DEFINITION:
                candidate = (candidate.get('type')
                             if isinstance(candidate, dict) else None)
            if site.kind == file_references.Site.CHAIN:
                if isinstance(candidate, str):
                    types.extend(t.strip() for t in candidate.split(','))
                elif isinstance(candidate, list):
                    types.extend(candidate)
            else:
                types.append(candidate)
        return [t for t in types if isinstance(t, str)]

    def _file(self, name, rtype):
        """The files key a type names, or None; never raises."""
        if (not file_references.looks_like_template(rtype) or
                references.is_url(rtype)):
            return None
        try:
            return file_references.find(self.files, self._base(name), name,
                                        rtype, '')
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
            for site in file_references.walk(sites):
                if (site.kind == file_references.Site.TYPE and
                        isinstance(site.value, str)):
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
            for site in file_references.walk(self.sites[name]):
                if (site.kind == file_references.Site.TYPE and
                        isinstance(site.value, str)):
                    if site.value == formats.CFN_STACK:
                        raise formats.invalid(
                            _('%(file)s: %(type)s at %(where)s fetches its '
                              'TemplateURL; a bundle must carry its nested '
                              'templates as files'), file=name,
                            type=formats.CFN_STACK, where=site.where)
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
            raise formats.invalid(
                _("%(file)s: the resource type at %(where)s can "
                  "be '%(type)s' (parameter '%(param)s'), a URL; "
                  "a bundle may only refer to its own files"),
                file=name, where=site.where, type=rtype,
                param=param)
        if (file_references.looks_like_template(rtype) and
                self._file(name, rtype) is None):
            raise formats.invalid(
                _("%(file)s: the resource type at %(where)s can "
                  "be '%(type)s' (parameter '%(param)s'), which "
                  "is not in files"), file=name,
                where=site.where, type=rtype, param=param)

    def _check_function(self, name, site):
        for text in _strings_in(site.value):
            if references.is_url(text):
                raise formats.invalid(
                    _("%(file)s: the resource type at %(where)s "
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
                raise formats.invalid(
                    _("%(name)s: %(where)s maps the URL "
                      "'%(key)s'; a bundle may only refer to its "
                      "own files"), name=formats.ENVIRONMENT,
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
        if site.kind == file_references.Site.DEFINITION:
            return {'type': formats.PLACEHOLDER_TYPE}
        if site.kind == file_references.Site.CHAIN:
            return [formats.PLACEHOLDER_TYPE]
        return formats.PLACEHOLDER_TYPE

    def _engine_type(self, name, rtype):
        if not isinstance(rtype, str) or references.is_url(rtype):
            return None
        if file_references.looks_like_template(rtype):
            return self._file(name, rtype)
        return rtype

    def _engine_option(self, name, site, option):
        if site.kind == file_references.Site.DEFINITION:
            if not isinstance(option, dict):
                return None
            rtype = self._engine_type(name, option.get('type'))
            return None if rtype is None else dict(option, type=rtype)
        if site.kind == file_references.Site.CHAIN:
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
        if rtype not in formats.GROUP_SIZES or not site.properties:
            return 1
        keys, default = formats.GROUP_SIZES[rtype]
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
        resources, depth = self._template_cost(formats.ROOT, set())
        if depth > max_depth:
            raise heat_exc.RequestLimitExceeded(message=_(
                'the bundle nests stacks %(depth)s levels deep; at most '
                '%(max)d are allowed (max_nested_stack_depth)') % {
                'depth': (_('infinitely') if depth == formats.UNBOUNDED
                          else depth),
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
            return 0, formats.UNBOUNDED
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
                depth = max(depth, min(formats.UNBOUNDED, nested + 1))
        if site.members:
            size = self._size(
                name,
                site) if site.kind == file_references.Site.TYPE else 1
            members = [self._site_cost(name, member, visiting)
                       for member in site.members]
            if site.value == formats.RESOURCE_CHAIN:
                count = sum(c for c, _d in members)
            else:
                count = size * max(c for c, _d in members)
            resources += count
            depth = max(depth, min(formats.UNBOUNDED,
                                   1 + max(d for _c, d in members)))
        return resources, depth
