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

"""The store's DB API on SQLite, MariaDB and PostgreSQL.

Each test runs on a fresh database holding Heat's schema and the store's,
built by their own migrations, through the same functions heat-api and
heat-engine call (``heat_store.db.api`` and ``heat_store.db.consumers``).
"""

import random
import threading
import time
import types
from unittest import mock
import uuid

from oslo_config import cfg
from oslo_config import fixture as config_fixture
from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import test_fixtures
from oslo_utils import timeutils
import sqlalchemy as sa
from testtools import content

from heat.common import context as heat_context
from heat.common import exception as heat_exc
from heat.db import api as heat_db_api

from heat_store.db import api as db_api
from heat_store.db import consumers
from heat_store.db import models
from heat_store import exception
from heat_store import names
from heat_store import publishing
from heat_store import quotas
from heat_store import versioning
from tests import base as test_base
from tests.functional.db import base

HOT = {'heat_template_version': '2018-08-31', 'resources': {}}

# Shuffled before publishing: the database must give them back in semver
# order (newest first), prereleases included.
SEMVER_ORDER = [
    '10.0.0', '2.0.0', '2.0.0-rc.2', '2.0.0-rc.1', '2.0.0-beta.11',
    '2.0.0-beta.2', '2.0.0-beta', '2.0.0-alpha.beta', '2.0.0-alpha.1',
    '2.0.0-alpha', '1.10.0', '1.9.1', '1.2.0', '1.0.1', '1.0.0',
    '1.0.0-rc.1', '1.0.0-RC.1', '0.1.0',
]


def context(project=None, user=None):
    return heat_context.RequestContext(
        project_id=project or uuid.uuid4().hex,
        user_id=user or uuid.uuid4().hex, is_admin=False)


def version_values(version, size=10):
    return {
        'version': version, 'template': HOT, 'files': {}, 'environment': {},
        'description': 'version %s' % version, 'source_url': None,
        'source_revision': None, 'interface': {'parameters': {},
                                               'outputs': {}},
        'warnings': [], 'digest': 'sha256:' + '0' * 64, 'size': size,
    }


