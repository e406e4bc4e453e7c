"""Fixtures of the in-process API tests.

One real Heat per test process: the engine runs in this process (in-memory
messaging), the API app is Heat's paste pipeline with the store's router,
and the database is SQLite in a temporary directory. Each gabbi file gets
fresh project ids, so files never see each other's templates.
"""

import atexit
import os
import shutil
import tempfile
import threading
import uuid

from gabbi import fixture as gabbi_fixture

_lock = threading.Lock()
_heat = {}


def embedded_heat():
    """The process-wide embedded Heat, started on first use."""
    with _lock:
        if not _heat:
            from heat_store import conf  # noqa: F401
            from heat_store import embedded
            from oslo_config import cfg

            data_dir = tempfile.mkdtemp(prefix='heat-store-test-')
            atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
            heat = embedded.EmbeddedHeat(data_dir, port=1,
                                         auth='headers', leaf_sleep=False)
            heat.configure()
            cfg.CONF.set_override('max_templates_per_project', 20,
                                  group='template_store')
            cfg.CONF.set_override('max_versions_per_template', 30,
                                  group='template_store')
            heat.sync_database()
            heat.start_engine()
            # NOTE: the engine's looping calls keep the interpreter from
            # exiting for up to a minute unless the engine is stopped.
            atexit.register(heat.stop)
            _heat['heat'] = heat
            _heat['app'] = heat.load_app()
        return _heat['app']


def setup_app():
    """gabbi's intercept: called before fixtures start, so stay lazy."""
    return LazyApp()


class LazyApp(object):
    def __call__(self, environ, start_response):
        return embedded_heat()(environ, start_response)


class APIFixture(gabbi_fixture.GabbiFixture):
    """Fresh project ids for one gabbi file, in ``$ENVIRON``."""

    def start_fixture(self):
        embedded_heat()
        for name in ('PROJECT_ID', 'OTHER_PROJECT_ID', 'THIRD_PROJECT_ID',
                     'USER_ID'):
            os.environ[name] = uuid.uuid4().hex

    def stop_fixture(self):
        pass
