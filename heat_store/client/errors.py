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

"""The message for the user of whatever went wrong in a store command."""

import logging
from urllib import error as url_error

from heatclient import exc as heat_exc

LOG = logging.getLogger(__name__)

PREFIX = 'ERROR: '
# The API's way out of an interface break (heat_store.exception's
# InterfaceBreak), said to a client program; a command's user has an option.
API_FORCE = 'set "force": true'


class BundleError(Exception):
    """A local template, environment or bundle directory is unusable."""


def server_message(error):
    """The message of a heatclient HTTP error: Heat's ``error.message``.

    Heat's fault body is ``{"code", "title", "explanation", "error":
    {"type", "message", "traceback"}}``; the message is what the server
    has to say. A body that is not a fault gives the status line instead.
    """
    fault = getattr(error, 'error', None) or {}
    message = (fault.get('error') or {}).get('message')
    if not message:
        message = '%s (HTTP %s)' % (error.__class__.__name__,
                                    getattr(error, 'code', '?'))
    return message


def _fault_type(error):
    return ((getattr(error, 'error', None) or {}).get('error') or {}).get(
        'type')


def message(error, force='--force'):
    """``ERROR: <what went wrong>``, or None if unknown.

    The API's ``set "force": true`` (an interface break) becomes "use
    <force>", the command's option; with ``force=None`` (a command that
    has none) that way out is left unsaid.

    The message keeps its lines, as ``openstack stack create`` prints
    Heat's: a YAML error's context line and caret stay under each other.
    Only blank space at the ends of lines and of the message goes. None
    means the error is not one a store command expects, so that the
    caller lets it through to the shell's own handling.
    """
    if isinstance(error, heat_exc.HTTPException):
        text = server_message(error)
        if _fault_type(error) == 'InterfaceBreak':
            text = (text.replace(API_FORCE, 'use %s' % force) if force else
                    text.replace(', or %s' % API_FORCE, ''))
    elif isinstance(error, (heat_exc.BaseException, BundleError)):
        # heatclient's CommandError (an unreadable child file, a template
        # that does not parse), its CommunicationError, and ours.
        text = str(error)
    elif isinstance(error, url_error.URLError):
        # template_utils reads -t and -e with urlopen.
        reason = error.reason
        if isinstance(reason, OSError) and reason.filename:
            text = 'cannot read %s: %s' % (reason.filename,
                                           reason.strerror or reason)
        else:
            text = 'cannot read the template: %s' % reason
    else:
        return None
    text = '\n'.join(line.rstrip()
                     for line in str(text).strip().splitlines())
    if text.startswith(PREFIX):
        return text
    return PREFIX + text


def failures(func, calls):
    """Run ``func(*call)`` for every call; the messages of those that fail.

    For commands that delete several things: each is tried, and what went
    wrong is reported once at the end. An unexpected error is raised.
    """
    found = []
    for call in calls:
        try:
            func(*call)
        except Exception as error:
            # Broad on purpose: message() is the one list of the errors a
            # command expects; anything else is raised as it is.
            text = message(error)
            if text is None:
                raise
            LOG.debug('%s%r failed', getattr(func, '__name__', func), call,
                      exc_info=True)
            found.append(text)
    return found