class DBApiTest(object):
    """Every database the store supports runs these."""

    def setUp(self):
        super().setUp()
        # The schema (base.heat_and_store_schema) is built once per
        # database by the mixins' fixture; each test starts with no rows.
        self.ctx = context()

    # -- helpers ------------------------------------------------------------

    def make_template(self, name, ctx=None, visibility='private', tags=(),
                      first=None):
        return db_api.template_create(
            ctx or self.ctx,
            {'name': name, 'description': 'about %s' % name,
             'visibility': visibility},
            list(tags), version_values(first) if first else None)

    def publish(self, template, version, ctx=None):
        return db_api.version_create(ctx or self.ctx, template.id,
                                     version_values(version))

    def make_stack(self, ctx=None, name=None):
        """A row in Heat's own ``stack`` table, as the engine writes it."""
        ctx = ctx or self.ctx
        raw = heat_db_api.raw_template_create(ctx, {'template': HOT,
                                                    'files': {}})
        return heat_db_api.stack_create(ctx, {
            'name': name or 's%s' % uuid.uuid4().hex[:8],
            'raw_template_id': raw.id, 'username': ctx.user_id,
            'tenant': ctx.project_id, 'action': 'CREATE',
            'status': 'COMPLETE', 'disable_rollback': True,
            'nested_depth': 0})

    def pin(self, version, stack, ctx=None, resource='web'):
        ctx = ctx or self.ctx
        return consumers.pin(ctx, {
            'version_id': version.id,
            'consumer_key': '%s/%s' % (stack.id, resource),
            'resource_id': str(uuid.uuid4()),
            'state': consumers.PINNED, 'template_ref': 'web',
            'version_constraint': 'latest', 'parent_stack_id': stack.id,
            'root_stack_id': stack.id, 'resource_name': resource,
            'project_id': ctx.project_id})

    def soft_delete_stack(self, stack):
        with self.engine.begin() as conn:
            conn.execute(sa.text(
                'UPDATE stack SET deleted_at = :now WHERE id = :id'),
                {'now': timeutils.utcnow(), 'id': stack.id})

    def set_stack_status(self, stack, action, status):
        with self.engine.begin() as conn:
            conn.execute(sa.text(
                'UPDATE stack SET action = :action, status = :status '
                'WHERE id = :id'),
                {'action': action, 'status': status, 'id': stack.id})

    def count(self, table, **where):
        query = 'SELECT count(*) FROM %s' % table
        if where:
            query += ' WHERE ' + ' AND '.join('%s = :%s' % (k, k)
                                              for k in where)
        with self.engine.connect() as conn:
            return conn.execute(sa.text(query), where).scalar()

    def names(self, rows):
        return [r.name for r in rows]

    # -- templates ----------------------------------------------------------

    def test_create_and_get_by_name_or_id(self):
        tmpl = self.make_template('web', tags=['a', 'b'], first='1.0.0')
        by_name = db_api.template_get(self.ctx, 'web')
        by_id = db_api.template_get(self.ctx, tmpl.id)
        self.assertEqual(tmpl.id, by_name.id)
        self.assertEqual(tmpl.id, by_id.id)
        self.assertEqual({'a', 'b'}, {t.tag for t in by_id.tags})
        self.assertEqual('1.0.0', by_id.latest_version)
        self.assertEqual(1, by_id.version_count)
        self.assertEqual(self.ctx.project_id, by_id.project_id)

    def test_every_creatable_name_is_found_by_name(self):
        """heat_store.names is the one rule telling ids from names: every
        name it lets through is found, locked and deleted by that name,
        and what it refuses is what the lookups take for an id.
        """
        rand = random.Random(1)
        hexdigits = '0123456789abcdefABCDEF'
        near_ids = ['ab-cdef0123456789abcdef012345678',  # 31 digits
                    'ab-cdef0123456789abcdef01234567890',  # 33
                    'a_bcdef0123456789abcdef012345678',  # int() takes '_'
                    'abcdef0123456789abcdef012345678g']
        for _i in range(20):
            # 32 digits with hyphens anywhere, some of them spoilt.
            chars = [rand.choice(hexdigits[10:])] + [
                rand.choice(hexdigits) for _j in range(31)]
            for _j in range(rand.randint(0, 6)):
                chars.insert(rand.randint(1, len(chars)), '-')
            if rand.random() < 0.5:
                chars[rand.randint(1, len(chars) - 1)] = rand.choice('_.g')
            near_ids.append(''.join(chars))
        refused = 0
        for name in near_ids:
            if names.is_id(name):
                refused += 1
                self.assertRaises(exception.InvalidRequest,
                                  names.check_name, name)
                continue
            names.check_name(name)
            tmpl = self.make_template(name, first='1.0.0')
            self.assertEqual(tmpl.id, db_api.template_get(self.ctx, name).id)
            # version_update and version_delete lock the template by name.
            db_api.version_update(self.ctx, name, '1.0.0',
                                  {'description': 'found'})
            db_api.version_delete(self.ctx, name, '1.0.0')
            db_api.template_delete(self.ctx, name)
        self.assertGreater(refused, 0)
        self.assertLess(refused, len(near_ids))
        self.assertEqual(0, self.count('stored_template'))

    def test_unicode_and_long_values_round_trip(self):
        name = 'w' + 'x' * 254
        tmpl = db_api.template_create(
            self.ctx, {'name': name, 'description': 'caf\u00e9 \u2603 \u6f22',
                       'visibility': 'private'}, ['\u00e9t\u00e9'], None)
        got = db_api.template_get(self.ctx, tmpl.id)
        self.assertEqual(name, got.name)
        self.assertEqual('caf\u00e9 \u2603 \u6f22', got.description)
        self.assertEqual(['\u00e9t\u00e9'], [t.tag for t in got.tags])

    def test_duplicate_name_is_409_in_one_project_only(self):
        self.make_template('web')
        self.assertRaises(exception.StoredTemplateExists,
                          self.make_template, 'web')
        other = context()
        self.make_template('web', ctx=other)
        self.assertEqual(1, self.count('stored_template',
                                       project_id=self.ctx.project_id))

    def test_names_and_tags_are_exact_on_every_database(self):
        # MariaDB's default collation would take these as one key.
        self.make_template('web', tags=['a', 'A', 'e', '\u00e9'])
        self.make_template('Web')
        self.make_template('WEB')
        self.assertEqual('web', db_api.template_get(self.ctx, 'web').name)
        self.assertEqual('Web', db_api.template_get(self.ctx, 'Web').name)
        self.assertRaises(exception.StoredTemplateNotFound,
                          db_api.template_get, self.ctx, 'wEb')
        got = db_api.template_get(self.ctx, 'web')
        self.assertEqual({'a', 'A', 'e', '\u00e9'}, {t.tag for t in got.tags})
        self.assertEqual(['web'], self.names(db_api.template_get_all(
            self.ctx, filters={'tags': ['A', '\u00e9']})))
        self.assertEqual([], self.names(db_api.template_get_all(
            self.ctx, filters={'name': ['wEB']})))

    def test_duplicate_is_a_conflict_answer(self):
        # FaultWrapper answers 409 for StackExists and its subclasses.
        self.make_template('web')
        err = self.assertRaises(heat_exc.StackExists, self.make_template,
                                'web')
        self.assertIn('web', str(err))

    def test_failed_create_writes_nothing(self):
        self.make_template('web')
        self.assertRaises(exception.StoredTemplateExists,
                          self.make_template, 'web', first='1.0.0',
                          tags=['t'])
        self.assertEqual(1, self.count('stored_template'))
        self.assertEqual(0, self.count('stored_template_version'))
        self.assertEqual(0, self.count('stored_template_tag'))

    def test_list_pages_by_name_with_marker(self):
        names = ['n%02d' % i for i in range(11)]
        shuffled = list(names)
        random.Random(4).shuffle(shuffled)
        for name in shuffled:
            self.make_template(name)
        for sort_dir, expected in (('asc', names),
                                   ('desc', list(reversed(names)))):
            seen = []
            marker = None
            while True:
                page = db_api.template_get_all(
                    self.ctx, sort_keys=['name'], sort_dir=sort_dir,
                    limit=4, marker=marker)
                seen.extend(self.names(page))
                if len(page) < 4:
                    break
                marker = page[-1].id
            self.assertEqual(expected, seen)

    def test_list_pages_by_creation_time_with_equal_times(self):
        # Rows created within one second share created_at on MariaDB's
        # DATETIME: the id breaks ties, so paging loses and repeats none.
        names = ['c%02d' % i for i in range(9)]
        for name in names:
            self.make_template(name)
        for sort_key in ('creation_time', 'updated_time'):
            for sort_dir in ('asc', 'desc'):
                seen = []
                marker = None
                for _page in range(10):
                    page = db_api.template_get_all(
                        self.ctx, sort_keys=[sort_key], sort_dir=sort_dir,
                        limit=2, marker=marker)
                    seen.extend(self.names(page))
                    if not page:
                        break
                    marker = page[-1].id
                self.assertEqual(sorted(names), sorted(seen))
                self.assertEqual(len(names), len(seen))
        full = db_api.template_get_all(self.ctx)
        self.assertEqual(sorted(names), sorted(self.names(full)))

    def test_marker_must_be_visible(self):
        hidden = self.make_template('hidden', ctx=context())
        self.assertRaises(exception.InvalidRequest, db_api.template_get_all,
                          self.ctx, marker=hidden.id)
        self.assertRaises(exception.InvalidRequest, db_api.template_get_all,
                          self.ctx, marker=str(uuid.uuid4()))

    def test_list_filters(self):
        self.make_template('a', tags=['x', 'y'])
        self.make_template('b', tags=['x'])
        self.make_template('c', tags=['z'], visibility='public')

        def names(**filters):
            return sorted(self.names(db_api.template_get_all(
                self.ctx, filters=filters)))

        self.assertEqual(['a'], names(tags=['x', 'y']))
        self.assertEqual(['a', 'b', 'c'], names(tags_any=['x', 'z']))
        self.assertEqual(['b', 'c'], names(not_tags=['x', 'y']))
        self.assertEqual(['c'], names(not_tags_any=['x', 'y']))
        self.assertEqual(['a', 'c'], names(name=['a', 'c']))
        self.assertEqual(['c'], names(visibility=['public']))

    def test_visibility(self):
        owner = self.ctx
        member = context()
        stranger = context()
        private = self.make_template('private', ctx=owner)
        shared = self.make_template('shared', ctx=owner, visibility='shared')
        public = self.make_template('public', ctx=owner, visibility='public')
        unshared = self.make_template('unshared', ctx=owner,
                                      visibility='shared')
        db_api.member_create(owner, 'shared', member.project_id)
        db_api.member_update(member, shared.id, 'accepted')

        def listed(ctx, **kw):
            return sorted(self.names(db_api.template_get_all(ctx, **kw)))

        self.assertEqual(['private', 'public', 'shared', 'unshared'],
                         listed(owner))
        self.assertEqual(['public', 'shared'], listed(member))
        self.assertEqual(['public'], listed(stranger))
        self.assertEqual(['private', 'public', 'shared', 'unshared'],
                         listed(stranger, global_tenant=True))

        # By id: what the project may see; by name: its own project only.
        self.assertEqual(shared.id, db_api.template_get(member,
                                                        shared.id).id)
        self.assertEqual(public.id, db_api.template_get(stranger,
                                                        public.id).id)
        for ctx, tmpl in ((member, private), (member, unshared),
                          (stranger, shared), (stranger, private)):
            self.assertRaises(exception.StoredTemplateNotFound,
                              db_api.template_get, ctx, tmpl.id)
        self.assertRaises(exception.StoredTemplateNotFound,
                          db_api.template_get, member, 'shared')
        # Seen is not owned: only the owner changes a template.
        self.assertRaises(heat_exc.Forbidden, db_api.template_update,
                          member, shared.id, {'description': 'x'})
        self.assertRaises(heat_exc.Forbidden, db_api.version_delete,
                          stranger, public.id, '1.0.0')
        self.assertRaises(exception.StoredTemplateNotFound,
                          db_api.template_delete, stranger, private.id)
        # The engine resolves as the stack's project, and only as it.
        tmpl, _v = db_api.reference_resolve(
            member, shared.id, versioning.parse_constraint('latest'))
        self.assertEqual(shared.id, tmpl.id)
        self.assertRaises(exception.StoredTemplateNotFound,
                          db_api.reference_resolve, stranger, shared.id,
                          versioning.parse_constraint('latest'))

    def test_only_an_accepted_member_sees_a_shared_template(self):
        shared = self.make_template('shared', visibility='shared',
                                    first='1.0.0')
        member = context()
        latest = versioning.parse_constraint('latest')
        _t, row = db_api.member_create(self.ctx, 'shared', member.project_id)
        self.assertEqual('pending', row.status)

        def offered(status):
            return [(t.name, t.member_status) for t in db_api.template_get_all(
                member, filters={'member_status': status})]

        for status in ('pending', 'rejected', 'accepted', 'pending'):
            db_api.member_update(member, shared.id, status)
            self.assertEqual([('shared', status)], offered([status]))
            self.assertEqual([('shared', status)],
                             offered(['pending', 'accepted', 'rejected']))
            others = [s for s in ('pending', 'accepted', 'rejected')
                      if s != status]
            self.assertEqual([], offered(others))
            visible = status == 'accepted'
            self.assertEqual(['shared'] if visible else [],
                             self.names(db_api.template_get_all(member)))
            if visible:
                self.assertEqual(shared.id,
                                 db_api.template_get(member, shared.id).id)
                tmpl, _v = db_api.reference_resolve(member, shared.id, latest)
                self.assertEqual(shared.id, tmpl.id)
                continue
            self.assertRaises(exception.StoredTemplateNotFound,
                              db_api.template_get, member, shared.id)
            self.assertRaises(exception.StoredTemplateNotFound,
                              db_api.reference_resolve, member, shared.id,
                              latest)
            self.assertRaises(exception.StoredTemplateNotFound,
                              db_api.version_template_body, member,
                              shared.id, 'latest')
        # Adding the member again keeps its answer.
        db_api.member_update(member, shared.id, 'rejected')
        _t, row = db_api.member_create(self.ctx, 'shared', member.project_id)
        self.assertEqual('rejected', row.status)
        # An offer of a template that is no longer shared is no offer.
        db_api.template_update(self.ctx, 'shared', {'visibility': 'private'})
        self.assertEqual([], offered(['rejected']))
        self.assertRaises(exception.StoredTemplateNotFound,
                          db_api.member_update, member, shared.id,
                          'accepted')

    def test_only_the_member_answers_and_only_by_id(self):
        shared = self.make_template('shared', visibility='shared')
        member = context()
        stranger = context()
        db_api.member_create(self.ctx, 'shared', member.project_id)
        for ctx, ident in ((stranger, shared.id), (self.ctx, shared.id),
                           (member, 'shared'), (member, uuid.uuid4().hex)):
            self.assertRaises(exception.StoredTemplateNotFound,
                              db_api.member_update, ctx, ident, 'accepted')
        _t, members = db_api.member_get_all(self.ctx, 'shared')
        self.assertEqual(['pending'], [m.status for m in members])

    def test_membership_is_idempotent_and_removable(self):
        self.make_template('shared', visibility='shared')
        other = context()
        db_api.member_create(self.ctx, 'shared', other.project_id)
        db_api.member_create(self.ctx, 'shared', other.project_id)
        _t, members = db_api.member_get_all(self.ctx, 'shared')
        self.assertEqual([other.project_id], [m.project_id for m in members])
        db_api.member_delete(self.ctx, 'shared', other.project_id)
        self.assertRaises(exception.MemberNotFound, db_api.member_delete,
                          self.ctx, 'shared', other.project_id)
        self.assertEqual([], self.names(db_api.template_get_all(other)))

    def test_update_template(self):
        self.make_template('web', tags=['a'])
        db_api.template_update(self.ctx, 'web', {'description': 'new',
                                                 'visibility': 'public'},
                               tags=['b', 'c'])
        got = db_api.template_get(self.ctx, 'web')
        self.assertEqual('new', got.description)
        self.assertEqual('public', got.visibility)
        self.assertEqual({'b', 'c'}, {t.tag for t in got.tags})
        self.assertEqual(2, self.count('stored_template_tag'))

    def test_delete_template_removes_all_its_rows(self):
        tmpl = self.make_template('web', tags=['a', 'b'], first='1.0.0',
                                  visibility='shared')
        self.publish(tmpl, '1.1.0')
        db_api.member_create(self.ctx, 'web', 'p2')
        db_api.template_delete(self.ctx, 'web')
        self.assertRaises(exception.StoredTemplateNotFound,
                          db_api.template_get, self.ctx, tmpl.id)
        for table in ('stored_template', 'stored_template_version',
                      'stored_template_tag', 'stored_template_member'):
            self.assertEqual(0, self.count(table), table)

    # -- versions -----------------------------------------------------------

    def test_versions_come_back_in_semver_order(self):
        tmpl = self.make_template('web')
        shuffled = list(SEMVER_ORDER)
        random.Random(7).shuffle(shuffled)
        for version in shuffled:
            self.publish(tmpl, version)
        listed = [v.version
                  for v in db_api.version_get_all(self.ctx, tmpl.id)]
        self.assertEqual(SEMVER_ORDER, listed)
        # The same across batch boundaries, whatever the batch size.
        for batch in (1, 2, 3, 5):
            with mock.patch.object(db_api, 'VERSION_BATCH', batch):
                listed = [v.version for v in
                          db_api.version_get_all(self.ctx, tmpl.id)]
            self.assertEqual(SEMVER_ORDER, listed, 'batch %d' % batch)
        got = db_api.template_get(self.ctx, tmpl.id)
        self.assertEqual(len(SEMVER_ORDER), got.version_count)
        self.assertEqual('10.0.0', got.latest_version)

    def test_version_filters(self):
        tmpl = self.make_template('web')
        for version in SEMVER_ORDER:
            self.publish(tmpl, version)
        db_api.version_update(self.ctx, 'web', '1.9.1',
                              {'status': 'deprecated'})

        def listed(**kw):
            return [v.version for v in
                    db_api.version_get_all(self.ctx, tmpl.id, **kw)]

        self.assertEqual(['1.10.0', '1.9.1', '1.2.0', '1.0.1', '1.0.0'],
                         listed(constraint=versioning.parse_constraint(
                             '^1.0.0')))
        self.assertEqual(['1.9.1'], listed(status='deprecated'))
        self.assertEqual(['1.10.0', '1.2.0', '1.0.1', '1.0.0'],
                         listed(status='active',
                                constraint=versioning.parse_constraint('1.x')))

    def test_prerelease_versions_are_case_sensitive(self):
        # semver compares prerelease identifiers in ASCII order: RC and rc
        # are two versions, on every database.
        tmpl = self.make_template('web')
        upper = self.publish(tmpl, '1.0.0-RC.1')
        lower = self.publish(tmpl, '1.0.0-rc.1')
        self.assertNotEqual(upper.id, lower.id)
        self.assertEqual(upper.id, db_api.version_get(
            self.ctx, tmpl.id, '1.0.0-RC.1').id)
        self.assertEqual(lower.id, db_api.version_get(
            self.ctx, tmpl.id, '1.0.0-rc.1').id)
        self.assertIsNone(db_api.version_get(self.ctx, tmpl.id,
                                             '1.0.0-Rc.1'))

    def test_resolve(self):
        tmpl = self.make_template('web')
        for version in SEMVER_ORDER:
            self.publish(tmpl, version)

        def resolve(text):
            row = db_api.version_resolve(
                self.ctx, tmpl.id, versioning.parse_constraint(text))
            return row.version if row else None

        self.assertEqual('10.0.0', resolve('latest'))
        self.assertEqual('10.0.0', resolve('*'))
        self.assertEqual('1.10.0', resolve('^1.2'))
        self.assertEqual('1.0.1', resolve('~1.0.0'))
        self.assertEqual('1.9.1', resolve('>=1.3.0 <1.10.0'))
        self.assertEqual('2.0.0', resolve('2.0.0 || 1.x'))
        self.assertEqual('1.2.0', resolve('1.1.0 - 1.2.0'))
        # A prerelease only for a constraint naming one of its M.m.p.
        self.assertIsNone(resolve('<2.0.0 >1.10.0'))
        self.assertEqual('2.0.0-rc.2', resolve('>=2.0.0-alpha <2.0.0'))
        self.assertEqual('2.0.0-beta.11', resolve('~2.0.0-beta.2 <2.0.0-rc'))
        self.assertIsNone(resolve('^3'))
        # Deprecated versions are never picked anew.
        db_api.version_update(self.ctx, 'web', '10.0.0',
                              {'status': 'deprecated'})
        db_api.version_update(self.ctx, 'web', '1.10.0',
                              {'status': 'deprecated'})
        self.assertEqual('2.0.0', resolve('latest'))
        self.assertEqual('1.9.1', resolve('^1.2'))
        self.assertEqual('2.0.0', db_api.template_get(
            self.ctx, tmpl.id).latest_version)
        # ... and the engine sees the same, with the bundle loaded.
        _t, version = db_api.reference_resolve(
            self.ctx, 'web', versioning.parse_constraint('^1.2'))
        self.assertEqual('1.9.1', version.version)
        self.assertEqual(HOT, version.template)

    def test_latest_of_prereleases_only_is_none(self):
        tmpl = self.make_template('web', first='1.0.0-rc.1')
        self.assertIsNone(db_api.template_get(self.ctx,
                                              tmpl.id).latest_version)
        self.publish(tmpl, '1.0.0')
        self.assertEqual('1.0.0', db_api.template_get(
            self.ctx, tmpl.id).latest_version)

    def test_duplicate_version_is_409_and_writes_nothing(self):
        tmpl = self.make_template('web', first='1.0.0')
        err = self.assertRaises(exception.VersionExists, self.publish, tmpl,
                                '1.0.0')
        self.assertIsInstance(err, heat_exc.StackExists)
        self.assertEqual(1, self.count('stored_template_version'))
        got = db_api.template_get(self.ctx, tmpl.id)
        self.assertEqual(1, got.version_count)
        # The same version in another template is another version.
        other = self.make_template('api')
        self.publish(other, '1.0.0')

    def test_version_summary_follows_deletes(self):
        tmpl = self.make_template('web', first='1.0.0')
        self.publish(tmpl, '1.1.0')
        self.publish(tmpl, '2.0.0-rc.1')
        db_api.version_delete(self.ctx, 'web', '1.1.0')
        got = db_api.template_get(self.ctx, tmpl.id)
        self.assertEqual(('1.0.0', 2), (got.latest_version,
                                        got.version_count))
        self.assertRaises(exception.VersionNotFound, db_api.version_delete,
                          self.ctx, 'web', '1.1.0')
        self.assertEqual(['1.0.0', '2.0.0-rc.1'], sorted(
            db_api.version_strings(self.ctx, tmpl.id)))

    def test_version_quotas(self):
        conf = self.useFixture(config_fixture.Config(cfg.CONF))
        conf.config(max_versions_per_template=2, group='template_store')
        tmpl = self.make_template('web', first='1.0.0')
        self.publish(tmpl, '1.0.1')
        self.assertRaises(exception.QuotaExceeded, self.publish, tmpl,
                          '1.0.2')
        self.assertEqual(2, self.count('stored_template_version'))

    # -- consumers ----------------------------------------------------------

    def test_version_with_consumers_is_in_use(self):
        tmpl = self.make_template('web', first='1.0.0')
        version = db_api.version_get(self.ctx, tmpl.id, '1.0.0')
        mine = self.make_stack(name='mine')
        other_ctx = context()
        theirs = self.make_stack(ctx=other_ctx, name='theirs')
        self.pin(version, mine)
        self.pin(version, theirs, ctx=other_ctx)

        err = self.assertRaises(exception.VersionInUse,
                                db_api.version_delete, self.ctx, 'web',
                                '1.0.0')
        self.assertIsInstance(err, heat_exc.StackExists)
        self.assertIn('mine', str(err))
        self.assertNotIn('theirs', str(err))
        self.assertIn('2 stack(s)', str(err))
        self.assertIn('1 of them in other projects', str(err))
        self.assertRaises(exception.VersionInUse, db_api.template_delete,
                          self.ctx, 'web')
        own, others = db_api.version_consumers(self.ctx, version.id)
        self.assertEqual(['mine'], [name for _c, name in own])
        self.assertEqual(1, others)
        self.assertEqual(1, self.count('stored_template_version'))
        self.assertEqual(2, self.count('stored_template_consumer'))

    def test_consumers_of_gone_stacks_hold_nothing(self):
        tmpl = self.make_template('web', first='1.0.0')
        version = db_api.version_get(self.ctx, tmpl.id, '1.0.0')
        deleted = self.make_stack()
        self.pin(version, deleted)
        self.soft_delete_stack(deleted)
        # A row whose stack was purged from Heat's table altogether.
        purged = self.make_stack()
        self.pin(version, purged)
        with self.engine.begin() as conn:
            conn.execute(sa.text('DELETE FROM stack WHERE id = :id'),
                         {'id': purged.id})
        self.assertEqual(2, self.count('stored_template_consumer'))
        db_api.version_delete(self.ctx, 'web', '1.0.0')
        self.assertEqual(0, self.count('stored_template_consumer'))
        self.assertEqual(0, self.count('stored_template_version'))

    def test_pin_refuses_a_deleted_version(self):
        tmpl = self.make_template('web', first='1.0.0')
        version = db_api.version_get(self.ctx, tmpl.id, '1.0.0')
        db_api.version_delete(self.ctx, 'web', '1.0.0')
        self.assertRaises(exception.VersionNotFound, self.pin, version,
                          self.make_stack())
        self.assertEqual(0, self.count('stored_template_consumer'))

    def test_pin_lifecycle(self):
        tmpl = self.make_template('web', first='1.0.0')
        v1 = db_api.version_get(self.ctx, tmpl.id, '1.0.0')
        v2 = self.publish(tmpl, '1.1.0')
        stack = self.make_stack()
        row = self.pin(v1, stack)
        key = row.consumer_key
        consumers.commit_pin(self.ctx, key, row.resource_id, v1.id, 'n1')
        # An update moving to v2: pending beside the pin, then committed.
        consumers.pin(self.ctx, dict(
            version_id=v2.id, consumer_key=key,
            resource_id=row.resource_id, state=consumers.PENDING,
            template_ref='web', version_constraint='^1',
            parent_stack_id=stack.id, root_stack_id=stack.id,
            resource_name='web', project_id=self.ctx.project_id))
        self.assertEqual(2, len(consumers.pins(self.ctx, key)))
        consumers.commit_pin(self.ctx, key, row.resource_id, v2.id, 'n1')
        pins = consumers.pins(self.ctx, key)
        self.assertEqual([(v2.id, consumers.PINNED)],
                         [(p.version_id, p.state) for p in pins])
        db_api.version_delete(self.ctx, 'web', '1.0.0')
        self.assertRaises(exception.VersionInUse, db_api.version_delete,
                          self.ctx, 'web', '1.1.0')
        consumers.release(self.ctx, row.resource_id)
        db_api.version_delete(self.ctx, 'web', '1.1.0')

    def test_pending_row_holds_only_while_its_stack_is_in_progress(self):
        tmpl = self.make_template('web', first='1.0.0')
        v1 = db_api.version_get(self.ctx, tmpl.id, '1.0.0')
        v2 = self.publish(tmpl, '1.1.0')
        stack = self.make_stack()
        row = self.pin(v1, stack)
        # An update to v2 under way: its pending row holds v2.
        self.set_stack_status(stack, 'UPDATE', 'IN_PROGRESS')
        consumers.pin(self.ctx, dict(
            version_id=v2.id, consumer_key=row.consumer_key,
            resource_id=row.resource_id, state=consumers.PENDING,
            template_ref='web', version_constraint='1.1.0',
            parent_stack_id=stack.id, root_stack_id=stack.id,
            resource_name='web', project_id=self.ctx.project_id))
        self.assertRaises(exception.VersionInUse, db_api.version_delete,
                          self.ctx, 'web', '1.1.0')
        own, _others = db_api.version_consumers(self.ctx, v2.id)
        self.assertEqual([stack.name], [name for _c, name in own])
        # The update died with its engine; the stack was reset to FAILED
        # and still runs on v1: v2 is free, and the stale row goes.
        self.set_stack_status(stack, 'UPDATE', 'FAILED')
        self.assertEqual(([], 0), db_api.version_consumers(self.ctx, v2.id))
        db_api.version_delete(self.ctx, 'web', '1.1.0')
        self.assertEqual([(v1.id, consumers.PINNED)],
                         [(p.version_id, p.state) for p in
                          consumers.pins(self.ctx, row.consumer_key)])
        self.assertRaises(exception.VersionInUse, db_api.version_delete,
                          self.ctx, 'web', '1.0.0')

    def test_deadlocks_are_retried(self):
        # A deadlock victim's transaction is rolled back whole: the
        # writers start again (oslo.db's wrap_db_retry) instead of
        # answering 500.
        tmpl = self.make_template('web', first='1.0.0')
        version = db_api.version_get(self.ctx, tmpl.id, '1.0.0')
        stack = self.make_stack()
        real_now = timeutils.utcnow
        clock = mock.Mock()
        clock.utcnow.side_effect = [db_exc.DBDeadlock(), real_now()]
        with mock.patch.object(consumers, 'timeutils', clock), \
                mock.patch('time.sleep'):
            row = self.pin(version, stack)
        self.assertEqual(2, clock.utcnow.call_count)
        consumers.release(self.ctx, row.resource_id)

        real_forget = consumers._forget_dead
        calls = []

        def forget(*args, **kwargs):
            calls.append(1)
            if len(calls) == 1:
                raise db_exc.DBDeadlock()
            return real_forget(*args, **kwargs)

        with mock.patch.object(consumers, '_forget_dead', forget), \
                mock.patch('time.sleep'):
            db_api.version_delete(self.ctx, 'web', '1.0.0')
        self.assertEqual(2, len(calls))
        self.assertEqual(0, self.count('stored_template_version'))


