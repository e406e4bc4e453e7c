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

"""Exceptions of the template store.

NOTE: heat-api's FaultWrapper picks the HTTP status by the exception's
class *name*, walking up its base classes until a name is in its error
map. Every exception here therefore derives from the Heat exception whose
status it should answer with: ``Invalid`` (400), ``EntityNotFound`` (404),
``StackExists`` (409). A store exception with a base outside that map would
become a 500. Quota errors (413, which no Heat exception maps to) are
answered by the API layer (``heat_store.api.util.Resource.dispatch``).
"""

from heat.common import exception as heat_exc
from heat.common.i18n import _


class InvalidBundle(heat_exc.Invalid):
    msg_fmt = _("Invalid template bundle: %(reason)s")


class InvalidVersion(heat_exc.Invalid):
    msg_fmt = _("Invalid version '%(version)s': %(reason)s")


class InvalidConstraint(heat_exc.Invalid):
    msg_fmt = _("Invalid version constraint '%(constraint)s': %(reason)s")


class InvalidRequest(heat_exc.Invalid):
    msg_fmt = _("%(reason)s")


class StoredTemplateNotFound(heat_exc.EntityNotFound):
    msg_fmt = _("The stored template (%(name)s) could not be found.")

    def __init__(self, name):
        super().__init__(entity='Stored template', name=name)


class VersionNotFound(heat_exc.EntityNotFound):
    msg_fmt = _("Version %(version)s of stored template %(name)s could not "
                "be found.")

    def __init__(self, name, version):
        heat_exc.HeatException.__init__(self, name=name, version=version)


class NoMatchingVersion(heat_exc.EntityNotFound):
    msg_fmt = _("No active version of stored template %(name)s matches "
                "'%(constraint)s'.")

    def __init__(self, name, constraint):
        heat_exc.HeatException.__init__(self, name=name,
                                        constraint=constraint)


class MemberNotFound(heat_exc.EntityNotFound):
    msg_fmt = _("Project %(project)s is not a member of stored template "
                "%(name)s.")

    def __init__(self, name, project):
        heat_exc.HeatException.__init__(self, name=name, project=project)


class Conflict(heat_exc.StackExists):
    """Base of the store's 409 answers."""
    msg_fmt = _("%(reason)s")


class StoredTemplateExists(Conflict):
    msg_fmt = _("A stored template named %(name)s already exists in this "
                "project.")


class VersionExists(Conflict):
    msg_fmt = _("Version %(version)s of stored template %(name)s already "
                "exists; versions are immutable.")


class InterfaceBreak(Conflict):
    """A new version and a neighbour in its major disagree (see
    ``publishing.interface_check``), each disagreement in ``breaks``.
    """
    msg_fmt = _("%(breaks)s. Publish it as a new major version, or set "
                "\"force\": true.")


class VersionInUse(Conflict):
    msg_fmt = _("%(what)s is in use by %(count)d stack(s)%(detail)s.")


class VersionDependedOn(Conflict):
    msg_fmt = _("%(what)s is a dependency of %(count)d other version(s)"
                "%(detail)s; delete or republish them first.")


class QuotaExceeded(heat_exc.HeatException):
    """Over one of the project's quotas.

    Heat's FaultWrapper maps no exception to 413: the API layer answers
    it (``heat_store.api.faults.QuotaExceeded``), so that the DB layer
    raises no HTTP error.
    """
    msg_fmt = _("%(reason)s")
