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

"""Horizon in a real browser: ``heat-store-dev --dashboard`` and Chromium.

One stack (Keystone, Heat with the store, Horizon with the panel) per test
process, started with free ports and Heat's per-leaf sleep dropped, and
stopped when the process exits. The browser is Debian's ``chromium`` with
its ``chromedriver``, headless, with a fresh profile and nothing that
reaches the network; the tests' main browser is one per test process
too (``shared_browser``), emptied between tests. Without them (or
without Horizon installed) the tests skip, unless
HEAT_STORE_REQUIRE_SERVICES is set (as ``.ci/run`` does, after
installing them): then they fail.
"""

import atexit
import importlib.util
import json
import os
import re
import shutil
import tempfile
import time

from tests import base
from tests.functional import server as server_mod

CHROMIUM = os.environ.get('HEAT_STORE_CHROMIUM', '/usr/bin/chromium')
CHROMEDRIVER = os.environ.get('HEAT_STORE_CHROMEDRIVER',
                              '/usr/bin/chromedriver')
# Horizon is one site: Chromium's site isolation would only add renderer
# processes (about a tenth of its CPU on the tests' pages).
CHROMIUM_ARGS = ('--headless', '--no-sandbox', '--disable-gpu',
                 '--disable-quic', '--no-first-run',
                 '--disable-background-networking',
                 '--disable-component-update', '--disable-sync',
                 '--disable-site-isolation-trials',
                 '--disable-dev-shm-usage', '--window-size=1400,1000')
# Where screenshots of the main pages go (doc/source/user/images when the
# documentation's images are refreshed); unset: none are taken.
SCREENSHOT_DIR = os.environ.get('HEAT_STORE_SCREENSHOT_DIR')


def missing():
    """What the browser tests lack on this machine, or None."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            return '%s is not installed (apt-get install chromium ' \
                   'chromium-driver)' % path
    for module in ('selenium', 'horizon', 'heat_dashboard', 'keystone'):
        if importlib.util.find_spec(module) is None:
            return 'Python package %s is not installed' % module
    return None


def skip_or_fail(test):
    """Skip a test when the browser or Horizon is absent (fail in CI)."""
    reason = missing()
    if reason is not None:
        raise base.service_missing(reason)


class DashboardStack(server_mod.DevProcess):
    """``heat-store-dev --dashboard`` in a subprocess, on free ports."""

    NAME = 'heat-store-dev --dashboard'
    GRACE = 30
    POLL = 0.2

    def __init__(self):
        super().__init__(prefix='heat-store-dashboard-')
        self.heat_port = server_mod.free_port()
        self.keystone_port = server_mod.free_port()
        self.dashboard_port = server_mod.free_port()

    @property
    def url(self):
        return 'http://127.0.0.1:%d/' % self.dashboard_port

    @property
    def keystone_url(self):
        return 'http://127.0.0.1:%d/v3' % self.keystone_port

    def options(self):
        return ['--dashboard', '--no-leaf-sleep', '--data-dir', self.data_dir,
                '--port', str(self.heat_port),
                '--keystone-port', str(self.keystone_port),
                '--dashboard-port', str(self.dashboard_port)]

    def start(self, timeout=240):
        return super().start(timeout)

    def password(self, user):
        with open(os.path.join(self.data_dir, 'keystone',
                               'passwords.json')) as f:
            return json.load(f)[user]

    def store_client(self, user, project):
        """The store's Python client, as ``user`` in ``project``."""
        from keystoneauth1.identity import v3
        from keystoneauth1 import session

        from heat_store.client import client as store_client

        auth = v3.Password(auth_url=self.keystone_url, username=user,
                           password=self.password(user),
                           project_name=project,
                           user_domain_name='Default',
                           project_domain_name='Default')
        return store_client.Client(session=session.Session(auth=auth),
                                   service_type='orchestration')


def shared_stack():
    """The process-wide Keystone + Heat + Horizon."""
    return server_mod.process_wide('dashboard', DashboardStack)


_shared = {}


def shared_browser(stack):
    """The test process's main browser, logged out and on a blank page.

    A Chromium start costs about 2.5 s of CPU (its browser process, the
    renderer of its own user interface, its GPU process), a third of a
    short test's. Between tests it keeps no session (Horizon's is a signed
    cookie), no storage and no page: ``release`` empties it, or closes it
    when it cannot.
    """
    browser = _shared.pop('browser', None)
    if browser is None or browser.stack is not stack:
        if browser is not None:
            browser.close()
        browser = Browser(stack)
    _shared['browser'] = browser
    return browser


@atexit.register
def _close_shared():
    browser = _shared.pop('browser', None)
    if browser is not None:
        browser.close()