class ForeignKeyTest(object):
    """Where the database enforces foreign keys (MariaDB, PostgreSQL), the
    consumer's key holds the version even when the check before a delete
    is bypassed or races a stack create.
    """

    def _pinned(self):
        tmpl = self.make_template('web', first='1.0.0')
        version = db_api.version_get(self.ctx, tmpl.id, '1.0.0')
        stack = self.make_stack()
        self.pin(version, stack)
        return tmpl, version, stack

    def test_foreign_key_restricts_version_delete(self):
        _t, version, _s = self._pinned()
        with mock.patch.object(db_api, '_check_unused'):
            self.assertRaises(exception.VersionInUse, db_api.version_delete,
                              self.ctx, 'web', '1.0.0')
        self.assertEqual(1, self.count('stored_template_version'))
        self.assertEqual(1, self.count('stored_template_consumer'))

    def test_foreign_key_restricts_template_delete(self):
        self._pinned()
        with mock.patch.object(db_api, '_check_unused'):
            self.assertRaises(exception.VersionInUse, db_api.template_delete,
                              self.ctx, 'web')
        self.assertEqual(1, self.count('stored_template'))
        self.assertEqual(1, self.count('stored_template_version'))
        self.assertEqual(1, self.count('stored_template_consumer'))

    def test_foreign_key_restricts_plain_sql(self):
        _t, version, _s = self._pinned()

        def delete():
            with self.engine.begin() as conn:
                conn.execute(sa.text(
                    'DELETE FROM stored_template_version WHERE id = :id'),
                    {'id': version.id})

        self.assertRaises(db_exc.DBReferenceError, delete)

    def test_foreign_key_refuses_consumer_of_missing_version(self):
        stack = self.make_stack()

        def insert():
            with self.engine.begin() as conn:
                conn.execute(sa.insert(models.StoredTemplateConsumer), {
                    'version_id': str(uuid.uuid4()),
                    'consumer_key': '%s/web' % stack.id,
                    'resource_id': str(uuid.uuid4()), 'state': 'pinned',
                    'template_ref': 'web', 'parent_stack_id': stack.id,
                    'resource_name': 'web',
                    'project_id': self.ctx.project_id})

        self.assertRaises(db_exc.DBReferenceError, insert)

    def test_consumer_arriving_during_delete_keeps_its_version(self):
        """A stack pins the version between the delete's check and its
        clean-up of dead references: the new reference must survive.
        """
        tmpl = self.make_template('web', first='1.0.0')
        version = db_api.version_get(self.ctx, tmpl.id, '1.0.0')
        stack = self.make_stack()
        real_forget = consumers._forget_dead
        arrived = []

        def racing_forget(ctx, *args, **kwargs):
            # Another engine commits its pin at exactly this point, on its
            # own connection.
            if not arrived:
                arrived.append(self.pin(version, stack, ctx=context()))
            return real_forget(ctx, *args, **kwargs)

        with mock.patch.object(consumers, '_forget_dead', racing_forget):
            self.assertRaises(exception.VersionInUse, db_api.version_delete,
                              self.ctx, 'web', '1.0.0')
        self.assertEqual(1, len(arrived))
        self.assertEqual(1, self.count('stored_template_version'))
        self.assertEqual(1, self.count('stored_template_consumer'))

    def test_delete_and_pin_contending_for_locks(self):
        """A version delete and a pin that block each other in the
        database: one wins, the other is told so (409 or not found), a
        deadlock is retried, and no reference outlives its version.
        """
        tmpl = self.make_template('web', first='1.0.0')
        version = db_api.version_get(self.ctx, tmpl.id, '1.0.0')
        stack = self.make_stack()
        real_forget = consumers._forget_dead
        outcome = {}
        calls = []

        def pinner():
            try:
                outcome['pin'] = self.pin(version, stack, ctx=context())
            except Exception as exc:  # noqa: BLE001 - judged below
                outcome['pin_error'] = exc

        racer = threading.Thread(target=pinner)

        def forget_then_race(ctx, *args, **kwargs):
            result = real_forget(ctx, *args, **kwargs)
            calls.append(1)
            if len(calls) == 1:
                # The delete holds its locks on the references now; the
                # pin starts and runs into them (or past them).
                racer.start()
                racer.join(1.0)
            return result

        with mock.patch.object(consumers, '_forget_dead', forget_then_race):
            try:
                db_api.version_delete(self.ctx, 'web', '1.0.0')
                outcome['deleted'] = True
            except exception.VersionInUse:
                outcome['deleted'] = False
        racer.join(60)
        self.assertFalse(racer.is_alive())
        self.addDetail('outcome', content.text_content(repr(
            dict(outcome, delete_attempts=len(calls)))))
        if outcome['deleted']:
            self.assertIsInstance(outcome.get('pin_error'),
                                  exception.VersionNotFound)
            self.assertEqual(0, self.count('stored_template_version'))
            self.assertEqual(0, self.count('stored_template_consumer'))
        else:
            self.assertNotIn('pin_error', outcome)
            self.assertEqual(1, self.count('stored_template_version'))
            self.assertEqual(1, self.count('stored_template_consumer'))

    def test_summary_counts_a_publish_racing_a_delete(self):
        """A publish commits while a delete of another version of the
        same template is under way: the template's version count and
        latest version take both into account.
        """
        tmpl = self.make_template('web', first='1.0.0')
        self.publish(tmpl, '1.1.0')
        real_check = db_api._check_unused
        outcome = {}

        def publisher():
            try:
                outcome['published'] = self.publish(tmpl, '1.2.0',
                                                    ctx=context())
            except Exception as exc:  # noqa: BLE001 - judged below
                outcome['error'] = exc

        racer = threading.Thread(target=publisher)

        def check_then_race(*args, **kwargs):
            real_check(*args, **kwargs)
            if not racer.is_alive() and 'published' not in outcome:
                racer.start()
                racer.join(1.0)

        with mock.patch.object(db_api, '_check_unused', check_then_race):
            db_api.version_delete(self.ctx, 'web', '1.0.0')
        racer.join(60)
        self.assertNotIn('error', outcome)
        got = db_api.template_get(self.ctx, tmpl.id)
        self.assertEqual(['1.1.0', '1.2.0'], sorted(
            db_api.version_strings(self.ctx, tmpl.id)))
        self.assertEqual((2, '1.2.0'), (got.version_count,
                                        got.latest_version))


