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

"""Scale of listing and resolving: 1,000 vs 100,000 stored templates, and
10 vs 1,000 versions of one template.

Runs Heat's API app in this process (``heat_store.dev.embedded.EmbeddedHeat``,
SQLite in a temporary directory, no engine: no request here needs one) and
calls it as WSGI (``webob.Request.blank``), so the figures are the store's
and the database's, without HTTP. The rows are written straight into the
store's tables with SQLAlchemy Core (``executemany`` of the store's
models' tables): publishing 100,000 templates through the API would take
hours, and what is measured here is reading them. Every SQL statement a
request sends is counted (a ``before_cursor_execute`` listener on Heat's
engine, counting the request's own thread only).

The catalog grows from 1,000 to 100,000 templates and shrinks back,
``--rounds`` times (small, large, small, large...), so that drift on a
noisy machine falls on both sizes. In every phase the caller's project
holds two templates, one with 10 versions and one with 1,000, each half
in major 1 and half in major 2, so that ``^1`` must pass over the newer
2.x versions. Timed in each phase, requests of all kinds alternating:

- list: ``GET /stored_templates?limit=50`` (first page, default sort);
- resolve: ``GET /stored_templates/{t}/resolve?version=^1`` on the
  10-version template (templates scale) and on both templates (versions
  scale).

With ``--database URL`` (e.g. the CI's
``postgresql+psycopg2://openstack_citest:openstack_citest@127.0.0.1/openstack_citest``)
the same runs on that server instead of SQLite, in a throwaway database
the script creates there and drops at the end; there the
tables are ANALYZEd after each resize, as autovacuum would.

    .venv/bin/python bench/scale.py [--requests 100] [--rounds 4]
"""

import argparse
import datetime
import os
import random
import shutil
import sys
import tempfile
import time
import uuid
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common  # noqa: E402

PROJECT = 'admin'
SMALL, LARGE = 1000, 100000
FEW, MANY = 10, 1000
EPOCH = datetime.datetime(2026, 1, 1)

REQUESTS = {
    'list': '/v1/admin/stored_templates?limit=50',
    'resolve v10': '/v1/admin/stored_templates/scale-v10/resolve?'
                   'version=%5E1',
    'resolve v1000': '/v1/admin/stored_templates/scale-v1000/resolve?'
                     'version=%5E1',
}

TEMPLATE = {'heat_template_version': _common.HOT,
            'resources': {'r': {'type': 'OS::Heat::None'}}}


def template_rows(count, prefix, rng):
    rows, tags = [], []
    for i in range(count):
        tid = str(uuid.uuid4())
        created = EPOCH + datetime.timedelta(seconds=rng.randrange(10 ** 7))
        rows.append({
            'id': tid, 'name': '%s-%06d' % (prefix, i),
            'description': 'Template %d of the scale benchmark' % i,
            'project_id': PROJECT, 'user_id': 'admin',
            'visibility': 'private', 'latest_version': '1.0.0',
            'version_count': 1, 'created_at': created,
            'updated_at': created})
        tags.append({'template_id': tid, 'tag': 'scale',
                     'created_at': created})
        tags.append({'template_id': tid, 'tag': 'group-%d' % (i % 10),
                     'created_at': created})
    return rows, tags