class Browser(object):
    """A headless Chromium logged in to Horizon as one user."""

    def __init__(self, stack, timeout=60):
        from selenium import webdriver
        from selenium.webdriver.chrome import service

        self.stack = stack
        self.profile = tempfile.mkdtemp(prefix='heat-store-chromium-')
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for arg in CHROMIUM_ARGS + ('--user-data-dir=' + self.profile,):
            options.add_argument(arg)
        self.driver = webdriver.Chrome(
            service=service.Service(CHROMEDRIVER), options=options)
        self.driver.set_page_load_timeout(timeout)
        self.timeout = timeout

    def close(self):
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)

    def release(self):
        """Log out and forget the site, for the next test; closes the
        browser (and the next test starts another) if that fails.
        """
        origin = self.stack.url.rstrip('/')
        try:
            # Off Horizon's pages first: their tables poll while open.
            self.driver.get('about:blank')
            self.driver.execute_cdp_cmd('Network.clearBrowserCookies', {})
            self.driver.execute_cdp_cmd('Storage.clearDataForOrigin', {
                'origin': origin, 'storageTypes': 'all'})
            left = self.driver.execute_cdp_cmd('Network.getAllCookies', {})
            if left['cookies']:
                raise RuntimeError('cookies left: %s' % left['cookies'])
        except Exception:
            if _shared.get('browser') is self:
                del _shared['browser']
            self.close()

    # Finding things

    def wait(self, condition, timeout=None):
        """Until ``condition`` holds; an element replaced while the
        condition read it (Horizon replaces table rows and whole pages)
        is looked for again, not a failure.
        """
        from selenium.common import exceptions
        from selenium.webdriver.support import ui

        return ui.WebDriverWait(
            self.driver, timeout or self.timeout,
            ignored_exceptions=(exceptions.StaleElementReferenceException,)
        ).until(condition)

    def by_id(self, element_id, visible=True):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec

        locate = (ec.visibility_of_element_located if visible
                  else ec.presence_of_element_located)
        return self.wait(locate((By.ID, element_id)))

    def css(self, selector):
        from selenium.webdriver.common.by import By

        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def texts(self, selector):
        """The visible text of each element ``selector`` matches, spaces
        collapsed, read in the page in one step: Horizon's tables replace a
        row when its status updates, so an element found first and read
        after may be gone by then (StaleElementReferenceException).
        """
        return self.driver.execute_script(
            'return Array.from(document.querySelectorAll(arguments[0]),'
            ' function (element) {'
            ' return element.innerText.replace(/\\s+/g, " ").trim(); });',
            selector)

    def text(self):
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.TAG_NAME, 'body').text

    def wait_for_text(self, text, timeout=None):
        self.wait(lambda driver: text in self.text(), timeout)

    # Doing things

    def get(self, path):
        """Load a page; the seconds it took, up to the load event."""
        started = time.monotonic()
        self.driver.get(self.stack.url + path.lstrip('/'))
        return time.monotonic() - started

    def login(self, user):
        self.get('auth/login/')
        self.by_id('id_username').send_keys(user)
        self.by_id('id_password').send_keys(self.stack.password(user))
        self.by_id('loginBtn').click()
        self.wait(lambda driver: '/auth/login' not in driver.current_url)

    def logout(self):
        self.get('auth/logout/')
        self.driver.delete_all_cookies()

    def modal_form(self, form_id):
        """The form of the modal that is open, once it shows."""
        return self.by_id(form_id)

    def submit(self, form):
        from selenium.webdriver.common.by import By

        form.find_element(By.CSS_SELECTOR, '[type=submit]').click()

    def row_action(self, table, row_id, action):
        """Click a row's action, opening its menu first if needed."""
        from selenium.webdriver.common.by import By

        element_id = '%s__row_%s__action_%s' % (table, row_id, action)
        row = self.by_id('%s__row__%s' % (table, row_id))
        button = self.driver.find_element(By.ID, element_id)
        if not button.is_displayed():
            row.find_element(By.CSS_SELECTOR, '.dropdown-toggle').click()
        self.wait(lambda driver: button.is_displayed())
        button.click()

    def confirm(self):
        """Accept Horizon's confirmation dialog."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec

        button = self.wait(ec.element_to_be_clickable(
            (By.CSS_SELECTOR, '.modal-footer .btn-danger, '
                              '.modal-footer .btn-primary')))
        button.click()

    def messages(self):
        """The texts of Horizon's alert messages on the page."""
        return [m.text for m in self.css('.messages .alert, .alert')]

    def screenshot(self, name):
        if not SCREENSHOT_DIR:
            return None
        os.makedirs(SCREENSHOT_DIR, exist_ok=True)
        path = os.path.join(SCREENSHOT_DIR, 'dashboard-%s.png' %
                            re.sub(r'[^a-z0-9-]', '-', name))
        self.driver.save_screenshot(path)
        return path
