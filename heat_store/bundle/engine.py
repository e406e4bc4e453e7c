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

"""The engine's view of a bundle: the child templates its references
reach, and the bundle rewritten so that Heat's engine builds it.
"""

import json
import posixpath

from heat_store.bundle import file_references
from heat_store.bundle import formats
from heat_store.bundle import parse
from heat_store.bundle import type_analysis


def check_references(root_template, files, environment=None, trees=None):
    """Check every file reference resolves to a key of ``files``.

    References are followed from the root template, the environment's
    resource registry and, recursively, every file used as a template.
    Returns those child templates, parsed, as an ordered ``{path:
    template}``, so that each can be validated by the engine. ``trees``
    (:func:`heat_store.bundle.parse.check_files` of ``files``), when
    given, spares parsing each child again.
    """
    files = files or {}
    children = {}
    # (base directory, name in messages, type references, template)
    queue = [('', formats.ENVIRONMENT,
              list(file_references.env_refs(environment)), {}),
             ('', formats.ROOT, [], root_template)]
    while queue:
        base, referrer, type_refs, template = queue.pop(0)
        for ref, where in file_references.get_file_refs(template):
            file_references.find(files, base, referrer, ref, where)
        computed = file_references.template_type_refs(template)
        for ref, where in type_refs + computed:
            child = file_references.find(files, base, referrer, ref, where)
            if child not in children:
                children[child] = parse.child_template(files, child, trees)
                queue.append((posixpath.dirname(child), child, [],
                              children[child]))
        if not queue:
            # Files that only a computed type names are templates too.
            analysis = type_analysis.TypeAnalysis(root_template, files,
                                                  environment,
                                                  children)
            for child in analysis.template_files():
                children[child] = parse.child_template(files, child, trees)
                queue.append((posixpath.dirname(child), child, [],
                              children[child]))
    return children


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
                node['get_file'] = file_references.find(files, base, referrer,
                                                        ref, where)
            pending.extend((v, where) for k, v in node.items()
                           if k != 'get_file')
        elif isinstance(node, list):
            pending.extend((v, where) for v in node)
    for site in list(file_references.walk(file_references.sites(tree))):
        if site.kind == file_references.Site.TYPE and isinstance(site.value,
                                                                 str):
            if file_references.looks_like_template(site.value):
                site.holder[site.key] = file_references.find(
                    files, base,
                    referrer,
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
                            if file_references.looks_like_template(target):
                                entries[rtype] = file_references.find(
                                    files, '', formats.ENVIRONMENT, target,
                                    key)
            elif file_references.looks_like_template(value):
                registry[key] = file_references.find(
                    files, '',
                    formats.ENVIRONMENT, value, key)
    return (_rewritten(template, '', files, formats.ROOT, analysis),
            engine_files,
            engine_env, engine_children)
