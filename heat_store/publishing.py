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

"""Publishing a version: judge the bundle, then write it in one go.

Everything that can refuse a bundle on its own (syntax, alias bombs,
sizes, file references, the engine's validation) runs before the database
is touched. What depends on the versions already stored (the interface
check, the next patch, quotas) is decided in the insert's transaction,
under the template's lock, so a refused publish writes nothing.
"""

import dataclasses

from oslo_config import cfg

from heat.common.i18n import _

from heat_store.bundle import canonical as bundle_canonical
from heat_store.bundle import client_body as bundle_client_body
from heat_store.bundle import engine as bundle_engine
from heat_store.bundle import file_references as bundle_file_references
from heat_store.bundle import interface as bundle_interface
from heat_store.bundle import parse as bundle_parse
from heat_store.bundle import texts as bundle_texts
from heat_store import dependencies
from heat_store import exception
from heat_store.objects import stored_template as template_obj
from heat_store.objects import stored_template_version as version_obj
from heat_store import parameter_values
from heat_store import validation
from heat_store import versioning

CONF = cfg.CONF


@dataclasses.dataclass
class PreparedVersion(object):
    """A validated bundle and its metadata, not yet written."""
    version: str
    template: dict
    files: dict
    environment: dict
    children: dict
    description: str
    source: dict
    force: bool
    # The texts as sent, where kept (bundle.texts.kept_texts); not in the
    # digest.
    texts: dict
    interface: dict
    warnings: list
    digest: str
    size: int
    # [(dependency values, template, version)] of literal references.
    dependencies: list = dataclasses.field(default_factory=list)

    def values(self, version):
        source = self.source or {}
        return {
            'version': version,
            'template': self.template,
            'files': self.files,
            'environment': self.environment,
            'texts': self.texts,
            'text_size': bundle_texts.texts_size(self.texts),
            'description': self.description,
            'source_url': source.get('url'),
            'source_revision': source.get('revision'),
            'interface': self.interface,
            'warnings': self.warnings,
            'digest': self.digest,
            'size': self.size,
            'dependencies': [values for values, _t, _v in self.dependencies],
        }

    def shown_dependencies(self):
        """The dependencies as a version shows them, without a read."""
        return [version_obj.StoredTemplateVersion.dependency(
            values['template_ref'], values['version_constraint'], template,
            version) for values, template, version in self.dependencies]

    def for_template(self, template_visibility, version):
        """The values to store as a version of a template so visible."""
        values = self.values(version)
        values['warnings'] = self.warnings + dependencies.exposure_warnings(
            template_visibility, self.dependencies)
        return values


def _check_file_sizes(files):
    """Each file within max_template_size, as Heat's engine wants it.

    Heat parses every file of a stack's ``files`` as a possible template,
    and refuses any longer than max_template_size, plain files too.
    """
    limit = CONF.max_template_size
    for path in sorted(files):
        if len(files[path]) > limit:
            raise exception.InvalidBundle(
                reason=_("file '%(path)s' is %(size)d characters; at most "
                         "%(limit)d are allowed (max_template_size)") %
                {'path': path, 'size': len(files[path]), 'limit': limit})


