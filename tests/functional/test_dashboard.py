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

"""The Template Store panel in Horizon, driven in a real browser.

Keystone, Heat with the store and Horizon with the panel come from
``heat-store-dev --dashboard`` (one for the module, tests/functional/
browser.py); Chromium is Debian's, headless. A user of project demo
publishes a bundle with a child file, finds it in the list, reads a
version, launches a stack from it and watches it complete, is refused the
version's deletion with the stack named, and deprecates it. A user of
another project sees nothing of it. The admin project offers a template to
project demo by its name, and demo accepts and rejects the offer.
"""

import os
import tempfile
import time

import fixtures

from tests import base
from tests.functional import browser

PANEL = 'project/template_store/'

GREETING = """  greeting:
    type: string
    default: hello
    description: What the boot script says
"""
ROOT = """heat_template_version: 2018-08-31
description: A web tier, kept in the template store
parameters:
%s  count:
    type: number
    default: 4
    constraints:
      - range: {min: 1, max: 8}
    description: Length of the token
resources:
  script:
    type: OS::Heat::Value
    properties:
      value: {get_file: boot.sh}
  token:
    type: OS::Heat::RandomString
    properties:
      length: {get_param: count}
outputs:
  script:
    value: {get_attr: [script, value]}
    description: The boot script
""" % GREETING
CHILD = '#!/bin/sh\necho "$GREETING from the template store"\n'


