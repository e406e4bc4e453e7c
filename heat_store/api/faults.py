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

"""Answers the router gives itself, in Heat's fault format.

Heat's FaultWrapper rebuilds every error response from the exception and
drops its headers, so a 405 raised through it loses ``Allow`` and a 429
its ``Retry-After``. These answer them directly, with the header kept.
"""

from oslo_serialization import jsonutils
import webob
import webob.dec
import webob.exc

from heat.common.i18n import _


class QuotaExceeded(webob.exc.HTTPRequestEntityTooLarge):
    """413 with the quota that was hit (``exception.QuotaExceeded``).

    Named as the store's exception, since Heat's fault body names the
    exception's class as the error's type.
    """

    def __init__(self, message):
        super().__init__(detail=message)


def _fault(error, message, headers):
    """Heat's fault document for a webob error class, with headers kept."""
    fault = {
        'code': error.code,
        'title': error.title,
        'explanation': error.explanation,
        'error': {'type': error.__name__, 'message': message,
                  'traceback': None},
    }
    # NOTE: webob ignores content_type when headerlist is given.
    return webob.Response(status=error.code, headerlist=[
        ('Content-Type', 'application/json; charset=UTF-8')] + headers,
        body=jsonutils.dump_as_bytes(fault))


class MethodNotAllowed(object):
    def __init__(self, allowed):
        self.allowed = allowed

    @webob.dec.wsgify
    def __call__(self, req):
        message = _('The method %(method)s is not allowed on %(path)s; '
                    'allowed: %(allowed)s.') % {
            'method': req.method, 'path': req.path,
            'allowed': self.allowed}
        return _fault(webob.exc.HTTPMethodNotAllowed, message,
                      [('Allow', self.allowed)])


def too_many_requests(message, retry_after):
    """429 with ``Retry-After`` (seconds), in Heat's fault format."""
    return _fault(webob.exc.HTTPTooManyRequests, message,
                  [('Retry-After', str(retry_after))])


class Options(object):
    def __init__(self, allowed):
        self.allowed = allowed

    @webob.dec.wsgify
    def __call__(self, req):
        return webob.Response(status=204, headerlist=[
            ('Allow', self.allowed)])