def prepare(context, body):
    """Parse, check and validate a publish request body."""
    version = body.get('version')
    if version is not None:
        version = str(versioning.parse_version(version))
    body = bundle_client_body.absolute_keys_made_relative(
        bundle_client_body.relative_body(body))
    template = bundle_parse.parse_template(body['template'], 'template')
    files = bundle_file_references.normalise_files(body.get('files'))
    _check_file_sizes(files)
    # The texts kept beside the children: as large as a file may be.
    _check_file_sizes(body.get('files_text') or {})
    trees = bundle_parse.check_files(files)
    environment = bundle_parse.parse_environment(body.get('environment'))
    # Each file is parsed once, here: the children and the digest are
    # taken from these trees.
    children = bundle_engine.check_references(template, files, environment,
                                              trees)
    data = bundle_canonical.canonical_bytes(template, files, environment)
    if len(data) > CONF.max_json_body_size:
        raise exception.InvalidBundle(
            reason=_('the bundle is %(size)d bytes; at most %(limit)d are '
                     'allowed (max_json_body_size)') %
            {'size': len(data), 'limit': CONF.max_json_body_size})
    prepared = PreparedVersion(
        version=version, template=template, files=files,
        environment=environment, children=children,
        description=body.get('description'), source=body.get('source'),
        force=bool(body.get('force')),
        texts=bundle_texts.kept_texts(body, template, files, environment),
        interface=bundle_interface.interface(template), warnings=[],
        digest=bundle_canonical.digest(template, files, environment, trees),
        size=len(data))
    prepared.dependencies = dependencies.resolve(context, template, children)
    prepared.warnings = validation.validate_bundle(
        context, prepared, strict=bool(body.get('strict')))
    return prepared


def create_template(context, values, tags, prepared=None):
    """Create a stored template, with its first version if one is given."""
    first = None
    if prepared is not None:
        first = prepared.for_template(
            values.get('visibility') or 'private',
            prepared.version or versioning.FIRST_VERSION)
    return template_obj.StoredTemplate.create(context, values, tags, first)


def _effective_interface(interface, environment):
    """An interface as its users see it.

    A parameter given a value by the stored environment
    (:func:`parameter_values.given_values`) has that value as its default.
    """
    interface = dict(interface or {})
    defaults = parameter_values.given_values(environment)
    parameters = {}
    for name, schema in (interface.get('parameters') or {}).items():
        schema = dict(schema)
        if name in defaults and 'default' not in schema:
            schema['default'] = defaults[name]
        parameters[name] = schema
    interface['parameters'] = parameters
    return interface


def _breaks(old, new):
    """What ``new`` breaks of ``old``'s interface (versions or bundles)."""
    return bundle_interface.interface_breaks(
        _effective_interface(old.interface, old.environment),
        new.interface, parameter_values.given_values(new.environment))


def interface_check(prepared):
    """The interface check that version_create runs under its lock.

    Within one major the interface only grows with the version: the new
    version must keep its predecessor's, and its successor must keep the
    new one's, or a stack moving up through it would lose something.
    None (no check) with ``force``.
    """
    if prepared.force:
        return None

    def check(version, predecessor, successor):
        problems = []
        if predecessor is not None:
            breaks = _breaks(predecessor, prepared)
            if breaks:
                problems.append(
                    _('Version %(version)s breaks the interface of '
                      '%(previous)s: %(breaks)s') %
                    {'version': version, 'previous': predecessor.version,
                     'breaks': '; '.join(breaks)})
        if successor is not None:
            breaks = _breaks(prepared, successor)
            if breaks:
                problems.append(
                    _('Version %(next)s, already published, breaks the '
                      'interface of %(version)s: %(breaks)s') %
                    {'next': successor.version, 'version': version,
                     'breaks': '; '.join(breaks)})
        if problems:
            raise exception.InterfaceBreak(breaks='. '.join(problems))

    return check


def publish(context, template, prepared):
    """Write a prepared version of ``template``; return the new version.

    Without a version, the next patch, chosen under the template's lock
    with the interface check: a concurrent publish never makes it a 409.
    """
    values = prepared.for_template(template.visibility, prepared.version)
    return version_obj.StoredTemplateVersion.create(
        context, template.id, values, check=interface_check(prepared),
        project_id=template.project_id)


def dry_run(context, template, prepared):
    """What :func:`publish` would decide, writing nothing.

    Returns the version number the publish would create; refuses as it
    would (an existing version, an interface break, a quota).
    """
    values = prepared.for_template(template.visibility, prepared.version)
    return version_obj.StoredTemplateVersion.check_create(
        context, template.id, values, check=interface_check(prepared))
