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

"""The parse gate: Heat's YAML and JSON, within limits, checked first."""

import os

import fixtures

from heat.common import environment_format
from heat.common import template_format

from heat_store.client import bundle as client_bundle
from heat_store.client import errors
from heat_store import parsing
from tests import base

HOT = 'heat_template_version: 2018-08-31\n'


def bomb(exponent, head=HOT):
    """A few hundred bytes of YAML standing for 10**exponent leaves."""
    lines = [head + 'a0: &a0 [x,x,x,x,x,x,x,x,x,x]']
    for i in range(1, exponent):
        lines.append('a%d: &a%d [%s]' % (i, i, ','.join(
            ['*a%d' % (i - 1)] * 10)))
    return '\n'.join(lines) + '\n'


class GateTest(base.BaseTestCase):

    def test_bomb_of_a_billion_leaves_refused(self):
        text = bomb(9)
        self.assertLess(len(text), 500)
        for load in (parsing.load_template, parsing.load_environment):
            error = self.assertRaises(parsing.Refused, load, text, 'b.yaml',
                                      524288)
            self.assertEqual('b.yaml expands its YAML aliases to more than '
                             '524288 characters (max_template_size)',
                             str(error))

    def test_refusal_is_not_a_value_error(self):
        # "Is this a template?" tests catch ValueError; a bomb is no answer.
        self.assertFalse(issubclass(parsing.Refused, ValueError))
        self.assertTrue(issubclass(parsing.NotParsed, ValueError))

    def test_text_longer_than_the_limit_refused_unparsed(self):
        error = self.assertRaises(parsing.Refused, parsing.load,
                                  HOT + 'description: ' + 'x' * 100, 't',
                                  100)
        self.assertIn('t is 147 characters; at most 100 are allowed',
                      str(error))

    def test_depth_is_checked_on_the_node_graph(self):
        # The top map is level 1, as check_nesting counts a parsed one.
        deep = HOT + 'd: ' + '[' * 99 + ']' * 99 + '\n'
        parsing.check_nesting(parsing.load_template(deep, 'ok.yaml'), 'ok')
        deeper = HOT + 'd: ' + '[' * 100 + ']' * 100 + '\n'
        self.assertRaises(parsing.Refused, parsing.check_nesting,
                          template_format.simple_parse(deeper), 'deep.yaml')
        error = self.assertRaises(parsing.Refused, parsing.load_template,
                                  deeper, 'deep.yaml')
        self.assertIn('deep.yaml is nested more than 100 levels deep',
                      str(error))

    def test_depth_through_aliases(self):
        lines = [HOT + 'a0: &a0 [' * 1 + '[' * 50 + ']' * 50 + ']']
        lines.append('a1: &a1 [' + '[' * 50 + '*a0' + ']' * 50 + ']')
        error = self.assertRaises(parsing.Refused, parsing.load_template,
                                  '\n'.join(lines) + '\n', 'x.yaml')
        self.assertIn('nested more than 100', str(error))

    def test_deep_json_refused(self):
        text = '{"heat_template_version": "2018-08-31", "d": %s%s}' % (
            '[' * 5000, ']' * 5000)
        error = self.assertRaises(parsing.Refused, parsing.load_template,
                                  text, 'deep.json')
        self.assertIn('deep.json is nested more than', str(error))

    def test_recursive_alias_refused(self):
        error = self.assertRaises(parsing.Refused, parsing.load_template,
                                  HOT + 'a: &a [1, *a]\n', 'loop.yaml')
        self.assertIn('loop.yaml has a recursive YAML alias', str(error))

    def test_not_a_template(self):
        for text in ('resources: {}\n', '[1, 2]\n', 'a: [b\n', 'echo hi'):
            self.assertRaises(parsing.NotParsed, parsing.load_template,
                              text, 'x')

    def test_syntax_error_says_where(self):
        error = self.assertRaises(parsing.NotParsed, parsing.load_template,
                                  HOT + 'resources: [a, b\n', 'bad.yaml')
        self.assertIn('bad.yaml is not valid YAML at line 3, column 1',
                      str(error))


