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

"""The embedded Heat stopped while a stack with a nested stack deletes.

Heat's engine stops its RPC server before its worker's and then waits for
the worker's tasks; a task that calls the engine meanwhile (the nested
stack's delete) would wait out the RPC timeout, a minute, and leave the
stacks DELETE_IN_PROGRESS. ``EmbeddedHeat.stop`` lets the operations
under way end first. The embedded Heat is process-wide, so it runs in a
child process here.
"""

import json
import subprocess
import sys

import fixtures

from tests import base

CHILD = """
import json, sys, time

import sqlalchemy as sa
import webob

from heat_store.dev import embedded

heat = embedded.EmbeddedHeat(sys.argv[1], port=1, auth='headers',
                             leaf_sleep=False)
app = heat.start()


def call(method, path, body=None):
    req = webob.Request.blank('/v1/p' + path, method=method)
    req.headers.update({'X-Project-Id': 'p', 'X-User-Id': 'u',
                        'X-Roles': 'member,reader', 'X-Auth-User': 'u',
                        'X-Auth-Key': 'secret',
                        'Accept': 'application/json'})
    if body is not None:
        req.body = json.dumps(body).encode()
        req.content_type = 'application/json'
    res = req.get_response(app)
    return res.status_int, json.loads(res.body) if res.body else None


child = {'heat_template_version': '2018-08-31', 'resources': {
    'pw': {'type': 'OS::Heat::RandomString'}}}
status, body = call('POST', '/stacks', {
    'stack_name': 'parent', 'files': {'child.yaml': json.dumps(child)},
    'template': {'heat_template_version': '2018-08-31',
                 'resources': {'nested': {'type': 'child.yaml'}}}})
assert status == 201, body
path = '/stacks/parent/%s' % body['stack']['id']
deadline = time.monotonic() + 60
while call('GET', path)[1]['stack']['stack_status'] != 'CREATE_COMPLETE':
    assert time.monotonic() < deadline, 'not created'
    time.sleep(0.1)
assert call('DELETE', path)[0] == 204
heat.stop()
with sa.create_engine(
        'sqlite:///' + sys.argv[1] + '/heat.sqlite').connect() as conn:
    print(json.dumps(sorted({tuple(row) for row in conn.execute(sa.text(
        'SELECT action, status FROM stack'))})))
"""


class EmbeddedStopTest(base.TestCase):

    def test_stop_lets_a_nested_delete_finish(self):
        data_dir = self.useFixture(fixtures.TempDir()).path
        result = subprocess.run([sys.executable, '-c', CHILD, data_dir],
                                capture_output=True, text=True, timeout=300)
        self.assertEqual(0, result.returncode, result.stderr[-4000:])
        self.assertEqual([['DELETE', 'COMPLETE']],
                         json.loads(result.stdout.splitlines()[-1]))
