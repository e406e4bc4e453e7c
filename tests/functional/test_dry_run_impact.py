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

"""A dry run of a publish, with its impact report, on the embedded Heat.

``lib`` 1.0.0 has resources ``a`` and ``b`` and outputs ``x`` and ``y``;
three stacks use it on ``^1.0`` (LATEST_MATCHING, reading ``y``),
``~1.0.0`` and ``1.0.0``. A dry run of 1.1.0, which renames ``b`` to ``c``
and drops ``y``, reports Heat's preview of exactly the ``^1.0`` stack, and
afterwards there is no 1.1.0 and no row of any table changed.

Heat previews each consumer's nested stack updated to the unpublished
bundle; the resource type never builds an unpublished version. The
attacks on the carriage of earlier releases (``heat-store-candidate://``
keys in a preview's ``files``) are kept here: such keys, sent by a user in
a create, an update, or Heat's own previews, build nothing, and a stack
that reads them learns nothing of a dry run.
"""

import json
import uuid

from oslo_config import cfg
import sqlalchemy as sa

from heat.common import context as heat_context
from heat.db import api as heat_db_api

from heat_store.bundle import canonical as bundle_canonical
from tests import base
from tests.functional import test_impact
from tests.functional import test_trust_boundary as tb

lib = test_impact.lib
consumer = test_impact.consumer
names = test_impact.names


def row_counts():
    """The rows of every table of the database: store's and Heat's.

    But Heat's ``sync_point``: convergence bookkeeping that Heat deletes
    on its own after a traversal, whenever its thread gets to it.
    """
    engine = heat_db_api.get_engine()
    ctx = heat_context.get_admin_context()
    tables = [t for t in sa.inspect(engine).get_table_names()
              if t != 'sync_point']
    with heat_db_api.context_manager.reader.using(ctx) as session:
        return {table: session.scalar(sa.select(sa.func.count()).select_from(
            sa.table(table))) for table in tables}


class OwnerLibraryTestCase(base.TestCase):
    """An owner project with a fresh library template at 1.0.0."""

    def setUp(self):
        super().setUp()
        self.owner = tb.Project('owner')
        self.name = 'lib%s' % uuid.uuid4().hex[:8]
        self.template_id = self.owner.create_template(
            self.name, lib('ab', 'xy'))['id']

    stack = test_impact.ImpactTest.stack


