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

"""Fixtures of the in-process API tests.

One real Heat per test process: the engine runs in this process (in-memory
messaging), the API app is Heat's paste pipeline with the store's router,
and the database is SQLite in a temporary directory. Each gabbi file gets
fresh project ids, so files never see each other's templates.
"""

import atexit
import json
import os
import shutil
import tempfile
import threading
import uuid

from gabbi import fixture as gabbi_fixture
import webob

from tests import base
from tests.functional import server

JSON = 'application/json'
_lock = threading.Lock()
_heat = {}

# Heat's size limits, lowered so that the bodies that pass them stay small.
LIMITS = {'max_template_size': 64 * 1024, 'max_json_body_size': 256 * 1024}
# The store's quotas, low enough for quotas.yaml to reach each of them.
QUOTAS = {'max_templates_per_project': 8, 'max_versions_per_template': 8,
          'max_bytes_per_project': 192 * 1024}


def oversize_bodies():
    """Texts just past the limits, for ``$ENVIRON`` in the gabbi files.

    ``OVERSIZE_TEMPLATE`` is a template longer than max_template_size;
    ``LARGE_FILE`` is a text as long as max_template_size allows, of
    which four make a bundle larger than max_json_body_size;
    ``SCALAR_ALIAS_BOMB`` is a template within the size limit whose
    aliases repeat one long string a thousand times.
    ``LONG_COMMENTED_TEMPLATE`` is a template within the size limit that
    is almost all comment: its canonical form is tiny, its text is not.
    ``FILTER_VALUES_AT_LIMIT`` and ``FILTER_VALUES_OVER_LIMIT`` are comma
    lists of as many values as a list filter takes, and one more;
    ``FILTER_VALUES_1000`` has a thousand; ``REPEATED_SORT_KEYS`` is
    ``name`` a thousand times.
    """
    from heat_store.api.schemas import common

    def values(count):
        return ','.join('v%d' % i for i in range(count))

    template_size = LIMITS['max_template_size']
    head = 'heat_template_version: 2021-04-16\n'
    return {
        'OVERSIZE_TEMPLATE': '%sdescription: %s\n' % (
            head, 'x' * template_size),
        'LARGE_FILE': 'y' * template_size,
        'LONG_COMMENTED_TEMPLATE': '# %s\n%s' % (
            'c' * (template_size - 100), head),
        'SCALAR_ALIAS_BOMB': '%sparameters:\n  p:\n    type: string\n'
                             '    default: &a %s\n    description: [%s]\n' % (
                                 head, 'z' * (template_size // 4),
                                 ', '.join(['*a'] * 1000)),
        'FILTER_VALUES_AT_LIMIT': values(common.MAX_FILTER_VALUES),
        'FILTER_VALUES_OVER_LIMIT': values(common.MAX_FILTER_VALUES + 1),
        'FILTER_VALUES_1000': values(1000),
        'REPEATED_SORT_KEYS': ','.join(['name'] * 1000),
    }


def embedded_heat():
    """The process-wide embedded Heat, started on first use."""
    with _lock:
        if not _heat:
            from heat_store import conf  # noqa: F401
            from heat_store.dev import embedded
            from oslo_config import cfg

            data_dir = tempfile.mkdtemp(prefix='heat-store-test-')
            atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
            heat = embedded.EmbeddedHeat(
                data_dir, port=1, auth='headers', leaf_sleep=False,
                resource_poll=server.RESOURCE_POLL_SECONDS)
            heat.configure()
            for name, value in LIMITS.items():
                cfg.CONF.set_override(name, value)
            for name, value in QUOTAS.items():
                cfg.CONF.set_override(name, value, group='template_store')
            os.environ.update(oversize_bodies())
            heat.sync_database()
            heat.start_engine()
            # NOTE: the engine's looping calls keep the interpreter from
            # exiting for up to a minute unless the engine is stopped.
            atexit.register(heat.stop)
            _heat['heat'] = heat
            _heat['app'] = heat.load_app()
        return _heat['app']


class ProjectTestCase(base.TestCase):
    """Each test in a new project of its own, against the in-process Heat.

    Requests go straight to the API app (no HTTP), as ``USER`` with the
    member and reader roles.
    """

    USER = 'tester'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.app = embedded_heat()

    def setUp(self):
        super().setUp()
        self.project = uuid.uuid4().hex

    def request(self, method, path, body=None, content_type=JSON,
                headers=None):
        """Heat's response to ``body`` (bytes, sent as they are)."""
        req = webob.Request.blank('/v1/%s%s' % (self.project, path),
                                  method=method)
        req.headers.update({'X-Project-Id': self.project,
                            'X-User-Id': self.USER,
                            'X-Roles': 'member,reader',
                            'Accept': JSON})
        req.headers.update(headers or {})
        if body is not None:
            req.body = body
            if content_type is not None:
                req.headers['Content-Type'] = content_type
            else:
                req.headers.pop('Content-Type', None)
        return req.get_response(self.app)

    def call(self, method, path, body=None):
        """``(status, decoded JSON answer)`` of ``body`` sent as JSON."""
        if body is not None:
            # ASCII-escaped, so that lone surrogates survive encoding.
            body = json.dumps(body).encode('ascii')
        res = self.request(method, path, body)
        return res.status_int, json.loads(res.body) if res.body else None

    def wait_stack(self, path, timeout=60):
        """The stack at ``path`` once it is no longer in progress."""
        def look(outputs):
            query = '' if outputs else '?resolve_outputs=false'
            return self.call('GET', path + query)[1]['stack']

        return base.wait_for_stack(
            look, lambda stack: not stack['stack_status'].endswith(
                'IN_PROGRESS'), path, timeout)


def setup_app():
    """gabbi's intercept: called before fixtures start, so stay lazy."""
    return LazyApp()


class LazyApp(object):
    def __call__(self, environ, start_response):
        return fault_format_check(embedded_heat(), environ, start_response)


FAULT_CHECK_STATUS = '599 Not In Heat Fault Format'


def _is_json(headers):
    return any(name.lower() == 'content-type' and
               value.startswith('application/json')
               for name, value in headers)


def _is_fault(body):
    try:
        fault = json.loads(body)
        return (isinstance(fault, dict) and
                {'code', 'title', 'explanation', 'error'} <= set(fault) and
                isinstance(fault['error'], dict) and
                {'type', 'message'} <= set(fault['error']) and
                fault['error']['message'])
    except ValueError:
        return False


def fault_format_check(app, environ, start_response):
    """Every error answer in every gabbi file must be a Heat fault.

    An error response (4xx or 5xx, but for HEAD) whose body is not Heat's
    fault format with a message is replaced by a 599 quoting it, so that
    the test that made the request fails whatever status it expected.
    Heat's FaultWrapper answers a request sent as application/xml in its
    own XML rendering, which is left alone.
    """
    captured = {}

    def capture(status, headers, exc_info=None):
        captured['status'], captured['headers'] = status, headers
        return lambda data: None

    body = b''.join(app(environ, capture))
    if (int(captured['status'].split()[0]) >= 400 and
            environ['REQUEST_METHOD'] != 'HEAD' and
            environ.get('CONTENT_TYPE') != 'application/xml' and
            not (_is_json(captured['headers']) and _is_fault(body))):
        start_response(FAULT_CHECK_STATUS,
                       [('Content-Type', 'text/plain')])
        return [b'%s answered %s, not in Heat fault format: %s' % (
            environ['PATH_INFO'].encode(), captured['status'].encode(),
            body[:1000])]
    start_response(captured['status'], captured['headers'])
    return [body]


class APIFixture(gabbi_fixture.GabbiFixture):
    """Fresh project ids for one gabbi file, in ``$ENVIRON``."""

    def start_fixture(self):
        embedded_heat()
        for name in ('PROJECT_ID', 'OTHER_PROJECT_ID', 'THIRD_PROJECT_ID',
                     'USER_ID'):
            os.environ[name] = uuid.uuid4().hex

    def stop_fixture(self):
        pass
