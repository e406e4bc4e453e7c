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

"""Stored templates inside stored templates: recorded and locked.

At publish, every ``OS::Heat::StoredTemplate`` a bundle writes with a
literal ``template`` and ``version`` (text, or an integer or boolean that
Heat reads as its text) is resolved as the publisher sees it
then, and recorded with the new version. A stack built from the version
builds each such reference from exactly the recorded version (see
``engine_bundle`` in heat_store/resources/stored_template.py); every
other reference resolves in the catalog of the project that owns the stack.
"""

from heat.common.i18n import _

from heat_store.bundle import file_references as bundle_file_references
from heat_store.bundle import formats as bundle_formats
from heat_store import exception
from heat_store.objects import stored_template_version as version_obj
from heat_store import versioning


STORED_TEMPLATE_TYPE = 'OS::Heat::StoredTemplate'


def stored_template_references(template):
    """Yield (properties, location) for each OS::Heat::StoredTemplate.

    Resources of the template, the resource definitions of its groups and
    the members of its chains (whose properties are the chain's
    ``resource_properties``, shared by every member) count, at any depth;
    ``properties`` is the dict the reference is written in, so that
    callers can rewrite it in place.
    """
    for site in bundle_file_references.walk(
            bundle_file_references.sites(template)):
        if (site.kind == bundle_file_references.Site.TYPE and
                site.value == STORED_TEMPLATE_TYPE and
                site.properties is not None):
            # A definition's type key dropped: the resource; a chain
            # member stays itself.
            where = (site.where.rsplit('.', 1)[0]
                     if isinstance(site.key, str) else site.where)
            yield site.properties, where


def _as_heat_reads(value):
    """A string property's value as Heat reads it.

    Heat takes an integer or a boolean (YAML's unquoted ``2`` or ``true``)
    as its text, ``str(value)``; anything else that is not a string is
    not text to Heat.
    """
    if isinstance(value, (bool, int)):
        return str(value)
    return value


def literal_reference(props):
    """``(template, constraint)`` when both are written as plain values.

    Read as Heat reads them, so that ``version: 2`` is the constraint
    ``'2'``. A reference computed by a function (``get_param``...) is
    None: it is only known when a stack is built, in that stack's project.
    """
    template = _as_heat_reads(props.get('template'))
    constraint = props.get('version')
    if constraint is None:
        constraint = versioning.LATEST
    constraint = _as_heat_reads(constraint)
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


def literal_references(template, children):
    """Yield ``(template_ref, constraint, file, location)``, each once."""
    seen = set()
    for name, tmpl in [(bundle_formats.ROOT,
                        template)] + list(children.items()):
        for props, where in stored_template_references(tmpl):
            ref = literal_reference(props)
            if ref is not None and ref not in seen:
                seen.add(ref)
                yield ref[0], ref[1], name, where


def resolve(context, template, children):
    """Resolve each literal reference of a bundle for the publisher.

    Returns ``[(dependency values, template, version)]``; a reference that
    does not resolve is a 400 naming it, as a stack would fail on it.
    """
    found = []
    for ref, constraint_text, name, where in literal_references(template,
                                                                children):
        try:
            constraint = versioning.parse_constraint(constraint_text)
            used, version = (
                version_obj.StoredTemplateVersion.resolve_reference(
                    context, ref, constraint))
        except exception.StoredTemplateNotFound:
            raise exception.InvalidBundle(reason=_(
                "%(file)s: %(where)s uses stored template '%(ref)s', which "
                "could not be found") % {'file': name, 'where': where,
                                         'ref': ref})
        except exception.InvalidConstraint as error:
            raise exception.InvalidBundle(reason=_(
                '%(file)s: %(where)s: %(error)s') % {
                'file': name, 'where': where, 'error': error})
        if version is None:
            raise exception.InvalidBundle(reason=_(
                "%(file)s: %(where)s uses stored template '%(ref)s' at "
                "'%(constraint)s', and no active version matches") % {
                'file': name, 'where': where, 'ref': ref,
                'constraint': constraint_text})
        found.append(({'template_ref': ref,
                       'version_constraint': constraint_text,
                       'depends_on_version_id': version.id,
                       'depends_on_template_id': used.id}, used, version))
    return found


def exposure_warnings(visibility, resolved):
    """Warn when a version others may use locks one they may not see.

    Consumers of a ``public`` or ``shared`` version build its dependencies,
    and can read them through their nested stacks.
    """
    if visibility not in ('public', 'shared'):
        return []
    return [_("depends on %(name)s %(version)s (%(visibility)s), which "
              "users of this %(mine)s template may not see: they can read it "
              "through the nested stacks they build") % {
        'name': used.name, 'version': version.version,
        'visibility': used.visibility, 'mine': visibility}
        for _values, used, version in resolved
        if used.visibility != 'public']
