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

"""A version that is not published, carried to the engine's preview.

``version create --dry-run --impact`` asks Heat's engine for the update
preview of each consumer with its resource moved to a version that has no
row in the database. heat-api carries the candidate bundle to whichever
heat-engine runs the preview inside the request's ``files`` map, under
keys no stack file can have (:data:`PREFIX`): a manifest (project,
template id, version, digest, the bundle's locks, an expiry), the root
template, the environment and each child file, one key each, so that
each stays within Heat's ``max_template_size`` as every file of a stack
must.

The manifest is signed with a key derived from ``auth_encryption_key``
(which heat-api and every heat-engine share, as they share heat.conf),
and the engine honours a candidate only when all of these hold:

* Heat is running ``preview_update_stack`` (never a create, an update, a
  validation of its own or any other call, whatever ``files`` holds);
* the signature is good and the candidate has not expired;
* it was made for the project of the stack being previewed, and for
  exactly the template id and version the resource asks for;
* the bundle carried hashes to the digest signed.

Anything else is as if the keys were absent: the reference resolves in
the database, as always.
"""

import hashlib
import hmac
import json
import time

from oslo_config import cfg
from oslo_log import log as logging

from heat.common import crypt  # noqa: F401 - registers auth_encryption_key

from heat_store import bundle

LOG = logging.getLogger(__name__)

PREFIX = 'heat-store-candidate://'
MANIFEST = PREFIX + 'manifest'
TEMPLATE = PREFIX + 'template'
ENVIRONMENT = PREFIX + 'environment'
FILES = PREFIX + 'files/'
# What the signature is over; the label keeps this key from ever
# signing anything else made from auth_encryption_key.
LABEL = b'heat-store unpublished version candidate v1'
# Allowance for clocks of heat-api and heat-engine hosts that differ.
CLOCK_SKEW = 30


class Candidate(object):
    """An unpublished version, shaped as the resource reads a version."""

    id = None
    status = 'active'

    def __init__(self, template_id, version, template, files, environment,
                 digest, locks):
        self.template_id = template_id
        self.version = version
        self.template = template
        self.files = files
        self.environment = environment
        self.digest = digest
        # {(template as written, constraint): (template id, version)}
        self.locks = locks


def _key():
    return hmac.new(cfg.CONF.auth_encryption_key.encode('utf-8'), LABEL,
                    hashlib.sha256).digest()


def _compact(data):
    return json.dumps(data, separators=(',', ':'))


def _signature(fields):
    text = json.dumps(fields, sort_keys=True, separators=(',', ':'))
    return hmac.new(_key(), text.encode('utf-8'),
                    hashlib.sha256).hexdigest()


def pack(project_id, template_id, version, template, files, environment,
         digest, locks, lifetime):
    """The ``files`` entries that carry a candidate to the engine.

    ``locks`` is ``[(template as written, constraint, template id,
    version)]``; ``lifetime`` is how many seconds the engine honours it.
    """
    fields = {'project_id': project_id, 'template_id': template_id,
              'version': version, 'digest': digest,
              'locks': [list(lock) for lock in locks],
              'expires': int(time.time() + lifetime) + 1}
    # NOTE: compact, as Heat holds each file to max_template_size.
    entries = {MANIFEST: _compact(dict(fields,
                                       signature=_signature(fields))),
               TEMPLATE: _compact(template),
               ENVIRONMENT: _compact(environment or {})}
    for path, text in files.items():
        entries[FILES + path] = text
    return entries


def _manifest(files):
    try:
        manifest = json.loads(files[MANIFEST])
    except (TypeError, ValueError):
        return None
    if not isinstance(manifest, dict):
        return None
    return manifest


def unpack(files, project_id, template_ref, constraint_text):
    """The candidate these ``files`` carry for this reference, or None.

    None unless the manifest is signed, alive, and made for this project,
    template id and exact version, and the bundle matches its digest.
    Whether Heat is previewing is the caller's to know.
    """
    if not files or MANIFEST not in files:
        return None
    manifest = _manifest(files)
    if manifest is None:
        LOG.debug('candidate manifest does not parse; ignored')
        return None
    signature = manifest.pop('signature', None)
    if not isinstance(signature, str) or not hmac.compare_digest(
            signature, _signature(manifest)):
        LOG.warning('a candidate version with a bad signature was sent '
                    'for project %s; ignored', project_id)
        return None
    if (manifest.get('project_id') != project_id or
            manifest.get('template_id') != template_ref or
            manifest.get('version') != constraint_text):
        return None
    if manifest.get('expires', 0) + CLOCK_SKEW < time.time():
        LOG.debug('candidate version of %s expired; ignored', template_ref)
        return None
    try:
        template = json.loads(files[TEMPLATE])
        environment = json.loads(files[ENVIRONMENT])
    except (KeyError, TypeError, ValueError):
        return None
    bundle_files = {key[len(FILES):]: text for key, text in files.items()
                    if key.startswith(FILES)}
    if bundle.digest(template, bundle_files,
                     environment) != manifest.get('digest'):
        LOG.warning('a candidate version whose bundle does not match its '
                    'digest was sent for project %s; ignored', project_id)
        return None
    locks = {(ref, constraint): (template_id, version)
             for ref, constraint, template_id, version in manifest['locks']}
    return Candidate(manifest['template_id'], manifest['version'], template,
                     bundle_files, environment, manifest['digest'], locks)