class DashboardTest(base.TestCase):
    TIMEOUT_SCALING_FACTOR = 2

    def setUp(self):
        super().setUp()
        browser.skip_or_fail(self)
        self.stack = browser.shared_stack()
        self.browser = browser.shared_browser(self.stack)
        self.addCleanup(self.browser.release)
        self.addOnException(self._dump)

    def _dump(self, exc_info):
        from testtools import content

        self.addDetail('page', content.text_content(
            '%s\n%s' % (self.browser.driver.current_url,
                        self.browser.text())))
        self.addDetail('dashboard.log', content.text_content(
            _tail(os.path.join(self.stack.data_dir, 'dashboard.log'))))

    def _bundle(self):
        folder = tempfile.mkdtemp(prefix='heat-store-bundle-')
        self.addCleanup(lambda: __import__('shutil').rmtree(folder, True))
        paths = {}
        for name, text in (('web.yaml', ROOT), ('boot.sh', CHILD)):
            paths[name] = os.path.join(folder, name)
            with open(paths[name], 'w') as f:
                f.write(text)
        return paths

    def _create(self, name, files):
        b = self.browser
        b.get(PANEL)
        b.by_id('stored_templates__action_create').click()
        form = b.modal_form('create_stored_template_form')
        form.find_element('id', 'id_name').send_keys(name)
        form.find_element('id', 'id_tags').send_keys('web,demo')
        form.find_element('id', 'id_template_upload').send_keys(
            files['web.yaml'])
        return form

    def test_publish_launch_delete_deprecate(self):
        b = self.browser
        b.login('demo')
        files = self._bundle()

        # Without its child file the store refuses the bundle, and says so
        # on the form's Child Files field.
        form = self._create('web-tier', files)
        b.submit(form)
        b.wait(lambda d: b.css('#create_stored_template_form .has-error'))
        error = b.css('#create_stored_template_form .has-error')[0].text
        self.assertIn("'boot.sh'", error)
        self.assertIn('Child Files', error)

        form = b.modal_form('create_stored_template_form')
        form.find_element('id', 'id_template_upload').send_keys(
            files['web.yaml'])
        form.find_element('id', 'id_files_upload').send_keys(
            files['boot.sh'])
        b.screenshot('create')
        b.submit(form)
        b.wait_for_text('Created stored template web-tier.')
        self.assertIn('/project/template_store/', b.driver.current_url)

        # Listed, with its tags and latest version.
        b.get(PANEL)
        rows = [text for text in b.texts('#stored_templates tbody tr')
                if 'web-tier' in text]
        self.assertEqual(1, len(rows), b.text())
        self.assertIn('demo, web', rows[0])
        self.assertIn('1.0.0', rows[0])
        b.screenshot('list')

        # The template's page: its versions, newest first.
        b.driver.find_element('link text', 'web-tier').click()
        b.by_id('versions__row__1.0.0')
        template_url = b.driver.current_url
        b.screenshot('template')

        # A version: overview, interface, files with highlighting.
        b.driver.find_element('link text', '1.0.0').click()
        b.wait_for_text('Digest')
        text = b.text()
        self.assertIn('sha256:', text)
        self.assertIn('Active', text)
        b.screenshot('version')
        self.assertIn('Published By', text)
        self.assertIn('demo (demo)', text)
        self.assertNotIn(version_time_raw(text), text)
        b.driver.find_element('link text', 'Interface').click()
        b.wait_for_text('Length of the token')
        self.assertIn('greeting', b.text())
        # A number default as heat-dashboard shows it, not YAML's "4 ...".
        row = [text for text in b.texts('.ts-parameters tbody tr')
               if text.startswith('count')]
        self.assertEqual(1, len(row), b.text())
        self.assertIn(' 4 ', row[0] + ' ')
        self.assertNotIn('...', row[0])
        b.driver.find_element('link text', 'Files').click()
        b.wait_for_text('boot.sh')
        highlighted = b.css('.ts-code span')
        self.assertTrue(highlighted, 'no syntax highlighting')
        self.assertIn('from the template store', b.text())
        b.screenshot('files')
        b.driver.find_element('link text', 'Template').click()
        b.wait_for_text('OS::Heat::RandomString')
        b.screenshot('template-body')

        # Launch a stack from it, pinned with ^.
        b.driver.find_element('link text', 'Overview').click()
        b.css('#versions__row_1\\.0\\.0__action_launch, '
              'a[id$="__action_launch"]')[0].click()
        form = b.modal_form('launch_stored_version_form')
        form.find_element('id', 'id_stack_name').send_keys('web-stack')
        form.find_element(
            'css selector', '#id_pin option[value=caret]').click()
        count = form.find_element('id', 'id___param_count')
        self.assertEqual('4', count.get_attribute('value'))
        b.screenshot('launch')
        b.submit(form)
        b.wait(lambda d: '/project/stacks/stack/' in d.current_url)
        deadline = time.monotonic() + 120
        while 'Create Complete' not in b.text():
            self.assertNotIn('Create Failed', b.text())
            self.assertLess(time.monotonic(), deadline, b.text())
            time.sleep(1)
            b.driver.refresh()
        b.screenshot('stack')

        # The version is in use: deleting it is refused, naming the stack.
        b.driver.get(template_url)
        b.row_action('versions', '1.0.0', 'delete')
        b.confirm()
        b.wait_for_text('web-stack')
        refused = '\n'.join(b.messages())
        self.assertIn('in use', refused)
        self.assertIn('web-stack', refused)
        b.screenshot('delete-refused')

        # The version's page lists the stack built from it.
        b.driver.find_element('link text', '1.0.0').click()
        b.wait_for_text('Stacks Built From It')
        self.assertIn('web-stack', b.text())

        # Publish 1.1.0 by pasting, child file included; newest first.
        b.driver.get(template_url)
        b.css('a[id$="__action_publish"]')[0].click()
        form = b.modal_form('publish_version_form')
        form.find_element('id', 'id_version').send_keys('1.1.0')
        form.find_element('id', 'id_template_data').send_keys(
            ROOT.replace('resources:\n', 'resources:\n  extra:\n'
                         '    type: OS::Heat::None\n'))
        form.find_element('id', 'id_files_data').send_keys(
            'boot.sh: |\n  #!/bin/sh\n  echo hello again\n')
        b.screenshot('publish')
        b.submit(form)
        b.wait_for_text('Published version 1.1.0.')
        b.driver.get(template_url)
        versions = [text.split()[0]
                    for text in b.texts('#versions tbody tr')]
        self.assertEqual(['1.1.0', '1.0.0'], versions)

        # What 1.1.0 would do to the stack pinned with ^1.0.0.
        b.driver.find_element('link text', '1.1.0').click()
        b.wait_for_text('Digest')
        b.driver.find_element('link text', 'Impact').click()
        b.wait(lambda d: b.css('.ts-impact table'), 120)
        impact = b.css('.ts-impact table')[0].text
        self.assertIn('web-stack', impact)
        self.assertIn('extra (OS::Heat::None)', impact)
        # Pinned with ^1.0.0 but PINNED: it moves only when its
        # properties change, and the tab says so.
        self.assertIn('Stays on 1.0.0 unless its properties change (PINNED)',
                      impact)
        b.screenshot('impact')

        # A version that breaks the interface within the major: the 409
        # is shown on the field that overrides it; checked, it publishes.
        b.driver.get(template_url)
        b.css('a[id$="__action_publish"]')[0].click()
        form = b.modal_form('publish_version_form')
        form.find_element('id', 'id_version').send_keys('1.2.0')
        form.find_element('id', 'id_template_data').send_keys(
            ROOT.replace(GREETING, ''))
        form.find_element('id', 'id_files_data').send_keys(
            'boot.sh: echo hi\n')
        b.submit(form)
        b.wait(lambda d: b.css('#publish_version_form .has-error'))
        error = b.css('#publish_version_form .has-error')[0]
        self.assertIn('greeting', error.text)
        self.assertEqual([], error.find_elements('id', 'id_version') +
                         error.find_elements('id', 'id_template_data'))
        error.find_element('id', 'id_force')
        # In the panel's words (the Force box), not the API's; and the
        # modal shows it without the user scrolling.
        self.assertIn('check Force', error.text)
        self.assertNotIn('"force"', error.text)
        b.wait(lambda d: d.execute_script(
            'var r = arguments[0].getBoundingClientRect();'
            'return r.top >= 0 && r.bottom <= window.innerHeight;', error))
        b.screenshot('publish-refused')
        # The pasted bundle is still in the form: only the box to tick.
        form = b.modal_form('publish_version_form')
        checkbox = form.find_element('id', 'id_force')
        self.assertFalse(checkbox.is_selected())
        # Horizon's themed box: the user clicks its label.
        form.find_element('css selector', 'label[for=id_force]').click()
        self.assertTrue(checkbox.is_selected())
        b.submit(form)
        b.wait_for_text('Published version 1.2.0.')

        # Deprecate 1.0.0.
        b.driver.get(template_url)
        b.row_action('versions', '1.0.0', 'deprecate')
        b.confirm()
        b.wait_for_text('Deprecated Version')
        row = b.by_id('versions__row__1.0.0')
        self.assertIn('Deprecated', row.text)
        self.assertIn('Active', b.by_id('versions__row__1.1.0').text)
        versions = [text.split()[0]
                    for text in b.texts('#versions tbody tr')]
        self.assertEqual(['1.2.0', '1.1.0', '1.0.0'], versions)

    def _themable_select(self, form, field, value):
        """Pick ``value`` in Horizon's themed select box ``field``."""
        b = self.browser
        box = form.find_element('id', 'id_' + field).find_element(
            'xpath', '..')
        box.find_element('css selector', '.dropdown-toggle').click()
        option = box.find_element('css selector',
                                  'a[data-select-value=%s]' % value)
        b.wait(lambda d: option.is_displayed())
        option.click()

    def test_launch_from_stacks_panel(self):
        # heat-dashboard's own Stacks > Launch Stack, with the store as a
        # Template Source: the next step is heat-dashboard's parameter
        # form, and the stack is one OS::Heat::StoredTemplate.
        demo = self.stack.store_client('demo', 'demo')
        bundle = {'template': ROOT, 'files': {'boot.sh': CHILD}}
        demo.stored_templates.create(name='from-stacks', version=bundle)
        demo.versions.create('from-stacks', version='1.1.0', **bundle)
        demo.versions.create('from-stacks', version='2.0.0', **bundle)
        b = self.browser
        b.login('demo')
        b.get('project/stacks/')
        b.by_id('stacks__action_launch').click()
        form = b.modal_form('select_template')
        self._themable_select(form, 'template_source', 'stored')
        chooser = form.find_element('id', 'id_stored_template')
        b.wait(lambda d: chooser.is_displayed())
        # The chooser suggests the project's templates as the user types.
        suggested = [o.get_attribute('value') for o in b.css(
            '#stored_template_choices option')]
        self.assertIn('from-stacks', suggested)
        chooser.send_keys('from-stacks')
        form.find_element('id', 'id_stored_version').send_keys('^1.0')
        # The version the constraint picks, before the next step.
        b.wait(lambda d: 'Resolves to from-stacks 1.1.0' in b.text())
        b.screenshot('stacks-launch-stored')
        b.submit(form)

        form = b.modal_form('launch_stack')
        count = form.find_element('id', 'id___param_count')
        self.assertEqual('4', count.get_attribute('value'))
        form.find_element('id', 'id_stack_name').send_keys('stacks-launch')
        b.screenshot('stacks-launch-parameters')
        b.submit(form)
        b.wait_for_text('Stack creation started.')
        b.wait(lambda d: 'stacks-launch' in b.text())
        deadline = time.monotonic() + 120
        while True:
            row = [text for text in b.texts('#stacks tbody tr')
                   if 'stacks-launch' in text]
            if row and 'Create Complete' in row[0]:
                break
            self.assertFalse(row and 'Create Failed' in row[0], row)
            self.assertLess(time.monotonic(), deadline, b.text())
            time.sleep(1)
            b.driver.refresh()

        # Heat holds a stack of one stored-template resource, ^1.0.
        from heatclient import client as heat_client

        heat = heat_client.Client('1',
                                  session=demo.http_client.session,
                                  service_type='orchestration')
        template = heat.stacks.template('stacks-launch')
        resource, = template['resources'].values()
        self.assertEqual('OS::Heat::StoredTemplate', resource['type'])
        self.assertEqual('^1.0', resource['properties']['version'])
        consumers = demo.versions.consumers('from-stacks', '1.1.0')
        self.assertEqual(['stacks-launch'],
                         [s['stack_name'] for s in consumers])

    def test_launch_from_stacks_panel_refusals(self):
        demo = self.stack.store_client('demo', 'demo')
        demo.stored_templates.create(
            name='refusals', version={'template': ROOT,
                                      'files': {'boot.sh': CHILD}})
        b = self.browser
        b.login('demo')
        b.get('project/stacks/')
        b.by_id('stacks__action_launch').click()
        form = b.modal_form('select_template')
        self._themable_select(form, 'template_source', 'stored')
        form.find_element('id', 'id_stored_template').send_keys('refusals')
        form.find_element('id', 'id_stored_version').send_keys('^2.0')
        b.wait(lambda d: '^2.0' in b.css('#stored_resolved')[0].text)
        b.submit(form)
        b.wait(lambda d: b.css('#select_template .has-error'))
        error = b.css('#select_template .has-error')[0]
        error.find_element('id', 'id_stored_version')
        self.assertIn('^2.0', error.text)

    def test_edit_template(self):
        demo = self.stack.store_client('demo', 'demo')
        template = demo.stored_templates.create(
            name='edit-me', description='Before', tags=['old'],
            version={'template': ROOT, 'files': {'boot.sh': CHILD}})
        b = self.browser
        b.login('demo')
        b.get(PANEL)
        b.row_action('stored_templates', template.id, 'update')
        form = b.modal_form('update_stored_template_form')
        self.assertEqual('old', form.find_element(
            'id', 'id_tags').get_attribute('value'))
        # Making it public is an admin's action: not offered to a member.
        values = [o.get_attribute('value') for o in form.find_elements(
            'css selector', '#id_visibility option')]
        self.assertEqual(['private', 'shared'], values)

        # The store's 400 goes on the field it is about.
        tags = form.find_element('id', 'id_tags')
        tags.clear()
        tags.send_keys('web,' + 'x' * 81)
        description = form.find_element('id', 'id_description')
        description.clear()
        description.send_keys('After')
        b.submit(form)
        b.wait(lambda d: b.css('#update_stored_template_form .has-error'))
        error = b.css('#update_stored_template_form .has-error')[0]
        error.find_element('id', 'id_tags')
        self.assertEqual('Before', demo.stored_templates.get(
            template.id).description)
        b.screenshot('edit-refused')

        form = b.modal_form('update_stored_template_form')
        tags = form.find_element('id', 'id_tags')
        tags.clear()
        tags.send_keys('web, db')
        form.find_element(
            'css selector', '#id_visibility option[value=shared]').click()
        b.submit(form)
        b.wait_for_text('Updated stored template edit-me.')
        shown = demo.stored_templates.get(template.id)
        self.assertEqual(('After', ['db', 'web'], 'shared'),
                         (shown.description, sorted(shown.tags),
                          shown.visibility))

        # A reader of the project is offered no Edit.
        reader = browser.Browser(self.stack)
        self.addCleanup(reader.close)
        reader.login('demo-reader')
        reader.get(PANEL + template.id + '/')
        reader.by_id('versions__row__1.0.0')
        self.assertEqual([], reader.css('[id$="__action_update"]'))

    def test_publish_tree_archive_as_the_cli(self):
        # A tree with a subfolder and "../", uploaded as a .zip, is
        # published with the digest the CLI gives the same folder.
        import zipfile

        from heat_store.client import bundle
        from tests.unit.dashboard import test_archive

        folder = self.useFixture(fixtures.TempDir()).path
        zip_path = os.path.join(folder, 'tree.zip')
        with zipfile.ZipFile(zip_path, 'w') as z:
            for path, text in test_archive.TREE.items():
                z.writestr('tree/' + path, text)
                full = os.path.join(folder, 'tree', *path.split('/'))
                os.makedirs(os.path.dirname(full), exist_ok=True)
                with open(full, 'w') as f:
                    f.write(text)
        cli = bundle.load(os.path.join(folder, 'tree', 'app', 'web.yaml'),
                          [os.path.join(folder, 'tree', 'app', 'env.yaml')])

        b = self.browser
        b.login('demo')
        b.get(PANEL)
        b.by_id('stored_templates__action_create').click()
        form = b.modal_form('create_stored_template_form')
        form.find_element('id', 'id_name').send_keys('tree')
        form.find_element('id', 'id_archive_upload').send_keys(zip_path)
        form.find_element('id', 'id_archive_template').send_keys(
            'tree/app/nowhere.yaml')
        b.submit(form)
        b.wait(lambda d: b.css('#create_stored_template_form .has-error'))
        error = b.css('#create_stored_template_form .has-error')[0]
        error.find_element('id', 'id_archive_template')
        self.assertIn('tree/app/web.yaml', error.text)

        form = b.modal_form('create_stored_template_form')
        form.find_element('id', 'id_archive_upload').send_keys(zip_path)
        root = form.find_element('id', 'id_archive_template')
        root.clear()
        root.send_keys('tree/app/web.yaml')
        form.find_element('id', 'id_archive_environment').send_keys(
            'tree/app/env.yaml')
        b.screenshot('create-archive')
        b.submit(form)
        b.wait_for_text('Created stored template tree.')
        demo = self.stack.store_client('demo', 'demo')
        version = demo.versions.get('tree', '1.0.0')
        self.assertEqual(cli.digest(), version.digest)
        self.assertEqual(['../common/boot.sh', 'nested/child.yaml',
                          'nested/conf/child.ini'], sorted(version.files))

    def _filter(self, field, text):
        b = self.browser
        b.css('.table_search .dropdown-toggle')[0].click()
        b.wait(lambda d: b.css('a[data-select-value=%s]' % field)[0]
               .is_displayed())
        b.css('a[data-select-value=%s]' % field)[0].click()
        box = b.css('input[name=stored_templates__filter__q]')[0]
        box.clear()
        box.send_keys(text)
        b.css('.table_search button[type=submit]')[0].click()

    def _names(self):
        from selenium.common import exceptions

        try:
            return [r.text.split()[0] for r in
                    self.browser.css('#stored_templates tbody tr')
                    if 'No items' not in r.text]
        except exceptions.StaleElementReferenceException:
            return None  # the page is being replaced: look again

    def _shows(self, text):
        """Whether the page shows ``text`` (False while it is replaced)."""
        from selenium.common import exceptions

        try:
            return text in self.browser.text()
        except exceptions.StaleElementReferenceException:
            return False

    def test_tag_filters_and_paging(self):
        demo = self.stack.store_client('demo', 'demo')
        for name, tags in (('page-a', ['paging', 'x']),
                           ('page-b', ['paging']),
                           ('page-c', ['paging', 'x']),
                           ('other', ['x'])):
            demo.stored_templates.create(
                name=name, tags=tags,
                version={'template': ROOT, 'files': {'boot.sh': CHILD}})
        b = self.browser
        b.login('demo')
        b.get(PANEL)
        # Horizon's page size, as a user's setting would set it.
        b.driver.add_cookie({'name': 'API_RESULT_PAGE_SIZE', 'value': '2'})

        b.get(PANEL)
        self._filter('tags', 'paging')
        b.wait(lambda d: self._names() == ['page-a', 'page-b'])
        b.screenshot('filter')
        b.driver.find_element('link text', 'Next \u00bb').click()
        b.wait(lambda d: self._names() == ['page-c'])
        self.assertNotIn('Next \u00bb', b.text())
        b.driver.find_element('link text', '\u00ab Prev').click()
        b.wait(lambda d: self._names() == ['page-a', 'page-b'])

        self._filter('tags', 'paging,x')
        b.wait(lambda d: self._names() == ['page-a', 'page-c'])
        self._filter('tags_any', 'nothing-has-this')
        b.wait(lambda d: self._names() == [])
        self._filter('name', 'other')
        b.wait(lambda d: self._names() == ['other'])

        # A template's versions page the same way, newest first.
        for minor in (1, 2):
            demo.versions.create('page-a', version='1.%d.0' % minor,
                                 template=ROOT, files={'boot.sh': CHILD})
        template = demo.stored_templates.get('page-a')
        b.get(PANEL + template.id + '/')

        def versions():
            return [r.get_attribute('id') for r in
                    b.css('#versions tbody tr[id^=versions__row]')]

        b.wait(lambda d: versions() == ['versions__row__1.2.0',
                                        'versions__row__1.1.0'])
        b.driver.find_element('link text', 'Next \u00bb').click()
        b.wait(lambda d: versions() == ['versions__row__1.0.0'])
        b.driver.find_element('link text', '\u00ab Prev').click()
        b.wait(lambda d: versions() == ['versions__row__1.2.0',
                                        'versions__row__1.1.0'])

    def test_reader_gets_no_buttons_to_change(self):
        # Horizon's policy engine judges with the store's rules: a reader
        # of the project reads, and is offered nothing that writes.
        demo = self.stack.store_client('demo', 'demo')
        template = demo.stored_templates.create(
            name='read-me', version={'template': ROOT,
                                     'files': {'boot.sh': CHILD}})
        # heat-store-dev said where the dashboard is and how to log in.
        said = self.stack.output()
        self.assertIn('URL:       %s' % self.stack.url, said)
        self.assertIn('%sproject/template_store/' % self.stack.url, said)
        self.assertIn('passwords.json', said)

        b = self.browser
        b.login('demo-reader')
        b.get(PANEL)
        self.assertIn('read-me', b.text())
        self.assertEqual([], b.css('#stored_templates__action_create'))
        self.assertEqual([], b.css('a[id$="__action_publish"]'))
        self.assertEqual([], b.css('[id$="__action_delete"]'))
        b.get(PANEL + template.id + '/')
        b.by_id('versions__row__1.0.0')
        self.assertEqual([], b.css('[id$="__action_deprecate"]'))
        self.assertEqual([], b.css('[id$="__action_delete"]'))
        b.get(PANEL + template.id + '/versions/1.0.0/')
        b.wait_for_text('Digest')
        self.assertIn('OS::Heat::RandomString', b.driver.page_source)

    def test_other_project_sees_nothing(self):
        demo = self.stack.store_client('demo', 'demo')
        secret = demo.stored_templates.create(
            name='demo-only', tags=['private'],
            version={'template': ROOT, 'files': {'boot.sh': CHILD}})

        b = self.browser
        b.login('admin')
        b.get(PANEL)
        self.assertNotIn('demo-only', b.text())
        # Not even by its id, or by a filter on its tag.
        b.get(PANEL + secret.id + '/')
        self.assertNotIn('demo-only', b.text())
        self.assertIn('Unable to retrieve the stored template', b.text())
        b.get(PANEL + secret.id + '/versions/1.0.0/')
        self.assertNotIn('demo-only', b.text())

    def test_offer_by_project_name_then_accept_and_reject(self):
        # The admin project offers a shared template to project demo, by
        # its name in Keystone; demo sees it only once it accepts.
        admin = self.stack.store_client('admin', 'admin')
        offer = admin.stored_templates.create(
            name='offered-web', visibility='shared',
            version={'template': ROOT, 'files': {'boot.sh': CHILD}})
        b = self.browser
        b.login('admin')
        b.get(PANEL + offer.id + '/?tab=stored_template__members')
        b.by_id('members__action_add_member').click()
        form = b.modal_form('add_member_form')
        form.find_element('id', 'id_project_name').send_keys('no-such')
        b.submit(form)
        b.wait(lambda d: b.css('#add_member_form .has-error'))
        self.assertIn('No project is named no-such',
                      b.css('#add_member_form .has-error')[0].text)
        form = b.modal_form('add_member_form')
        name = form.find_element('id', 'id_project_name')
        name.clear()
        name.send_keys('demo')
        b.submit(form)
        b.wait(lambda d: self._shows('Offered the template to project demo.'))
        b.get(PANEL + offer.id + '/?tab=stored_template__members')
        b.wait(lambda d: self._shows('Pending'))
        self.assertIn('demo', b.text())

        # Project demo, in a browser of its own.
        b = self.browser = browser.Browser(self.stack)
        self.addCleanup(b.close)
        b.login('demo')
        b.get(PANEL)
        self.assertNotIn('offered-web', b.text())
        self._filter('member_status', 'pending')
        b.wait(lambda d: self._names() == ['offered-web'])
        b.screenshot('offered')
        # Accepting needs no confirmation; rejecting (danger) does.
        b.row_action('stored_templates', offer.id, 'accept')
        b.wait(lambda d: self._shows('Accepted Offer'))
        # Horizon keeps the filter: among demo's templates by name now.
        self._filter('name', 'offered-web')
        b.wait(lambda d: self._names() == ['offered-web'])
        self._filter('member_status', 'all')
        b.wait(lambda d: self._names() == ['offered-web'])
        self.assertIn('Accepted', b.text())
        b.row_action('stored_templates', offer.id, 'reject')
        b.confirm()
        b.wait(lambda d: self._shows('Rejected Offer'))
        self._filter('name', 'offered-web')
        b.wait(lambda d: self._names() == [])


def version_time_raw(text):
    """An ISO timestamp of the page (``2026-...T...``), or a marker."""
    import re

    found = re.search(r'\d{4}-\d\d-\d\dT\d\d:\d\d', text)
    return found.group(0) if found else '\0no timestamp'


def _tail(path, lines=80):
    try:
        with open(path) as f:
            return ''.join(f.readlines()[-lines:])
    except OSError:
        return ''