class _Racing(object):
    """Helpers of the tests of concurrent writers (MariaDB, PostgreSQL)."""

    WRITERS = 8

    def race(self, write, expected=exception.QuotaExceeded):
        """Run ``write(ctx, i)`` in WRITERS threads at once.

        Returns what succeeded and the errors, each of them ``expected``.
        """
        barrier = threading.Barrier(self.WRITERS)
        results = [None] * self.WRITERS

        def run(i):
            # A context per thread: enginefacade keeps its transaction
            # on the context.
            ctx = context(project=self.ctx.project_id)
            barrier.wait()
            try:
                results[i] = write(ctx, i)
            except Exception as exc:  # noqa: BLE001 - judged by the test
                results[i] = exc

        threads = [threading.Thread(target=run, args=(i,))
                   for i in range(self.WRITERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
            self.assertFalse(thread.is_alive())
        done = [r for r in results if not isinstance(r, Exception)]
        errors = [r for r in results if isinstance(r, Exception)]
        self.addDetail('errors', content.text_content(repr(errors)))
        for error in errors:
            self.assertIsInstance(error, expected)
        return done, errors

    def slowed(self, module, name):
        """Patch a check to sleep once it has read what it judges."""
        real = getattr(module, name)

        def check(*args, **kwargs):
            result = real(*args, **kwargs)
            time.sleep(0.2)
            return result

        return mock.patch.object(module, name, check)


class ConcurrentQuotaTest(_Racing):
    """Concurrent writers of one project never overshoot its quotas.

    Each writer counts the project's usage under the lock of its
    stored_template_project row. The count is slowed down so that, without
    that lock, every writer would count before any of them inserts.
    """

    QUOTA = 3

    def test_concurrent_creates_stop_at_the_template_quota(self):
        conf = self.useFixture(config_fixture.Config(cfg.CONF))
        conf.config(max_templates_per_project=self.QUOTA,
                    group='template_store')
        with self.slowed(quotas, 'check_template_count'):
            done, errors = self.race(
                lambda ctx, i: self.make_template('t%d' % i, ctx=ctx))
        self.assertEqual(self.QUOTA, len(done))
        self.assertEqual(self.WRITERS - self.QUOTA, len(errors))
        self.assertEqual(self.QUOTA, self.count('stored_template'))

    def test_concurrent_publishes_stop_at_the_bytes_quota(self):
        """Publishes to different templates of one project."""
        conf = self.useFixture(config_fixture.Config(cfg.CONF))
        conf.config(max_bytes_per_project=self.QUOTA * 1000,
                    group='template_store')
        templates = [self.make_template('t%d' % i)
                     for i in range(self.WRITERS)]
        with self.slowed(quotas, 'check_bytes'):
            done, errors = self.race(lambda ctx, i: db_api.version_create(
                ctx, templates[i].id, version_values('1.0.0', size=1000)))
        self.assertEqual(self.QUOTA, len(done))
        self.assertEqual(self.QUOTA, self.count('stored_template_version'))

    def test_concurrent_creates_with_versions_stop_at_the_bytes_quota(self):
        conf = self.useFixture(config_fixture.Config(cfg.CONF))
        conf.config(max_bytes_per_project=self.QUOTA * 1000,
                    group='template_store')
        self.make_template('first')
        with self.slowed(quotas, 'check_bytes'):
            done, errors = self.race(
                lambda ctx, i: db_api.template_create(
                    ctx, {'name': 't%d' % i, 'visibility': 'private'}, [],
                    version_values('1.0.0', size=1000)) if i % 2 else
                db_api.version_create(ctx, self.first_id(ctx),
                                      version_values('1.0.%d' % i,
                                                     size=1000)))
        self.assertEqual(self.QUOTA, len(done))
        self.assertEqual(self.QUOTA, self.count('stored_template_version'))

    def first_id(self, ctx):
        return db_api.template_get(ctx, 'first').id


def _interface(*outputs):
    return {'parameters': {}, 'outputs': {o: {} for o in outputs}}


class ConcurrentPublishTest(_Racing):
    """Concurrent publishes to one template: the interface check and the
    next patch are decided with the insert, under the template's lock.
    """

    def publish_checked(self, ctx, tmpl, version, outputs):
        prepared = types.SimpleNamespace(
            interface=_interface(*outputs), environment={}, force=False)
        values = dict(version_values(version), interface=prepared.interface)
        return db_api.version_create(ctx, tmpl.id, values,
                                     publishing.interface_check(prepared))

    def test_neighbours_published_at_once_are_checked(self):
        """1.1.0 (outputs a, b) and 1.2.0 (output a) over 1.0.0 (a):
        whichever comes second breaks the other, and is refused.
        """
        tmpl = self.make_template('web')
        self.publish_checked(self.ctx, tmpl, '1.0.0', ['a'])
        racing = [('1.1.0', ['a', 'b']), ('1.2.0', ['a'])]
        self.WRITERS = len(racing)
        with self.slowed(publishing, '_breaks'):
            done, errors = self.race(
                lambda ctx, i: self.publish_checked(ctx, tmpl, *racing[i]),
                expected=exception.InterfaceBreak)
        self.assertEqual((1, 1), (len(done), len(errors)))
        self.assertEqual(2, self.count('stored_template_version'))

    def test_next_patches_published_at_once_all_succeed(self):
        tmpl = self.make_template('web', first='1.0.0')
        with self.slowed(versioning, 'next_patch'):
            done, errors = self.race(
                lambda ctx, i: self.publish_checked(ctx, tmpl, None, []))
        self.assertEqual([], errors)
        self.assertEqual(['1.0.%d' % i for i in range(self.WRITERS + 1)],
                         sorted(db_api.version_strings(self.ctx, tmpl.id),
                                key=versioning.sort_key))


class TestDBApiSQLite(DBApiTest, base.SQLiteSchemaMixin,
                      test_base.BaseTestCase):
    # NOTE: no ConcurrentQuotaTest here. SQLite has one writer at a time
    # for the whole database, so writers cannot overshoot together; and
    # the opportunistic fixture's in-memory database lives on one
    # connection, which threads cannot use at the same time.
    pass


class TestDBApiMySQL(DBApiTest, ForeignKeyTest, ConcurrentQuotaTest,
                     ConcurrentPublishTest, base.MySQLSchemaMixin,
                     test_base.BaseTestCase):
    pass


class TestDBApiPostgres(DBApiTest, ForeignKeyTest, ConcurrentQuotaTest,
                        ConcurrentPublishTest, base.PostgresSchemaMixin,
                        test_base.BaseTestCase):
    pass


# One database per kind and test process, shared by the tests above.
load_tests = test_fixtures.optimize_module_test_loader()