class DryRunImpactTest(OwnerLibraryTestCase):

    def dry_run(self, body, status=200, project=None, template=None):
        body = dict(body, dry_run=True)
        return (project or self.owner).expect(
            status, 'POST', '/stored_templates/%s/versions' % (
                template or self.name), body)

    def versions(self):
        return [v['version'] for v in self.owner.expect(
            200, 'GET', '/stored_templates/%s/versions' % self.name)[
            'stored_template_versions']]

    def test_dry_run_impact_of_an_unpublished_version(self):
        caret = self.stack(self.owner, consumer(
            self.name, '^1.0', 'LATEST_MATCHING', reads='y'))
        self.stack(self.owner, consumer(self.name, '~1.0.0'))
        self.stack(self.owner, consumer(self.name, '1.0.0'))
        before = row_counts()

        answer = self.dry_run({'version': '1.1.0', 'impact': True,
                               'force': True,
                               'template': lib('ac', 'x', a_length=8)})

        self.assertEqual(before, row_counts())
        self.assertEqual(['1.0.0'], self.versions())
        shown = answer['stored_template_version']
        self.assertEqual((None, '1.1.0', self.template_id, ['x']),
                         (shown['id'], shown['version'],
                          shown['template_id'], sorted(shown['outputs'])))
        self.assertEqual(bundle_canonical.digest(lib('ac', 'x', a_length=8),
                                                 {}, {}),
                         shown['digest'])
        self.assertEqual(0, answer['other_consumers'])
        self.assertEqual([caret['id']],
                         [e['stack_id'] for e in answer['impact']])
        entry = answer['impact'][0]
        self.assertIsNone(entry['error'])
        self.assertEqual(('1.0.0', '^1.0', 'LATEST_MATCHING', True),
                         (entry['current_version'], entry['constraint'],
                          entry['upgrade_policy'],
                          entry['moves_on_update']))
        self.assertEqual([('c', 'OS::Heat::RandomString')],
                         names(entry['added']))
        self.assertEqual([('b', 'OS::Heat::RandomString')],
                         names(entry['deleted']))
        self.assertEqual([('a', 'OS::Heat::RandomString')],
                         names(entry['replaced']))
        self.assertEqual({'outputs': ['y'], 'parameters': []},
                         entry['breaks'])

    def test_the_dry_run_reports_what_the_published_version_reports(self):
        self.stack(self.owner, consumer(self.name, '^1.0', reads='y'))
        new = lib('ac', 'x', a_length=8)
        dry = self.dry_run({'version': '1.1.0', 'impact': True,
                            'force': True, 'template': new})
        self.owner.expect(201, 'POST', '/stored_templates/%s/versions' %
                          self.name, {'version': '1.1.0', 'template': new,
                                      'force': True})
        real = self.owner.expect(200, 'GET',
                                 '/stored_templates/%s/versions/1.1.0/impact'
                                 % self.name)
        self.assertEqual(real['impact'], dry['impact'])

    def test_parameters_the_resource_does_not_pass(self):
        self.stack(self.owner, consumer(self.name, '^1.0'))
        needs = lib('ab', 'xy')
        needs['parameters'] = {'size': {'type': 'number'},
                               'zone': {'type': 'string'},
                               'flavor': {'type': 'string',
                                          'default': 'small'}}
        version = {'version': '1.2.0', 'template': needs, 'force': True,
                   'environment': {'parameter_defaults': {'zone': 'z1'}}}
        dry = self.dry_run(dict(version, impact=True))
        self.owner.expect(201, 'POST', '/stored_templates/%s/versions' %
                          self.name, version)
        real = self.owner.expect(200, 'GET',
                                 '/stored_templates/%s/versions/1.2.0/impact'
                                 % self.name)
        for answer in (dry, real):
            self.assertEqual([{'outputs': [], 'parameters': ['size']}],
                             [e['breaks'] for e in answer['impact']])
        # NOTE: the one place the two differ: Heat previews the nested
        # stack of a dry run as a stack of its own, whose parameters it
        # checks (strict_validate), where the nested level of the parent's
        # preview is not checked (test_impact).
        self.assertEqual('The Parameter (size) was not provided.',
                         dry['impact'][0]['error'])

    def test_child_files_and_environment_reach_the_preview(self):
        def bundle_of(inner):
            root = {'heat_template_version': test_impact.HOT,
                    'parameters': {'greeting': {'type': 'string'}},
                    'resources': {'kid': {
                        'type': 'nested/child.yaml',
                        'properties': {'text': {'get_param': 'greeting'}}}}}
            child = ('heat_template_version: %s\n'
                     'parameters: {text: {type: string}}\n'
                     'resources:\n'
                     '  %s:\n'
                     '    type: OS::Heat::Value\n'
                     '    properties: {value: {get_file: data.txt}}\n' %
                     (test_impact.HOT, inner))
            return {'template': root,
                    'files': {'nested/child.yaml': child,
                              'nested/data.txt': 'data\n'},
                    'environment': {'parameter_defaults': {
                        'greeting': 'hi'}}}

        name = 'kids%s' % uuid.uuid4().hex[:8]
        self.owner.expect(201, 'POST', '/stored_templates', {
            'name': name, 'version': dict(bundle_of('inner'),
                                          version='1.0.0')})
        mine = self.stack(self.owner, consumer(name, '^1.0'))
        # NOTE: Heat's preview shows the resource as it is, outputs
        # included, and Heat caches the attribute values of the nested
        # stack's resources the first time any call shows its outputs
        # (GET /stacks/... does it too): a cache of the stack as it is,
        # not the dry run's. Show it first, so that the count below
        # measures the dry run alone.
        links = self.owner.expect(200, 'GET', '/stacks/%s/%s/resources/r'
                                  % (mine['stack_name'], mine['id']))[
            'resource']['links']
        nested, = [link['href'] for link in links if link['rel'] == 'nested']
        self.owner.expect(200, 'GET', nested[nested.index('/stacks/'):])
        before = row_counts()
        answer = self.dry_run(dict(bundle_of('renamed'), version='1.1.0',
                                   impact=True), template=name)
        self.assertEqual(before, row_counts())
        entry, = answer['impact']
        self.assertEqual((mine['id'], None),
                         (entry['stack_id'], entry['error']))
        self.assertEqual(([('renamed', 'OS::Heat::Value')],
                          [('inner', 'OS::Heat::Value')]),
                         (names(entry['added']), names(entry['deleted'])))

    def test_a_dry_run_refuses_as_a_publish_does(self):
        before = row_counts()
        # The interface check: y is gone.
        self.dry_run({'version': '1.1.0', 'template': lib('ac', 'x')}, 409)
        self.dry_run({'version': '1.1.0', 'impact': True,
                      'template': lib('ac', 'x')}, 409)
        # An existing version.
        self.dry_run({'version': '1.0.0', 'template': lib('ab', 'xy')}, 409)
        # The engine's validation.
        broken = lib('ab', 'xy')
        broken['resources']['a']['type'] = 'OS::No::Such'
        self.dry_run({'version': '1.1.0', 'template': broken}, 400)
        # A file the server would have to fetch.
        fetches = lib('ab', 'xy')
        fetches['resources']['a']['type'] = 'http://169.254.169.254/x.yaml'
        self.dry_run({'version': '1.1.0', 'template': fetches}, 400)
        # impact is for a dry run only.
        self.owner.expect(400, 'POST', '/stored_templates/%s/versions' %
                          self.name, {'version': '1.1.0', 'impact': True,
                                      'template': lib('ab', 'xy')})
        # A first version has no dry run.
        self.owner.expect(400, 'POST', '/stored_templates', {
            'name': 'n%s' % uuid.uuid4().hex[:8], 'version': {
                'template': lib('ab', 'xy'), 'dry_run': True}})
        self.assertEqual(before, row_counts())
        self.assertEqual(['1.0.0'], self.versions())

    def test_the_next_patch_and_quotas_as_a_publish(self):
        answer = self.dry_run({'template': lib('ab', 'xyz')})
        self.assertEqual('1.0.1',
                         answer['stored_template_version']['version'])
        self.assertNotIn('impact', answer)
        cfg.CONF.set_override('max_versions_per_template', 1,
                              group='template_store')
        self.addCleanup(cfg.CONF.clear_override,
                        'max_versions_per_template', group='template_store')
        self.dry_run({'template': lib('ab', 'xyz')}, 413)

    def test_only_the_owner_dry_runs(self):
        member = tb.Project('member')
        self.owner.expect(200, 'PATCH', '/stored_templates/%s' % self.name,
                          {'visibility': 'shared'})
        self.owner.expect(201, 'POST', '/stored_templates/%s/members' %
                          self.name, {'project_id': member.id})
        member.answer(self.template_id)
        before = row_counts()
        self.dry_run({'template': lib('ab', 'xyz'), 'impact': True}, 403,
                     project=member, template=self.template_id)
        # Not visible at all: 404, as if it did not exist.
        self.dry_run({'template': lib('ab', 'xyz'), 'impact': True}, 404,
                     project=tb.Project('stranger'),
                     template=self.template_id)
        self.assertEqual(before, row_counts())


