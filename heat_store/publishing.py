"""Publishing a version: judge the bundle, then write it in one go.

Everything that can refuse a publish (syntax, alias bombs, sizes, file
references, the engine's validation, the interface check) runs before the
database is touched, so a refused publish writes nothing.
"""

import dataclasses

from oslo_config import cfg

from heat.common.i18n import _

from heat_store import bundle
from heat_store import dependencies
from heat_store import exception
from heat_store.objects import stored_template as template_obj
from heat_store.objects import stored_template_version as version_obj
from heat_store import validation
from heat_store import versioning

CONF = cfg.CONF

FIRST_VERSION = '1.0.0'
# Concurrent publishes that each take "the next patch" may pick the same
# number; the loser picks again.
NEXT_PATCH_ATTEMPTS = 10


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
            'description': self.description,
            'source_url': source.get('url'),
            'source_revision': source.get('revision'),
            'interface': self.interface,
            'warnings': self.warnings,
            'digest': self.digest,
            'size': self.size,
            'dependencies': [values for values, _t, _v in self.dependencies],
        }

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
    template = bundle.parse_template(body['template'], 'template')
    files = bundle.normalise_files(body.get('files'))
    _check_file_sizes(files)
    environment = bundle.parse_environment(body.get('environment'))
    children = bundle.check_references(template, files, environment)
    data = bundle.canonical_bytes(template, files, environment)
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
        interface=bundle.interface(template), warnings=[],
        digest=bundle.digest_of(data), size=len(data))
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
            prepared.version or FIRST_VERSION)
    return template_obj.StoredTemplate.create(context, values, tags, first)


def _parameter_defaults(environment):
    defaults = (environment or {}).get('parameter_defaults')
    return defaults if isinstance(defaults, dict) else {}


def _effective_interface(interface, environment):
    """An interface as its users see it.

    A parameter defaulted in the stored environment's
    ``parameter_defaults`` has that default.
    """
    interface = dict(interface or {})
    defaults = _parameter_defaults(environment)
    parameters = {}
    for name, schema in (interface.get('parameters') or {}).items():
        schema = dict(schema)
        if name in defaults and 'default' not in schema:
            schema['default'] = defaults[name]
        parameters[name] = schema
    interface['parameters'] = parameters
    return interface


def _check_interface(context, template, prepared, version):
    """409 for a republish, or for a bump that breaks the interface."""
    existing = version_obj.StoredTemplateVersion.version_strings(
        context, template.id)
    if version in existing:
        raise exception.VersionExists(version=version, name=template.name)
    if prepared.force:
        return
    previous = versioning.predecessor(version, existing)
    if previous is None:
        return
    old = version_obj.StoredTemplateVersion.get(
        context, template.id, str(previous), with_bundle=True)
    breaks = bundle.interface_breaks(
        _effective_interface(old.interface, old.environment),
        prepared.interface, _parameter_defaults(prepared.environment))
    if breaks:
        raise exception.InterfaceBreak(version=version, previous=previous,
                                       breaks='; '.join(breaks))


def publish(context, template, prepared):
    """Write a prepared version of ``template``; return the new version."""
    if prepared.version is not None:
        _check_interface(context, template, prepared, prepared.version)
        return version_obj.StoredTemplateVersion.create(
            context, template.id,
            prepared.for_template(template.visibility, prepared.version))
    for attempt in range(NEXT_PATCH_ATTEMPTS):
        existing = version_obj.StoredTemplateVersion.version_strings(
            context, template.id)
        version = str(versioning.next_patch(
            [versioning.parse_version(v) for v in existing]))
        try:
            # NOTE: the check reads the versions again: a concurrent
            # publish may have taken this number since, and that is a
            # reason to pick again too, not a 409.
            _check_interface(context, template, prepared, version)
            return version_obj.StoredTemplateVersion.create(
                context, template.id,
                prepared.for_template(template.visibility, version))
        except exception.VersionExists:
            if attempt == NEXT_PATCH_ATTEMPTS - 1:
                raise
