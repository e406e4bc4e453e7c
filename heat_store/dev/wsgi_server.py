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

"""A small threaded WSGI server for the embedded Heat.

Heat 27 ships its API as WSGI only. The embedded Heat needs a server that
answers requests in parallel, since a stack with ``OS::Heat::Stack`` calls
back into the same API while a request is in flight.
"""

import socketserver
from wsgiref import simple_server

from oslo_log import log as logging

LOG = logging.getLogger(__name__)


class _Handler(simple_server.WSGIRequestHandler):
    def log_message(self, fmt, *args):
        LOG.debug('%s - %s', self.address_string(), fmt % args)

    def get_stderr(self):
        # NOTE: wsgiref writes application tracebacks here; route them to
        # the log instead of the terminal.
        return _LogStream()


class _LogStream(object):
    def write(self, text):
        if text.strip():
            LOG.error('%s', text.rstrip())

    def flush(self):
        pass


class ThreadedWSGIServer(socketserver.ThreadingMixIn,
                         simple_server.WSGIServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


def make_server(host, port, app):
    server = simple_server.make_server(host, port, app,
                                       server_class=ThreadedWSGIServer,
                                       handler_class=_Handler)
    return server