# The keys earlier releases carried an unpublished version in.
RESERVED = 'heat-store-candidate://'


class CandidateAttackTest(OwnerLibraryTestCase):
    """Candidate keys in a stack's files, sent through Heat's own API.

    A user writes the keys of the old carriage (a manifest made for the
    owner's project, template and a version that does not exist, with the
    bundle of that version); nothing builds from them.
    """

    def setUp(self):
        super().setUp()
        self.new = lib('ac', 'x', a_length=8)

    def candidate(self, version='1.1.0', template=None):
        new = template or self.new
        manifest = {'project_id': self.owner.id,
                    'template_id': self.template_id, 'version': version,
                    'digest': bundle_canonical.digest(new, {},
                                                      {}), 'locks': [],
                    'expires': 2 ** 40, 'signature': '0' * 64}
        return {RESERVED + 'manifest': json.dumps(manifest),
                RESERVED + 'template': json.dumps(new),
                RESERVED + 'environment': '{}'}

    def moved(self, version='1.1.0', template_id=None):
        return consumer(template_id or self.template_id, version, reads='x')

    def assertNotHonoured(self, answer):
        status, payload = answer
        self.assertEqual(400, status, payload)
        self.assertIn('no active version', payload['error']['message'])

    def test_no_call_of_heat_builds_from_candidate_keys(self):
        before = row_counts()
        self.assertNotHonoured(self.owner.call('POST', '/stacks', {
            'stack_name': 'st%s' % uuid.uuid4().hex[:10],
            'template': self.moved(), 'files': self.candidate()}))
        self.assertNotHonoured(self.owner.call('POST', '/stacks/preview', {
            'stack_name': 'st%s' % uuid.uuid4().hex[:10],
            'template': self.moved(), 'files': self.candidate()}))
        self.assertEqual(before, row_counts())

        mine = self.stack(self.owner, consumer(self.name, '^1.0'))
        path = '/stacks/%s/%s' % (mine['stack_name'], mine['id'])
        # Heat's update preview, which earlier releases honoured a signed
        # candidate in, and both kinds of update.
        self.assertNotHonoured(self.owner.call(
            'PATCH', path + '/preview',
            {'template': self.moved(), 'files': self.candidate()},
            query={'show_nested': 'True'}))
        for method in ('PUT', 'PATCH'):
            self.assertNotHonoured(self.owner.call(
                method, path, {'template': self.moved(),
                               'files': self.candidate(),
                               'parameters': {}}))
        shown = self.owner.expect(200, 'GET', path)['stack']
        self.assertEqual(
            ('CREATE_COMPLETE', [{'output_key': 'version',
                                  'output_value': '1.0.0'}]),
            (shown['stack_status'],
             [{k: o[k] for k in ('output_key', 'output_value')}
              for o in shown['outputs']]))
        self.assertEqual(['1.0.0'], [v['version'] for v in self.owner.expect(
            200, 'GET', '/stored_templates/%s/versions' % self.name)[
            'stored_template_versions']])

    def test_another_project_builds_nothing_from_them(self):
        self.owner.expect(200, 'PATCH', '/stored_templates/%s' % self.name,
                          {'visibility': 'shared'})
        other = tb.Project('other')
        self.owner.expect(201, 'POST', '/stored_templates/%s/members' %
                          self.name, {'project_id': other.id})
        other.answer(self.template_id)
        theirs = self.stack(other, consumer(self.template_id, '^1.0'))
        path = '/stacks/%s/%s' % (theirs['stack_name'], theirs['id'])
        for files in (self.candidate(), dict(self.candidate(), **{
                RESERVED + 'manifest': json.dumps(dict(json.loads(
                    self.candidate()[RESERVED + 'manifest']),
                    project_id=other.id))})):
            self.assertNotHonoured(other.call(
                'PATCH', path + '/preview',
                {'template': self.moved(), 'files': files},
                query={'show_nested': 'True'}))

    def test_a_dry_run_never_uses_the_stacks_own_candidate_keys(self):
        # A stack that carries the keys itself (a bundle of its own, say)
        # gets the dry run's bundle in the preview, never its own.
        name = 'st%s' % uuid.uuid4().hex[:10]
        created = self.owner.expect(201, 'POST', '/stacks', {
            'stack_name': name,
            'template': consumer(self.name, '^1.0', 'LATEST_MATCHING'),
            'files': self.candidate(template=lib('ab', 'xy', a_length=9))})
        stack = self.owner.wait(name, created['stack']['id'])
        self.assertEqual('CREATE_COMPLETE', stack['stack_status'])
        answer = self.owner.expect(
            200, 'POST', '/stored_templates/%s/versions' % self.name,
            {'version': '1.1.0', 'dry_run': True, 'impact': True,
             'force': True, 'template': self.new})
        entries = [e for e in answer['impact']
                   if e['stack_id'] == created['stack']['id']]
        self.assertEqual([('c', 'OS::Heat::RandomString')],
                         names(entries[0]['added']))

    def test_a_stack_reading_the_manifest_learns_nothing(self):
        # Issue 17, part 4, as reported: a consumer whose template reads
        # the manifest's key, where an error would echo what it holds.
        template = consumer(self.name, '^1.0', 'LATEST_MATCHING')
        template['resources']['leak'] = {
            'type': 'OS::Heat::RandomString',
            'properties': {'length': {
                'get_file': RESERVED + 'manifest'}}}
        name = 'st%s' % uuid.uuid4().hex[:10]
        created = self.owner.expect(201, 'POST', '/stacks', {
            'stack_name': name, 'template': template,
            'files': {RESERVED + 'manifest': '8'}})
        stack = self.owner.wait(name, created['stack']['id'])
        self.assertEqual('CREATE_COMPLETE', stack['stack_status'],
                         stack['stack_status_reason'])

        dry = self.owner.expect(
            200, 'POST', '/stored_templates/%s/versions' % self.name,
            {'version': '1.1.0', 'dry_run': True, 'impact': True,
             'force': True, 'template': self.new})
        self.owner.expect(201, 'POST', '/stored_templates/%s/versions' %
                          self.name, {'version': '1.1.0',
                                      'template': self.new, 'force': True})
        real = self.owner.expect(
            200, 'GET', '/stored_templates/%s/versions/1.1.0/impact' %
            self.name)
        for answer in (dry, real):
            # The report (the dry run's answer also shows the version).
            text = json.dumps([answer['impact'], answer['other_consumers']])
            for secret in (RESERVED, 'signature', 'expires', 'digest',
                           bundle_canonical.digest(self.new, {}, {})):
                self.assertNotIn(secret, text)
            entry, = answer['impact']
            self.assertEqual((created['stack']['id'], None),
                             (entry['stack_id'], entry['error']))
            self.assertEqual([('c', 'OS::Heat::RandomString')],
                             names(entry['added']))
        self.assertEqual(real['impact'], dry['impact'])
