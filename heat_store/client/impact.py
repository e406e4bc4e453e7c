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

"""An impact report as text, for both command sets."""

from heat_store.client.i18n import _

ACTIONS = ('added', 'updated', 'replaced', 'deleted')


def break_lines(breaks):
    """What would break in a stack: one line each."""
    breaks = breaks or {}
    lines = [_('output %s is read but missing') % name
             for name in breaks.get('outputs') or []]
    lines += [_('parameter %s is required but not passed') % name
              for name in breaks.get('parameters') or []]
    return lines


def lines(entries):
    """The impact report: a paragraph per stack."""
    text = []
    for entry in entries or []:
        if text:
            text.append('')
        text.append(_('%(stack)s (%(id)s), resource %(res)s: %(current)s '
                      'on "%(constraint)s", %(policy)s%(moves)s') % {
            'stack': entry.get('stack_name'), 'id': entry.get('stack_id'),
            'res': entry.get('resource_name'),
            'current': entry.get('current_version'),
            'constraint': entry.get('constraint'),
            'policy': entry.get('upgrade_policy'),
            'moves': (_(', moves on its next update')
                      if entry.get('moves_on_update') else '')})
        if entry.get('error'):
            text.append('  %s' % (_('error: %s') % entry['error']))
        for action in ACTIONS:
            for res in entry.get(action) or []:
                text.append('  %s %s (%s)' % (action,
                                              res.get('resource_name'),
                                              res.get('resource_type')))
        text += ['  %s' % line for line in break_lines(entry.get('breaks'))]
    return text