class TreeSizeTest(base.BaseTestCase):
    """A text without aliases is measured by the plain walk, the same."""

    TREES = (
        HOT + 'description: 2013-05-23\nx: [yes, no, on, 0755, 1e3, ~]\n',
        HOT + 'resources:\n  r:\n    type: OS::Heat::None\n'
        '    properties: {value: {get_param: [a, b]}}\n'
        'outputs: {o: {value: ""}}\n',
        HOT + 'multi: |\n  line one\n  line two\nempty: []\nnone: {}\n',
        HOT + 'd: ' + '[' * 99 + 'x' + ']' * 99 + '\n',
        # Keys with no values: two nodes for two characters.
        '?\n' * 50,
        HOT + 'anchored: &a {b: 1}\n',
    )

    @staticmethod
    def root(text):
        loader = parsing._Loader(text)
        try:
            return loader.get_single_node()
        finally:
            loader.dispose()

    def test_tree_size_agrees_with_the_expanded_size(self):
        for text in self.TREES:
            root = self.root(text)
            self.assertEqual(parsing.expanded_size(root, 10 ** 6),
                             parsing.tree_size(root, 10 ** 6), text)
            whole, _depth = parsing.tree_size(root, 10 ** 6)
            # Past a smaller limit both stop, over it.
            self.assertGreater(parsing.tree_size(root, whole - 1)[0],
                               whole - 1, text)
            self.assertGreater(parsing.expanded_size(root, whole - 1)[0],
                               whole - 1, text)

    def test_text_without_an_alias_skips_the_expanded_size(self):
        expanded = self.useFixture(fixtures.MockPatchObject(
            parsing, 'expanded_size', side_effect=parsing.expanded_size))
        parsing.load_template(self.TREES[1], 't.yaml')
        self.assertFalse(expanded.mock.called)
        # A '*' anywhere, even in a string, takes the full measure.
        parsing.load_template(HOT + 'description: "a * b"\n', 't.yaml')
        self.assertTrue(expanded.mock.called)

    def test_limits_hold_without_aliases(self):
        # More nodes than characters: refused at the text's own length.
        text = '?\n' * 50
        error = self.assertRaises(parsing.Refused, parsing.load, text,
                                  'keys.yaml', len(text), parsing.ENVIRONMENT)
        self.assertIn('keys.yaml expands its YAML aliases to more than 100',
                      str(error))
        deep = HOT + 'd: ' + '[' * 100 + ']' * 100 + '\n'
        error = self.assertRaises(parsing.Refused, parsing.load_template,
                                  deep, 'deep.yaml')
        self.assertIn('nested more than 100', str(error))

    def test_an_alias_still_takes_the_full_measure(self):
        for text in (bomb(9), HOT + 'a: &a [1, *a]\n'):
            self.assertRaises(parsing.Refused, parsing.load_template, text,
                              'b.yaml', 524288)


class HeatSemanticsTest(base.BaseTestCase):
    """The gate reads every text as Heat's own parsers do."""

    TEMPLATES = (
        HOT + 'description: 2013-05-23\nx: [yes, no, on, 0755, 1e3, ~]\n',
        HOT + 'a: &a {b: 1}\nc: *a\nd: {<<: *a, e: 2}\n',
        '{"heat_template_version": "2018-08-31", "x": [1.5, null, true]}',
        '  {"AWSTemplateFormatVersion": "2010-09-09"}\n',
        HOT + 'u: "caf\\u00e9"\nv: !!str 12\nw: !!binary aGk=\n',
        HOT + 'multi: |\n  line one\n  line two\n',
    )
    ENVIRONMENTS = (
        'parameter_defaults:\n  when: 2020-01-01\n  flag: yes\n',
        'resource_registry: {"My::T": t.yaml}\n',
        '',
    )

    def test_templates_parse_as_heat_parses_them(self):
        for text in self.TEMPLATES:
            self.assertEqual(template_format.simple_parse(text),
                             parsing.load_template(text, 't'), text)

    def test_environments_parse_as_heat_parses_them(self):
        for text in self.ENVIRONMENTS:
            self.assertEqual(environment_format.parse(text),
                             parsing.load_environment(text, 'e'), text)


class DownloadTest(base.BaseTestCase):
    """A bomb stored as a file is refused by the client, writing nothing."""

    def test_download_of_a_bomb_writes_nothing(self):
        out = os.path.join(self.useFixture(fixtures.TempDir()).path, 'out')
        error = self.assertRaises(
            errors.BundleError, client_bundle.write, out, 'web',
            {'heat_template_version': '2018-08-31'},
            {'notes.yaml': bomb(9)})
        self.assertEqual("notes.yaml expands its YAML aliases to more "
                         "than 1048576 characters (the client's limit)",
                         str(error))
        self.assertFalse(os.path.exists(out))

    def test_plain_file_that_is_no_template_is_written_as_it_is(self):
        out = os.path.join(self.useFixture(fixtures.TempDir()).path, 'out')
        client_bundle.write(out, 'web', {'heat_template_version': 'x'},
                            {'notes.txt': 'a: [b\n'})
        with open(os.path.join(out, 'notes.txt')) as f:
            self.assertEqual('a: [b\n', f.read())