def version_rows(template_id, count):
    rows = []
    for i in range(count):
        major, minor = 1 + (i * 2 // count), i % (count // 2)
        version = '%d.%d.0' % (major, minor)
        rows.append({
            'id': str(uuid.uuid4()), 'template_id': template_id,
            'version': version, 'major': major, 'minor': minor, 'patch': 0,
            'prerelease': '', 'status': 'active',
            'digest': 'sha256:' + uuid.uuid4().hex * 2, 'size': 100,
            'interface': {'parameters': {}, 'outputs': {}},
            'warnings': [], 'created_by_user': 'admin',
            'created_by_project': PROJECT, 'template': TEMPLATE,
            'files': {}, 'environment': {},
            'created_at': EPOCH + datetime.timedelta(seconds=i),
            'updated_at': EPOCH + datetime.timedelta(seconds=i)})
    return rows


class Catalog(object):
    def __init__(self, engine, models):
        self.engine = engine
        self.models = models
        self.rng = random.Random(42)

    def insert(self, rows, tags):
        import sqlalchemy as sa
        with self.engine.begin() as conn:
            for start in range(0, len(rows), 10000):
                conn.execute(sa.insert(self.models.StoredTemplate.__table__),
                             rows[start:start + 10000])
            for start in range(0, len(tags), 20000):
                conn.execute(
                    sa.insert(self.models.StoredTemplateTag.__table__),
                    tags[start:start + 20000])

    def setup(self):
        import sqlalchemy as sa
        rows, tags = template_rows(SMALL - 2, 'base', self.rng)
        for name, count in (('scale-v10', FEW), ('scale-v1000', MANY)):
            row, tag = template_rows(1, name, self.rng)
            row[0]['name'] = name
            row[0]['latest_version'] = '2.%d.0' % (count // 2 - 1)
            row[0]['version_count'] = count
            rows += row
            tags += tag
        self.insert(rows, tags)
        with self.engine.begin() as conn:
            for row in rows[-2:]:
                conn.execute(
                    sa.insert(self.models.StoredTemplateVersion.__table__),
                    version_rows(row['id'], row['version_count']))

    def grow(self):
        rows, tags = template_rows(LARGE - SMALL, 'bulk', self.rng)
        self.insert(rows, tags)

    def shrink(self):
        import sqlalchemy as sa
        T = self.models.StoredTemplate
        Tag = self.models.StoredTemplateTag
        bulk = sa.select(T.id).where(T.name.like('bulk-%'))
        with self.engine.begin() as conn:
            conn.execute(sa.delete(Tag).where(Tag.template_id.in_(bulk)))
            conn.execute(sa.delete(T).where(T.name.like('bulk-%')))

    def analyze(self):
        if self.engine.dialect.name == 'sqlite':
            return  # the embedded Heat never runs ANALYZE either
        import sqlalchemy as sa
        with self.engine.begin() as conn:
            for table in ('stored_template', 'stored_template_tag',
                          'stored_template_version'):
                conn.execute(sa.text('ANALYZE %s' % table))

    def count(self):
        import sqlalchemy as sa
        with self.engine.connect() as conn:
            return conn.scalar(sa.select(sa.func.count()).select_from(
                self.models.StoredTemplate))


def call(app, path):
    import webob
    req = webob.Request.blank(path, headers={'Accept': 'application/json'})
    started = time.perf_counter()
    resp = req.get_response(app)
    elapsed = time.perf_counter() - started
    if resp.status_int != 200:
        raise RuntimeError('GET %s answered %s: %s' % (path, resp.status,
                                                       resp.text[:500]))
    return elapsed, resp.json


def measure(app, engine, requests, warmup=10):
    """Time every kind of request, alternating; count their statements."""
    from heat_store.dev import statements

    times = {k: [] for k in REQUESTS}
    counts = {}
    results = {}
    for kind, path in REQUESTS.items():
        for _ in range(warmup):
            call(app, path)
        with statements.counting(engine, this_thread=True) as counter:
            _t, results[kind] = call(app, path)
        counts[kind] = counter.count
    kinds = list(REQUESTS)
    for i in range(requests):
        for kind in kinds[i % len(kinds):] + kinds[:i % len(kinds)]:
            times[kind].append(call(app, REQUESTS[kind])[0])
    return times, counts, results


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--requests', type=int, default=100,
                        help='timed requests of each kind per phase '
                             '(default 100)')
    parser.add_argument('--rounds', type=int, default=4,
                        help='small/large rounds (default 4)')
    _common.add_database_option(parser)
    parser.add_argument('--budget', type=int, default=900,
                        help='give up after this many seconds')
    return parser.parse_args(argv)


def main():
    args = parse_args()

    data_dir = tempfile.mkdtemp(prefix='heat-store-bench-scale-')
    _common.watchdog(args.budget,
                     lambda: shutil.rmtree(data_dir, ignore_errors=True))
    _common.print_machine('scale')
    print('rows inserted: directly into SQLite with SQLAlchemy Core, '
          'before any request')
    print('requests per kind and phase: %d; rounds: %d' %
          (args.requests, args.rounds))
    warnings.filterwarnings('ignore', message=r'(?s).*Eventlet is deprecated')

    from heat.db import api as heat_db_api

    from heat_store.db import models
    from heat_store.dev import embedded

    scratch = None
    if args.database:
        scratch = _common.ScratchDatabase(args.database)
    heat = embedded.EmbeddedHeat(
        data_dir, port=1, leaf_sleep=False,
        database=scratch.url if scratch else None)
    try:
        heat.configure()
        heat.sync_database()
        engine = heat_db_api.get_engine()
        print('database: %s' % _common.describe_database(engine))
        catalog = Catalog(engine, models)
        started = time.monotonic()
        catalog.setup()
        print('setup %d templates (s): %.2f' %
              (SMALL, time.monotonic() - started))
        # The API needs Heat's RPC transport set up; no request here
        # reaches the engine, so none is started.
        from heat.common import messaging
        messaging.setup()
        app = heat.load_app()

        times = {size: {k: [] for k in REQUESTS}
                 for size in ('small', 'large')}
        counts = {'small': [], 'large': []}
        for rnd in range(args.rounds):
            for size in ('small', 'large'):
                started = time.monotonic()
                if size == 'large':
                    catalog.grow()
                elif rnd > 0:
                    catalog.shrink()
                catalog.analyze()
                total = catalog.count()
                print('round %d %s: %d templates (resize s): %.2f' % (
                    rnd + 1, size, total, time.monotonic() - started))
                phase_times, phase_counts, results = measure(
                    app, engine, args.requests)
                for kind, values in phase_times.items():
                    times[size][kind].extend(values)
                counts[size].append(phase_counts)
                page = results['list']['stored_templates']
                resolved = [results[k]['stored_template_version']['version']
                            for k in ('resolve v10', 'resolve v1000')]
                print('round %d %s: page of %d, ^1 resolved to %s' % (
                    rnd + 1, size, len(page), ' and '.join(resolved)))

        medians, minima = {}, {}
        for size in ('small', 'large'):
            label = '%d templates' % (SMALL if size == 'small' else LARGE)
            for kind in REQUESTS:
                shown = _common.print_distribution(
                    '%s %s' % (label, kind), times[size][kind], unit='ms',
                    scale=1000.0, fmt='%.2f')
                medians[size, kind] = shown['median']
                minima[size, kind] = shown['min']
        for size in ('small', 'large'):
            label = '%d templates' % (SMALL if size == 'small' else LARGE)
            for kind in REQUESTS:
                seen = sorted({c[kind] for c in counts[size]})
                print('%s %s SQL statements per request: %s' % (
                    label, kind, ','.join(str(n) for n in seen)))
        _common.print_ratio(
            'ratio list first page 100000/1000 templates (median)',
            medians['large', 'list'] / medians['small', 'list'], 1.3)
        _common.print_ratio(
            'ratio resolve ^1 100000/1000 templates (median)',
            medians['large', 'resolve v10'] /
            medians['small', 'resolve v10'], 1.3)
        versions_ratio = (
            (medians['small', 'resolve v1000'] +
             medians['large', 'resolve v1000']) /
            (medians['small', 'resolve v10'] +
             medians['large', 'resolve v10']))
        _common.print_ratio('ratio resolve ^1 1000/10 versions (median)',
                            versions_ratio, 1.3)
        # The fastest request of each kind is the least disturbed by the
        # machine's other work: its ratio is printed beside, unjudged.
        _common.print_ratio('ratio of minima list 100000/1000 templates',
                            minima['large', 'list'] / minima['small', 'list'])
        _common.print_ratio('ratio of minima resolve 100000/1000 templates',
                            minima['large', 'resolve v10'] /
                            minima['small', 'resolve v10'])
        _common.print_ratio('ratio of minima resolve 1000/10 versions',
                            (minima['small', 'resolve v1000'] +
                             minima['large', 'resolve v1000']) /
                            (minima['small', 'resolve v10'] +
                             minima['large', 'resolve v10']))
        same_templates = all(
            c['list'] == counts['small'][0]['list'] and
            c['resolve v10'] == counts['small'][0]['resolve v10']
            for c in counts['small'] + counts['large'])
        same_versions = all(c['resolve v1000'] == c['resolve v10']
                            for c in counts['small'] + counts['large'])
        print('SQL statements equal at 1000 and 100000 templates: %s' %
              ('yes' if same_templates else 'NO'))
        print('SQL statements equal at 10 and 1000 versions: %s' %
              ('yes' if same_versions else 'NO'))
    finally:
        heat.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
        if scratch is not None:
            heat_db_api.get_engine().dispose()
            scratch.drop()


if __name__ == '__main__':
    main()
