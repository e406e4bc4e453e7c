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

"""Page times of the Template Store panel in Horizon, in a real browser.

One ``heat-store-dev --dashboard`` (Keystone, Heat with the store and
Horizon; Heat's per-leaf sleep dropped) and Debian's headless Chromium,
logged in as ``demo``. The demo project holds --templates stored templates
(the list shows a page of Horizon's default 20), the one measured with
--versions versions, its newest with a child file and one stack built from
it (a consumer, for the version page).

Each page is loaded --rounds times, the pages alternating in each round;
the figure is the browser's navigation time (request start to the load
event) and, within it, the server's time to the last byte of the HTML.
The reference is heat-dashboard's own Stacks page of the same Horizon and
Heat (one stack listed), printed as a ratio: how much more a panel page
costs than the page a Heat user already opens.

    .venv/bin/python bench/dashboard.py [--rounds 10] [--templates 25]
        [--versions 10]
"""

import argparse
import os
import sys
import time
import warnings

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, TOP)
import _common  # noqa: E402

TEMPLATE = """heat_template_version: 2018-08-31
parameters:
  count:
    type: number
    default: 4
    constraints:
      - range: {min: 1, max: 8}
    description: Length of the token
  greeting: {type: string, default: hello}
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
"""
CHILD = '#!/bin/sh\necho hello\n'

TIMING = ('var t = performance.getEntriesByType("navigation")[0];'
          'return [t.loadEventEnd - t.startTime,'
          ' t.responseEnd - t.requestStart];')


def seed(stack, templates, versions):
    store = stack.store_client('demo', 'demo')
    bundle = {'template': TEMPLATE, 'files': {'boot.sh': CHILD}}
    for number in range(templates - 1):
        store.stored_templates.create(
            name='filler-%03d' % number, tags=['bench'],
            version=dict(bundle))
    measured = store.stored_templates.create(
        name='bench-web', tags=['bench', 'web'], version=dict(bundle))
    for minor in range(1, versions):
        store.versions.create(measured.id, version='1.%d.0' % minor,
                              **bundle)
    newest = '1.%d.0' % (versions - 1)
    return measured, newest


def launch_stack(browser, template_id, version):
    browser.get('project/template_store/%s/versions/%s/launch/' %
                (template_id, version))
    form = browser.by_id('launch_stored_version_form')
    form.find_element('id', 'id_stack_name').send_keys('bench-stack')
    browser.submit(form)
    browser.wait(lambda d: '/project/stacks/stack/' in d.current_url)
    deadline = time.monotonic() + 120
    while 'Create Complete' not in browser.text():
        if time.monotonic() > deadline or 'Failed' in browser.text():
            raise RuntimeError('bench-stack did not complete:\n%s' %
                               browser.text())
        time.sleep(1)
        browser.driver.refresh()


def measure(browser, path, wait_for):
    browser.get(path)
    browser.wait_for_text(wait_for)
    total, server = browser.driver.execute_script(TIMING)
    return total / 1000.0, server / 1000.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--rounds', type=int, default=10)
    parser.add_argument('--templates', type=int, default=25)
    parser.add_argument('--versions', type=int, default=10)
    args = parser.parse_args()
    warnings.filterwarnings('ignore')
    from tests.functional import browser as browser_mod

    reason = browser_mod.missing()
    if reason:
        print('ERROR: %s' % reason)
        return 2
    _common.print_machine('bench/dashboard.py')
    started = time.monotonic()
    # Room for the project's templates and versions above the default
    # quotas, through oslo.config's environment source (OS_GROUP__OPT),
    # which the stack's Heat reads as it reads heat.conf.
    for option, value in (('MAX_TEMPLATES_PER_PROJECT', args.templates),
                          ('MAX_VERSIONS_PER_TEMPLATE', args.versions)):
        os.environ['OS_TEMPLATE_STORE__' + option] = str(value + 10)
    stack = browser_mod.DashboardStack()
    stack.resource_poll = None  # Heat's own polls, as in the benchmarks
    stack.start()
    _common.watchdog(1800, stack.stop)
    print('stack start (s): %.1f' % (time.monotonic() - started))
    browser = None
    try:
        measured, newest = seed(stack, args.templates, args.versions)
        browser = browser_mod.Browser(stack)
        browser.login('demo')
        launch_stack(browser, measured.id, newest)
        base = 'project/template_store/%s/' % measured.id
        pages = [
            ('stacks (heat-dashboard, reference)', 'project/stacks/',
             'bench-stack'),
            ('template list', 'project/template_store/', 'bench-web'),
            ('template detail', base, newest),
            ('version detail', base + 'versions/%s/' % newest,
             'bench-stack'),
            ('launch form', base + 'versions/%s/launch/' % newest,
             'Version Pin'),
            ('edit form', base + 'update/', 'Visibility'),
            ('stacks launch, stored source', 'project/stacks/select_template',
             'Template Source'),
        ]
        for label, path, text in pages:  # warm every page once
            measure(browser, path, text)
        times = {label: ([], []) for label, _p, _t in pages}
        for _round in range(args.rounds):
            for label, path, text in pages:
                total, server = measure(browser, path, text)
                times[label][0].append(total)
                times[label][1].append(server)
        print('templates in project: %d; versions of the measured one: %d'
              % (args.templates, args.versions))
        reference = None
        for label, _p, _t in pages:
            total = _common.print_distribution(label + ' page',
                                               times[label][0])
            _common.print_distribution(label + ' server', times[label][1])
            if reference is None:
                reference = total['median']
            else:
                _common.print_ratio('%s page / stacks page (median)' % label,
                                    total['median'] / reference)
    finally:
        if browser is not None:
            browser.close()
        stack.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())
