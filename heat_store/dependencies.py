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
literal ``template`` and ``version`` is resolved as the publisher sees it
then, and recorded with the new version. A stack built from the version
builds each such reference from exactly the recorded version (see
``engine_bundle`` in heat_store/resources/stored_template.py); every
other reference resolves in the catalog of the project that owns the stack.
"""

from heat.common.i18n import _

from heat_store import bundle
from heat_store import exception
from heat_store.objects import stored_template_version as version_obj
from heat_store import versioning


def literal_references(template, children):
    """Yield ``(template_ref, constraint, file, location)``, each once."""
    seen = set()
    for name, tmpl in [(bundle.ROOT, template)] + list(children.items()):
        for props, where in bundle.stored_template_references(tmpl):
            ref = bundle.literal_reference(props)
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
