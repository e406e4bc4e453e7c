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

"""A corpus of hostile requests, each refused in Heat's fault format.

Every case in :data:`CASES` is a request (method, path, headers, body
bytes) and the 4xx it must get, in-process against the embedded Heat.
For each, the answer must be Heat's fault document (``code``, ``title``,
``explanation``, ``error.type``, ``error.message``), and the caller's
project must be the same before and after, as the API shows it: its
templates, their versions and members.

:data:`TOLERATED` holds odd but valid requests (a huge ``limit`` is
capped, whitespace around a constraint is stripped): they must succeed.
Unicode that is valid (emoji, RTL overrides, combining marks) must come
back exactly as it was sent.

Two answers come from Heat before the store sees the request, as on
Heat's own paths: a path that is not UTF-8 gets the bare 400 of Heat's
version negotiation, and a request sent as application/xml gets Heat's
XML rendering of the fault.
"""

import json
import re
from urllib import parse
import uuid

from oslo_config import cfg

from tests.functional import fixtures

CONF = cfg.CONF
JSON = 'application/json'
HOT = 'heat_template_version: 2021-04-16\n'
VALID = (HOT + 'parameters:\n  p: {type: string, default: x}\n'
         'resources:\n  r: {type: OS::Heat::None}\n'
         'outputs:\n  o: {value: {get_param: p}}\n')
# The next compatible version of VALID, for cases about other fields.
NEXT = '1.1.0'


def j(data):
    """JSON bytes, ASCII-escaped so lone surrogates survive encoding."""
    return json.dumps(data).encode('ascii')


def limit(name):
    return getattr(CONF, name)


class Case(object):
    def __init__(self, name, method, path, body=None, status=400,
                 content_type=JSON, headers=None, error_type=None,
                 message=None, fault='heat'):
        self.name = name
        # 'heat': Heat's JSON fault; 'xml': Heat's XML rendering of it, for
        # a request sent as application/xml; 'webob': the bare 400 that
        # Heat's version negotiation answers for a path that is not UTF-8,
        # before any route (Heat's own paths answer the same).
        self.fault = fault
        self.method = method
        self.path = path
        self._body = body
        # (lowest, highest) status, or one status.
        self.status = status if isinstance(status, tuple) else (status,
                                                                status)
        self.content_type = content_type
        self.headers = headers or {}
        self.error_type = error_type
        self.message = message

    @property
    def body(self):
        body = self._body() if callable(self._body) else self._body
        if body is None or isinstance(body, bytes):
            return body
        return j(body)


TEMPLATES = '/stored_templates'
BASE = '/stored_templates/base'
VERSIONS = BASE + '/versions'
VERSION = VERSIONS + '/1.0.0'
MEMBERS = BASE + '/members'
RESOLVE = BASE + '/resolve'


def create(**fields):
    body = {'name': 'fresh'}
    body.update(fields)
    return body


def publish(**fields):
    body = {'template': VALID, 'version': NEXT}
    body.update(fields)
    return body


def publish_template(text):
    return lambda: j({'template': text() if callable(text) else text,
                      'version': NEXT})


def child_bundle(child):
    """A root template whose resource is the nested file ``child``."""
    root = HOT + 'resources:\n  c: {type: child.yaml}\n'
    return lambda: j({'template': root, 'version': NEXT,
                      'files': {'child.yaml': child() if callable(child)
                                else child}})


# YAML documents that expand: each doubles the one before ten times over.
def _list_bomb():
    lines = [HOT + 'description: x', 'parameters:', '  p:',
             '    type: json', '    default:',
             '      a0: &a0 [x, x, x, x, x, x, x, x, x, x]']
    for i in range(1, 10):
        refs = ', '.join(['*a%d' % (i - 1)] * 10)
        lines.append('      a%d: &a%d [%s]' % (i, i, refs))
    return '\n'.join(lines) + '\n'


def _map_bomb():
    lines = [HOT + 'parameters:', '  p:', '    type: json', '    default:',
             '      m0: &m0 {k0: x, k1: x, k2: x, k3: x, k4: x, k5: x, '
             'k6: x, k7: x, k8: x, k9: x}']
    for i in range(1, 10):
        refs = ', '.join('k%d: *m%d' % (k, i - 1) for k in range(10))
        lines.append('      m%d: &m%d {%s}' % (i, i, refs))
    return '\n'.join(lines) + '\n'


def _merge_bomb():
    # Merge keys copy a map into another; keys must differ to grow it.
    lines = [HOT + 'parameters:', '  p:', '    type: json', '    default:',
             '      m0: &m0 {a: [x, x, x, x, x, x, x, x, x, x]}']
    for i in range(1, 12):
        lines.append('      m%d: &m%d {<<: *m%d, b%d: [*m%d, *m%d, *m%d, '
                     '*m%d]}' % (i, i, i - 1, i, i - 1, i - 1, i - 1, i - 1))
    return '\n'.join(lines) + '\n'


def tiny_bomb(head='', indent=''):
    """About 450 bytes of YAML standing for 10**9 leaves."""
    lines = [head + indent + 'a0: &a0 [x,x,x,x,x,x,x,x,x,x]']
    for i in range(1, 9):
        lines.append(indent + 'a%d: &a%d [%s]' % (i, i, ','.join(
            ['*a%d' % (i - 1)] * 10)))
    return '\n'.join(lines) + '\n'


# The body form of heatclient and openstacksdk: file:/// keys.
_URL_ROOT = {'heat_template_version': '2021-04-16', 'resources': {}}


def _scalar_bomb():
    big = 'z' * (limit('max_template_size') // 4)
    return (HOT + 'parameters:\n  p:\n    type: string\n'
            '    default: &a %s\n    description: [%s]\n' % (
                big, ', '.join(['*a'] * 1000)))


def _oversize_template():
    return HOT + 'description: %s\n' % ('x' * limit('max_template_size'))


def _oversize_body():
    return j(create(description='d' * (limit('max_json_body_size') + 1)))


def _nested_json(depth):
    return b'{"name": "deep", "description": ' + b'[' * depth + \
        b']' * depth + b'}'


def _nested_list(depth):
    return json.loads('[' * depth + ']' * depth)


def _with_number_parameter(value):
    """VALID's interface plus a number parameter, as JSON bytes."""
    return (b'{"version": "1.1.0", "template": {"heat_template_version": '
            b'"2021-04-16", "parameters": {"p": {"type": "string", '
            b'"default": "x"}, "q": {"type": "number", "default": ' + value +
            b'}}, "outputs": {"o": {"value": {"get_param": "p"}}}}}')


def _many_files():
    count = limit('max_json_body_size') // 10 + 1
    return j(publish(files={'f%06d.txt' % i: '' for i in range(count)}))


def _oversize_bundle():
    # Each file is within the limits; together they are not.
    size = limit('max_json_body_size') // 4 + 1
    return j(publish(files={'f%d.txt' % i: 'y' * size for i in range(5)}))


CASES = [
    # -- JSON that is not JSON, or not an object --------------------------
    Case('json_truncated', 'POST', TEMPLATES, b'{"name": "x"'),
    Case('json_trailing_comma', 'POST', TEMPLATES, b'{"name": "x",}'),
    Case('json_single_quotes', 'POST', TEMPLATES, b"{'name': 'x'}"),
    Case('json_a_list', 'POST', TEMPLATES, b'["name", "x"]'),
    Case('json_a_string', 'POST', TEMPLATES, b'"x"'),
    Case('json_a_number', 'POST', TEMPLATES, b'42'),
    Case('json_null', 'POST', TEMPLATES, b'null'),
    Case('json_empty_body', 'POST', TEMPLATES, b''),
    Case('json_whitespace_body', 'POST', TEMPLATES, b'  \n '),
    Case('json_invalid_utf8', 'POST', TEMPLATES, b'{"name": "a\xff\xfe"}'),
    Case('json_utf16', 'POST', TEMPLATES,
         '{"name": "x"}'.encode('utf-16')),
    Case('json_nan', 'POST', TEMPLATES,
         b'{"name": "nan", "description": NaN}'),
    Case('json_nan_in_template', 'POST', VERSIONS,
         lambda: _with_number_parameter(b'NaN'),
         message='template cannot be stored as JSON'),
    Case('json_infinity_in_template', 'POST', VERSIONS,
         lambda: _with_number_parameter(b'-Infinity'),
         message='template cannot be stored as JSON'),
    Case('json_nan_in_environment', 'POST', VERSIONS,
         b'{"version": "1.1.0", "template": "heat_template_version: '
         b'2021-04-16\\n", "environment": {"parameter_defaults": '
         b'{"x": NaN}}}', message='environment cannot be stored as JSON'),
    Case('json_leading_whitespace', 'POST', TEMPLATES,
         b' \n{"name": "spaced"}', message='must be a JSON object'),
    Case('json_garbage_after', 'POST', TEMPLATES, b'{"name": "x"} {}'),
    Case('json_huge', 'POST', TEMPLATES, _oversize_body,
         error_type='RequestLimitExceeded'),
    Case('json_deeply_nested', 'POST', TEMPLATES,
         lambda: _nested_json(100000)),
    Case('json_nested_past_recursion_limit', 'POST', TEMPLATES,
         lambda: _nested_json(2000)),
    Case('json_deeply_nested_template', 'POST', VERSIONS,
         lambda: b'{"version": "1.1.0", "template": ' + b'{"a": ' * 5000 +
         b'1' + b'}' * 5000 + b'}', message='nested more than 200'),
    Case('json_template_nested_150', 'POST', VERSIONS,
         lambda: j({'version': NEXT, 'template': {
             'heat_template_version': '2021-04-16',
             'parameters': {'p': {'type': 'json',
                                  'default': _nested_list(150)}}}}),
         message='template is nested more than 100 levels'),
    Case('json_environment_nested_150', 'POST', VERSIONS,
         lambda: j(publish(environment={
             'parameter_defaults': {'x': _nested_list(150)}})),
         message='environment is nested more than 100 levels'),
    Case('json_lone_surrogate_name', 'POST', TEMPLATES,
         b'{"name": "a\\ud800"}'),
    Case('json_lone_surrogate_description', 'POST', TEMPLATES,
         b'{"name": "lone", "description": "\\udfff"}'),
    Case('json_lone_surrogate_tag', 'POST', TEMPLATES,
         b'{"name": "lone", "tags": ["\\ud83d"]}'),
    Case('json_lone_surrogate_in_template', 'POST', VERSIONS,
         b'{"version": "1.1.0", "template": {"heat_template_version": '
         b'"2021-04-16", "description": "\\ud800"}}'),
    Case('json_lone_surrogate_in_file', 'POST', VERSIONS,
         b'{"version": "1.1.0", "template": "heat_template_version: '
         b'2021-04-16\\n", "files": {"a.txt": "\\udc00"}}'),
    Case('json_lone_surrogate_key', 'POST', VERSIONS,
         b'{"version": "1.1.0", "template": {"heat_template_version": '
         b'"2021-04-16", "\\ud800": 1}}'),

    # -- content types ------------------------------------------------
    Case('content_type_text_plain', 'POST', TEMPLATES, create(),
         status=415, content_type='text/plain'),
    Case('content_type_form', 'POST', TEMPLATES, b'name=fresh',
         status=415, content_type='application/x-www-form-urlencoded'),
    Case('content_type_form_with_json', 'POST', TEMPLATES, create(),
         status=415, content_type='application/x-www-form-urlencoded'),
    Case('content_type_none', 'POST', TEMPLATES, create(), status=415,
         content_type=None),
    Case('content_type_xml', 'POST', TEMPLATES, b'<name>x</name>',
         status=415, content_type='application/xml', fault='xml'),
    Case('content_type_json_patch', 'POST', TEMPLATES, create(),
         status=415, content_type='application/json-patch+json'),
    Case('content_type_multipart', 'POST', TEMPLATES,
         b'--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n'
         b'--b--\r\n', status=415,
         content_type='multipart/form-data; boundary=b'),
    Case('content_type_yaml', 'POST', VERSIONS, VALID.encode(), status=415,
         content_type='application/yaml'),
    Case('content_type_text_plain_publish', 'POST', VERSIONS, publish(),
         status=415, content_type='text/plain'),
    Case('content_type_text_plain_patch', 'PATCH', BASE,
         {'description': 'x'}, status=415, content_type='text/plain'),
    Case('content_type_none_patch_version', 'PATCH', VERSION,
         {'status': 'deprecated'}, status=415, content_type=None),
    Case('content_type_form_member', 'POST', MEMBERS, b'project_id=p2',
         status=415, content_type='application/x-www-form-urlencoded'),

    # -- YAML templates ------------------------------------------------
    Case('yaml_unclosed_flow', 'POST', VERSIONS,
         publish_template(HOT + 'resources: [\n'),
         message='template is not valid YAML at line'),
    Case('yaml_tab_indent', 'POST', VERSIONS,
         publish_template(HOT + 'resources:\n\tr: {type: OS::Heat::None}\n'),
         message='not valid YAML'),
    Case('yaml_bad_indent', 'POST', VERSIONS,
         publish_template(HOT + 'resources:\n  r:\n    type: a\n   x: 1\n')),
    Case('yaml_a_list', 'POST', VERSIONS, publish_template('- a\n- b\n')),
    Case('yaml_a_scalar', 'POST', VERSIONS, publish_template('hello')),
    Case('yaml_empty', 'POST', VERSIONS, publish_template('')),
    Case('yaml_no_version_key', 'POST', VERSIONS,
         publish_template('resources: {}\n')),
    Case('yaml_python_tag', 'POST', VERSIONS,
         publish_template(HOT + 'description: !!python/object/apply:'
                          'os.system ["true"]\n')),
    Case('yaml_unknown_tag', 'POST', VERSIONS,
         publish_template(HOT + 'description: !secret x\n')),
    Case('yaml_control_character', 'POST', VERSIONS,
         publish_template(HOT + 'description: a\x07b\n')),
    Case('yaml_nul_character', 'POST', VERSIONS,
         publish_template(HOT + 'description: a\x00b\n')),
    Case('yaml_deeply_nested', 'POST', VERSIONS,
         publish_template(HOT + 'description: ' + '[' * 10000 +
                          ']' * 10000 + '\n')),
    Case('yaml_nested_900', 'POST', VERSIONS,
         publish_template(HOT + 'description: ' + '[' * 900 + ']' * 900 +
                          '\n'), message='nested more than 100 levels'),
    Case('yaml_child_nested_900', 'POST', VERSIONS,
         child_bundle(HOT + 'description: ' + '[' * 900 + ']' * 900 +
                      '\n'), message='child.yaml is nested more than'),
    Case('yaml_nan_default', 'POST', VERSIONS,
         publish_template(VALID + '  q: {value: .nan}\n'),
         message='template cannot be stored as JSON'),
    # The child is parsed once, by the gate, and still refused by name.
    Case('yaml_child_nan', 'POST', VERSIONS,
         child_bundle(HOT + 'outputs: {o: {value: [.nan, -.inf]}}\n'),
         message='child.yaml cannot be stored as JSON'),
    Case('yaml_inf_in_environment', 'POST', VERSIONS,
         publish(environment='parameter_defaults: {x: -.inf}\n'),
         message='environment cannot be stored as JSON'),
    Case('yaml_oversize', 'POST', VERSIONS,
         publish_template(_oversize_template),
         error_type='InvalidBundle'),
    Case('yaml_oversize_as_object', 'POST', VERSIONS,
         lambda: j({'version': NEXT, 'template': {
             'heat_template_version': '2021-04-16',
             'description': 'x' * limit('max_template_size')}}),
         message='bytes as JSON'),
    Case('alias_bomb_lists', 'POST', VERSIONS,
         publish_template(_list_bomb), message='expands its YAML aliases'),
    Case('alias_bomb_maps', 'POST', VERSIONS,
         publish_template(_map_bomb), message='expands its YAML aliases'),
    Case('alias_bomb_merge_keys', 'POST', VERSIONS,
         publish_template(_merge_bomb), message='expands its YAML aliases'),
    Case('alias_bomb_scalars', 'POST', VERSIONS,
         publish_template(_scalar_bomb), error_type='InvalidBundle'),
    Case('alias_bomb_in_environment', 'POST', VERSIONS,
         lambda: j(publish(environment=_list_bomb().replace(
             HOT + 'description: x\nparameters:', 'parameter_defaults:')
             .replace('  p:\n    type: json\n    default:\n', '  p:\n'))),
         message='environment expands its YAML aliases'),
    Case('alias_bomb_in_child', 'POST', VERSIONS, child_bundle(_list_bomb),
         message='child.yaml expands its YAML aliases'),
    # Issue 17: each path that once walked a bomb before checking it.
    Case('alias_bomb_file_url_dry_run', 'POST', VERSIONS,
         j({'template': _URL_ROOT, 'dry_run': True,
            'files': {'file:///src/c.yaml': tiny_bomb(HOT)}}),
         message='file:///src/c.yaml expands its YAML aliases'),
    Case('alias_bomb_environment_files', 'POST', VERSIONS,
         j({'template': _URL_ROOT, 'version': NEXT,
            'files': {'file:///src/env.yaml': tiny_bomb(
                'parameter_defaults:\n', '  ')},
            'environment_files': ['file:///src/env.yaml']}),
         message='file:///src/env.yaml expands its YAML aliases'),
    Case('alias_bomb_plain_file', 'POST', VERSIONS,
         j(publish(files={'notes.yaml': tiny_bomb()})),
         message='notes.yaml expands its YAML aliases'),
    Case('alias_recursive_list', 'POST', VERSIONS,
         publish_template(HOT + 'description: &a [x, *a]\n'),
         message='recursive'),
    Case('alias_recursive_map', 'POST', VERSIONS,
         publish_template(HOT + 'parameters: &a {p: *a}\n'),
         message='recursive'),
    Case('alias_recursive_merge', 'POST', VERSIONS,
         publish_template(HOT + 'parameters: &a {<<: *a}\n')),
    Case('alias_undefined', 'POST', VERSIONS,
         publish_template(HOT + 'description: *nowhere\n')),
    Case('template_invalid_resource_type', 'POST', VERSIONS,
         publish_template(HOT + 'resources:\n  r: {type: OS::No::Such}\n')),
    Case('template_missing_get_file', 'POST', VERSIONS,
         publish_template(HOT + 'outputs:\n  o: {value: {get_file: '
                          'missing.txt}}\n'), message='missing.txt'),
    Case('template_missing_nested', 'POST', VERSIONS,
         publish_template(HOT + 'resources:\n  r: {type: nested.yaml}\n'),
         message='nested.yaml'),
    Case('template_get_file_url', 'POST', VERSIONS,
         publish_template(HOT + 'outputs:\n  o: {value: {get_file: '
                          'http://example.com/x}}\n'), message='URL'),
    Case('template_child_invalid', 'POST', VERSIONS,
         child_bundle(HOT + 'resources:\n  r: {type: OS::No::Such}\n'),
         message='child.yaml'),

    # -- environments ------------------------------------------------
    Case('environment_a_list', 'POST', VERSIONS, publish(environment=[1])),
    Case('environment_a_number', 'POST', VERSIONS, publish(environment=3)),
    Case('environment_yaml_list', 'POST', VERSIONS,
         publish(environment='- a\n- b\n')),
    Case('environment_malformed_yaml', 'POST', VERSIONS,
         publish(environment='parameters: [\n')),
    Case('environment_unknown_section', 'POST', VERSIONS,
         publish(environment={'colour': {}})),
    Case('environment_registry_absolute', 'POST', VERSIONS,
         publish(environment={'resource_registry': {
             'My::T': '/etc/heat/t.yaml'}})),
    Case('environment_registry_url', 'POST', VERSIONS,
         publish(environment={'resource_registry': {
             'My::T': 'https://example.com/t.yaml'}})),

    # -- files ------------------------------------------------
    # An absolute key is a name inside the bundle ('/etc/passwd' is stored
    # as 'etc/passwd', never opened); two names for one key are refused.
    Case('files_absolute_path_beside_its_relative_name', 'POST', VERSIONS,
         publish(files={'/etc/passwd': 'x', 'etc/passwd': 'y'}),
         message='two files'),
    # '../x.yaml' is a name in the bundle (keys may climb); these name
    # no file at all.
    Case('files_dot_dot', 'POST', VERSIONS,
         publish(files={'..': 'x'}), message='names no file'),
    Case('files_dot_dot_inside', 'POST', VERSIONS,
         publish(files={'a/../..': 'x'}), message='names no file'),
    Case('files_url', 'POST', VERSIONS,
         publish(files={'http://example.com/x.yaml': 'x'}), message='URL'),
    # A body of file:/// keys is taken as Heat's clients send it; mixed
    # with relative paths, or with another scheme, it is not.
    Case('files_file_url_mixed', 'POST', VERSIONS,
         publish(files={'file:///etc/passwd': 'x', 'a.yaml': 'x'}),
         message='mixes'),
    Case('files_ftp_url', 'POST', VERSIONS,
         publish(files={'ftp://example.com/x.yaml': 'x'}), message='URL'),
    Case('files_backslash', 'POST', VERSIONS,
         publish(files={'a\\b.yaml': 'x'}), message='backslash'),
    Case('files_control_character', 'POST', VERSIONS,
         publish(files={'a\x01b.yaml': 'x'}), message='control'),
    Case('files_nul', 'POST', VERSIONS, publish(files={'a\x00.yaml': 'x'})),
    Case('files_empty_path', 'POST', VERSIONS, publish(files={'': 'x'})),
    Case('files_long_path', 'POST', VERSIONS,
         publish(files={'a' * 300: 'x'}), message='longer than'),
    Case('files_twice', 'POST', VERSIONS,
         publish(files={'a.yaml': 'x', './a.yaml': 'y'}), message='twice'),
    Case('files_value_number', 'POST', VERSIONS, publish(files={'a': 1})),
    Case('files_value_null', 'POST', VERSIONS, publish(files={'a': None})),
    Case('files_value_object', 'POST', VERSIONS,
         publish(files={'a': {'b': 'c'}})),
    Case('files_a_list', 'POST', VERSIONS, publish(files=['a.yaml'])),
    Case('files_a_string', 'POST', VERSIONS, publish(files='a.yaml')),
    Case('files_huge_count', 'POST', VERSIONS, _many_files,
         error_type='RequestLimitExceeded'),
    Case('files_oversize_bundle', 'POST', VERSIONS, _oversize_bundle),

    # -- names ------------------------------------------------
    Case('name_empty', 'POST', TEMPLATES, create(name='')),
    Case('name_too_long', 'POST', TEMPLATES, create(name='a' * 256)),
    Case('name_uuid', 'POST', TEMPLATES,
         create(name='a2345678-1234-1234-1234-123456789012'),
         message='taken for a stored template id'),
    Case('name_uuid_hex', 'POST', TEMPLATES,
         create(name='abcdef0123456789abcdef0123456789'),
         message='taken for a stored template id'),
    Case('name_uuid_upper', 'POST', TEMPLATES,
         create(name='ABCDEF01-2345-6789-ABCD-EF0123456789'),
         message='taken for a stored template id'),
    Case('name_uuid_hyphens_elsewhere', 'POST', TEMPLATES,
         create(name='ab-cdef0123456789abcdef0123456789'),
         message='taken for a stored template id'),
    Case('name_uuid_hyphens_everywhere', 'POST', TEMPLATES,
         create(name='a-b-c-d-e-f-0-1-2-3-4-5-6-7-8-9-a-b-c-d-e-f-0-1-2-3-'
                     '4-5-6-7-8-9'),
         message='taken for a stored template id'),
    Case('name_unicode_letters', 'POST', TEMPLATES, create(name='caf\xe9')),
    Case('name_fullwidth', 'POST', TEMPLATES,
         create(name='\uff41\uff42\uff43')),
    Case('name_control_character', 'POST', TEMPLATES,
         create(name='a\x01b')),
    Case('name_trailing_newline', 'POST', TEMPLATES, create(name='web\n'),
         message='does not match'),
    Case('member_trailing_newline', 'POST', MEMBERS,
         {'project_id': 'p3\n'}, message='does not match'),
    Case('name_rtl_override', 'POST', TEMPLATES,
         create(name='web\u202egnp.exe')),
    Case('name_nul', 'POST', TEMPLATES, create(name='web\x00')),
    Case('name_zero_width', 'POST', TEMPLATES, create(name='we\u200bb')),
    Case('name_leading_digit', 'POST', TEMPLATES, create(name='1web')),
    Case('name_space', 'POST', TEMPLATES, create(name='web server')),
    Case('name_slash', 'POST', TEMPLATES, create(name='web/server')),
    Case('name_a_number', 'POST', TEMPLATES, create(name=42)),
    Case('name_null', 'POST', TEMPLATES, create(name=None)),
    Case('name_a_list', 'POST', TEMPLATES, create(name=['web'])),
    Case('name_missing', 'POST', TEMPLATES, {'description': 'x'}),
    Case('name_clash', 'POST', TEMPLATES, create(name='base'), status=409,
         error_type='StoredTemplateExists'),

    # -- versions (semver) ------------------------------------------------
    Case('semver_build_metadata', 'POST', VERSIONS,
         publish(version='1.1.0+build.1'), message='build metadata'),
    Case('semver_huge_major', 'POST', VERSIONS,
         publish(version='99999999999999999999.0.0')),
    Case('semver_huge_minor', 'POST', VERSIONS,
         publish(version='1.99999999999999999999.0')),
    Case('semver_leading_zero', 'POST', VERSIONS, publish(version='01.1.0')),
    Case('semver_leading_zero_prerelease', 'POST', VERSIONS,
         publish(version='1.1.0-01')),
    Case('semver_arabic_digits', 'POST', VERSIONS,
         publish(version='\u0661.\u0661.\u0660')),
    Case('semver_fullwidth_digits', 'POST', VERSIONS,
         publish(version='\uff11.\uff11.\uff10')),
    Case('semver_two_parts', 'POST', VERSIONS, publish(version='1.1')),
    # A leading 'v' is taken (versioning.drop_v); two are not.
    Case('semver_double_v_prefix', 'POST', VERSIONS,
         publish(version='vv1.1.0')),
    Case('semver_spaces', 'POST', VERSIONS, publish(version=' 1.1.0')),
    Case('semver_trailing_newline', 'POST', VERSIONS,
         publish(version='1.1.0\n')),
    Case('semver_empty_prerelease', 'POST', VERSIONS,
         publish(version='1.1.0-')),
    Case('semver_nul', 'POST', VERSIONS, publish(version='1.1.0\x00')),
    Case('semver_latest', 'POST', VERSIONS, publish(version='latest')),
    Case('semver_empty', 'POST', VERSIONS, publish(version='')),
    Case('semver_too_long', 'POST', VERSIONS,
         publish(version='1.1.0-' + 'a' * 80)),
    Case('semver_a_number', 'POST', VERSIONS, publish(version=1)),
    Case('semver_republish', 'POST', VERSIONS, publish(version='1.0.0'),
         status=409, error_type='VersionExists'),
    Case('semver_first_version_bad', 'POST', TEMPLATES,
         create(version={'template': VALID, 'version': '1.0'})),
    Case('constraint_build_metadata', 'GET', RESOLVE + '?version=%5E1.0.0'
         '%2Bbuild', message='build metadata'),
    Case('constraint_huge_number', 'GET',
         RESOLVE + '?version=%3E%3D99999999999999999999.0.0',
         message='at most 2147483647'),
    Case('constraint_arabic_digits', 'GET',
         RESOLVE + '?version=%5E%D9%A1.0.0'),
    Case('constraint_garbage', 'GET', RESOLVE + '?version=!!!'),
    Case('constraint_too_long', 'GET', RESOLVE + '?version=' + '1' * 300),
    Case('constraint_broken_hyphen', 'GET', RESOLVE + '?version=1.0.0%20-'),
    Case('constraint_nul', 'GET', RESOLVE + '?version=1.0.0%00',
         message='NUL'),
    Case('constraint_invalid_utf8', 'GET', RESOLVE + '?version=%FF',
         message='UTF-8'),
    Case('constraint_huge_in_version_list', 'GET',
         VERSIONS + '?constraint=%3C99999999999999999999.0.0',
         message='at most 2147483647'),
    Case('constraint_in_version_list', 'GET',
         VERSIONS + '?constraint=%5E1.0.0%2Bb'),
    Case('constraint_none_matches', 'GET', RESOLVE + '?version=%5E7.0.0',
         status=404, error_type='NoMatchingVersion'),

    # -- unknown fields ------------------------------------------------
    Case('unknown_field_create', 'POST', TEMPLATES, create(colour='red'),
         message='not allowed'),
    Case('unknown_field_publish', 'POST', VERSIONS, publish(colour='red'),
         message='not allowed'),
    Case('unknown_field_first_version', 'POST', TEMPLATES,
         create(version={'template': VALID, 'colour': 'red'})),
    Case('unknown_field_source', 'POST', VERSIONS,
         publish(source={'url': 'https://x', 'branch': 'main'})),
    Case('unknown_field_member', 'POST', MEMBERS,
         {'project_id': 'p2', 'role': 'admin'}),
    Case('rename_template', 'PATCH', BASE, {'name': 'renamed'}),
    Case('change_version_number', 'PATCH', VERSION, {'version': '2.0.0'}),
    Case('change_version_template', 'PATCH', VERSION, {'template': VALID}),
    Case('patch_template_empty', 'PATCH', BASE, {}),
    Case('patch_version_empty', 'PATCH', VERSION, {}),

    # -- wrong types ------------------------------------------------
    Case('type_description_number', 'POST', TEMPLATES,
         create(description=5)),
    Case('type_description_list', 'POST', TEMPLATES,
         create(description=['x'])),
    Case('type_tags_number', 'POST', TEMPLATES, create(tags=5)),
    Case('type_tags_numbers', 'POST', TEMPLATES, create(tags=[1, 2])),
    Case('type_tags_object', 'POST', TEMPLATES, create(tags={'a': 'b'})),
    Case('type_visibility_unknown', 'POST', TEMPLATES,
         create(visibility='secret')),
    Case('type_visibility_number', 'POST', TEMPLATES,
         create(visibility=1)),
    Case('type_version_a_string', 'POST', TEMPLATES,
         create(version='1.0.0')),
    Case('type_template_number', 'POST', VERSIONS, publish(template=12)),
    Case('type_template_list', 'POST', VERSIONS, publish(template=[VALID])),
    Case('type_template_null', 'POST', VERSIONS, publish(template=None)),
    Case('type_template_missing', 'POST', VERSIONS, {'version': NEXT}),
    Case('type_strict_string', 'POST', VERSIONS, publish(strict='yes')),
    Case('type_force_number', 'POST', VERSIONS, publish(force=1)),
    Case('type_source_string', 'POST', VERSIONS,
         publish(source='https://x')),
    Case('type_source_url_number', 'POST', VERSIONS,
         publish(source={'url': 5})),
    Case('type_source_url_too_long', 'POST', VERSIONS,
         publish(source={'url': 'https://x/' + 'a' * 1100})),
    Case('source_url_javascript', 'POST', VERSIONS,
         publish(source={'url': 'javascript:alert(1)'}),
         message='https, http, git, ssh or file URL'),
    Case('source_url_data', 'POST', VERSIONS,
         publish(source={'url': 'data:text/html,<b>x</b>'})),
    Case('source_url_no_scheme', 'POST', VERSIONS,
         publish(source={'url': '//example.com/repo.git'})),
    Case('source_url_newline', 'POST', VERSIONS,
         publish(source={'url': 'https://example.com/\njavascript:x'})),
    Case('type_publish_description_object', 'POST', VERSIONS,
         publish(description={})),
    Case('type_status_unknown', 'PATCH', VERSION, {'status': 'retired'}),
    Case('type_status_null', 'PATCH', VERSION, {'status': None}),
    Case('type_patch_visibility_list', 'PATCH', BASE,
         {'visibility': ['shared']}),
    Case('type_member_empty', 'POST', MEMBERS, {'project_id': ''}),
    Case('type_member_slash', 'POST', MEMBERS, {'project_id': 'a/b'}),
    Case('type_member_space', 'POST', MEMBERS, {'project_id': 'a b'}),
    Case('type_member_number', 'POST', MEMBERS, {'project_id': 7}),
    Case('type_member_too_long', 'POST', MEMBERS, {'project_id': 'p' * 65}),
    # A member's answer (the route's own checks come first: the body).
    Case('type_member_status_unknown', 'PUT', MEMBERS + '/p2',
         {'status': 'maybe'}),
    Case('type_member_status_null', 'PUT', MEMBERS + '/p2',
         {'status': None}),
    Case('type_member_status_list', 'PUT', MEMBERS + '/p2',
         {'status': ['accepted']}),
    Case('unknown_field_member_status', 'PUT', MEMBERS + '/p2',
         {'status': 'accepted', 'project_id': 'p3'}),
    Case('member_status_filter_unknown', 'GET',
         TEMPLATES + '?member_status=maybe'),
    Case('member_status_filter_twice', 'GET',
         TEMPLATES + '?member_status=pending&member_status=all'),
    Case('member_status_filter_empty', 'GET', TEMPLATES + '?member_status='),

    # -- tags ------------------------------------------------
    Case('tags_too_long', 'POST', TEMPLATES, create(tags=['t' * 81])),
    Case('tags_too_long_in_comma_string', 'POST', TEMPLATES,
         create(tags='a,' + 't' * 81)),
    Case('tags_with_comma', 'POST', TEMPLATES, create(tags=['a,b'])),
    Case('tags_empty', 'POST', TEMPLATES, create(tags=[''])),
    Case('tags_too_many', 'POST', TEMPLATES,
         create(tags=['t%d' % i for i in range(101)])),
    Case('tags_too_many_in_comma_string', 'POST', TEMPLATES,
         create(tags=','.join('t%d' % i for i in range(101)))),
    Case('tags_string_too_long', 'POST', TEMPLATES,
         create(tags='t' * 8101)),
    Case('tags_too_long_patch', 'PATCH', BASE, {'tags': 'x' * 81},
         message='too long'),

    # -- unicode in descriptions and tags -------------------------------
    Case('unicode_description_nul', 'POST', TEMPLATES,
         create(description='a\x00b'), message='description contains a NUL'),
    Case('unicode_tag_nul', 'POST', TEMPLATES, create(tags=['a\x00']),
         message='tags.0 contains a NUL'),
    Case('unicode_file_nul', 'POST', VERSIONS,
         publish(files={'a.txt': 'x\x00'}), message='NUL'),
    Case('unicode_description_too_long', 'POST', TEMPLATES,
         create(description='\U0001F600' * 65536)),
    Case('unicode_publish_description_nul', 'POST', VERSIONS,
         publish(description='\x00')),
    Case('unicode_patch_description_surrogate', 'PATCH', VERSION,
         b'{"description": "\\ud800x"}'),

    # -- list paging and filters ------------------------------------------
    Case('limit_negative', 'GET', TEMPLATES + '?limit=-1'),
    Case('limit_not_a_number', 'GET', TEMPLATES + '?limit=ten'),
    Case('limit_float', 'GET', TEMPLATES + '?limit=1.5'),
    Case('limit_empty', 'GET', TEMPLATES + '?limit='),
    Case('limit_hex', 'GET', TEMPLATES + '?limit=0x10'),
    Case('limit_plus_sign', 'GET', TEMPLATES + '?limit=%2B5'),
    Case('limit_underscore', 'GET', TEMPLATES + '?limit=1_0'),
    Case('limit_unicode_digits', 'GET', TEMPLATES + '?limit=%D9%A5'),
    Case('limit_invalid_utf8', 'GET', TEMPLATES + '?limit=%FF',
         message='UTF-8'),
    Case('marker_unknown', 'GET', TEMPLATES + '?marker=' + str(uuid.UUID(
        int=1)), message='marker'),
    Case('marker_garbage', 'GET', TEMPLATES + '?marker=%27%3B--'),
    Case('marker_invalid_utf8', 'GET', TEMPLATES + '?marker=%C3%28'),
    Case('sort_dir_unknown', 'GET', TEMPLATES + '?sort_dir=up'),
    Case('sort_key_unknown', 'GET', TEMPLATES + '?sort_keys=id'),
    Case('list_unknown_param', 'GET', TEMPLATES + '?colour=red',
         message='colour'),
    Case('list_global_tenant_not_bool', 'GET',
         TEMPLATES + '?global_tenant=maybe'),
    Case('list_global_tenant_member', 'GET',
         TEMPLATES + '?global_tenant=true', status=403),
    Case('list_name_invalid_utf8', 'GET', TEMPLATES + '?name=%FF'),
    Case('list_name_nul', 'GET', TEMPLATES + '?name=base%00',
         message='NUL'),
    Case('list_tag_nul', 'GET', TEMPLATES + '?tags=seed%00',
         message='NUL'),
    Case('list_tags_a_thousand', 'GET', TEMPLATES + '?tags=' + ','.join(
        't%d' % i for i in range(1000)), message='at most 50 values'),
    Case('list_names_past_the_limit', 'GET', TEMPLATES + '?name=' +
         '&name='.join('n%d' % i for i in range(51)),
         message='name takes at most 50'),
    Case('list_visibility_a_thousand', 'GET',
         TEMPLATES + '?visibility=' + ','.join(['private'] * 1000),
         message='visibility takes at most 50'),
    Case('versions_status_unknown', 'GET', VERSIONS + '?status=gone'),
    Case('versions_unknown_param', 'GET', VERSIONS + '?colour=red'),
    Case('resolve_unknown_param', 'GET', RESOLVE + '?constraint=1.0.0'),

    # -- paths ------------------------------------------------
    Case('path_template_invalid_utf8', 'GET', '/stored_templates/%FF',
         fault='webob'),
    Case('path_template_nul', 'GET', '/stored_templates/a%00b',
         message='NUL'),
    Case('path_version_nul', 'DELETE', VERSIONS + '/1.0.0%00',
         message='NUL'),
    Case('path_member_nul', 'DELETE', MEMBERS + '/p2%00', message='NUL'),
    Case('path_version_invalid_utf8', 'GET', VERSIONS + '/%C3%28',
         fault='webob'),
    Case('path_version_unknown', 'GET', VERSIONS + '/9.9.9', status=404,
         error_type='VersionNotFound'),
    Case('path_template_unknown_uuid', 'DELETE',
         '/stored_templates/' + str(uuid.UUID(int=2)), status=404),
    Case('path_member_unknown', 'DELETE', MEMBERS + '/nobody', status=404),
    Case('method_put', 'PUT', BASE, {'description': 'x'}, status=405,
         error_type='HTTPMethodNotAllowed'),
    Case('method_override_get_deletes', 'GET', BASE + '?_method=DELETE',
         message='method override'),
    Case('method_override_get_deletes_version', 'GET',
         VERSION + '?_method=DELETE', message='method override'),
    Case('method_override_form_deletes', 'POST', BASE,
         b'_method=DELETE', content_type='application/x-www-form-urlencoded',
         message='method override'),
    Case('method_override_removes_member', 'GET',
         MEMBERS + '/p2?_method=DELETE', status=(400, 405)),
]

# Odd but valid: (name, method, path, body, content type, status, check)
# where check reads the answer; a GET writes nothing, a POST one template.
TOLERATED = [
    ('files_absolute_path_is_a_name_in_the_bundle', 'POST', VERSIONS,
     j(publish(files={'/etc/passwd': 'x'})), JSON, 201,
     lambda body: body['stored_template_version']['version'] == NEXT),
    ('limit_huge_is_capped', 'GET', TEMPLATES + '?limit=' + '9' * 30, None,
     JSON, 200, lambda body: len(body['stored_templates']) >= 1),
    ('limit_absurd_digits_is_capped', 'GET',
     TEMPLATES + '?limit=' + '9' * 5000, None, JSON, 200,
     lambda body: len(body['stored_templates']) >= 1),
    ('constraint_surrounding_whitespace_is_stripped', 'GET',
     RESOLVE + '?version=%201.0.0%0A', None, JSON, 200,
     lambda body: body['stored_template_version']['version'] == '1.0.0'),
    # npm keeps a prerelease number past 2**53 as a string identifier.
    ('semver_huge_prerelease_number', 'POST', VERSIONS,
     j(publish(version='1.1.0-99999999999999999999')), JSON, 201,
     lambda body: body['stored_template_version']['version'] ==
     '1.1.0-99999999999999999999'),
    ('json_charset_parameter', 'POST', TEMPLATES,
     b'{"name": "charset"}', 'application/json; charset=UTF-8', 201,
     lambda body: body['stored_template']['name'] == 'charset'),
]

_UNICODE = ('\u202eRTL override, zero\u200bwidth, combining e\u0301, '
            'emoji \U0001F600, CJK \u6f22\u5b57, Arabic \u0639\u0631\u0628'
            '\u064a, BOM \ufeff, noncharacter \ufdd0, private \ue000')


def _fault_ok(test, res, case_name):
    test.assertIn('application/json', res.headers.get('Content-Type', ''),
                  case_name)
    fault = json.loads(res.body)
    test.assertEqual(res.status_int, fault['code'], case_name)
    for key in ('title', 'explanation'):
        test.assertIsInstance(fault[key], str, case_name)
    test.assertIsInstance(fault['error']['type'], str, case_name)
    test.assertTrue(fault['error']['type'], case_name)
    test.assertIsInstance(fault['error']['message'], str, case_name)
    test.assertIn('traceback', fault['error'], case_name)
    return fault


class HostileInputTest(fixtures.ProjectTestCase):
    """Each case of CASES is one test, against a project of its own."""

    USER = 'hostile'

    def setUp(self):
        super().setUp()
        status, body = self.call('POST', TEMPLATES, {
            'name': 'base', 'tags': ['seed'],
            'version': {'template': VALID, 'version': '1.0.0'}})
        self.assertEqual(201, status, body)
        status, body = self.call('POST', MEMBERS, {'project_id': 'p2'})
        self.assertEqual(201, status, body)

    def snapshot(self):
        """What the API shows of the project, every field of it.

        Its templates, each with its versions (shown alone) and members.
        """
        status, body = self.call('GET', TEMPLATES + '?limit=1000')
        self.assertEqual(200, status, body)
        state = {}
        for template in body['stored_templates']:
            path = '%s/%s' % (TEMPLATES, template['id'])
            _s, versions = self.call('GET', path + '/versions')
            _s, members = self.call('GET', path + '/members')
            shown = []
            for version in versions['stored_template_versions']:
                _s, one = self.call('GET', '%s/versions/%s' % (
                    path, version['version']))
                shown.append(one)
            state[template['id']] = (template, shown, members)
        return state

    def check_case(self, case):
        before = self.snapshot()
        res = self.request(case.method, case.path, case.body,
                           case.content_type, case.headers)
        low, high = case.status
        self.assertTrue(low <= res.status_int <= high,
                        '%s: %s %s' % (case.name, res.status,
                                       res.body[:2000]))
        self.assertLess(res.status_int, 500)
        if case.fault == 'xml':
            self.assertIn('application/xml', res.headers['Content-Type'])
            self.assertIn(b'<code>%d</code>' % res.status_int, res.body)
            fault = None
        elif case.fault == 'webob':
            self.assertEqual('%s %s' % (res.status_int, res.status[4:]),
                             json.loads(res.body)['code'])
            fault = None
        else:
            fault = _fault_ok(self, res, case.name)
        if case.error_type:
            self.assertEqual(case.error_type, fault['error']['type'])
        if case.message:
            self.assertRegex(fault['error']['message'], case.message)
        if fault is not None and case.status[0] == 400:
            # The store's refusals say what is wrong.
            self.assertTrue(fault['error']['message'], case.name)
        self.assertEqual(before, self.snapshot(),
                         '%s wrote something' % case.name)

    def test_corpus_is_large_and_unique(self):
        names = [case.name for case in CASES]
        self.assertEqual(len(names), len(set(names)))
        self.assertGreaterEqual(len(CASES), 80)

    def test_unicode_in_descriptions_and_tags_round_trips(self):
        tags = ['\u202etag', 'emoji\U0001F600', 'e\u0301', '\u6f22\u5b57']
        status, body = self.call('POST', TEMPLATES, create(
            name='uni', description=_UNICODE, tags=tags))
        self.assertEqual(201, status, body)
        self.assertEqual(_UNICODE, body['stored_template']['description'])
        self.assertEqual(sorted(tags), body['stored_template']['tags'])
        status, body = self.call('POST', '/stored_templates/uni/versions',
                                 {'template': VALID,
                                  'description': _UNICODE})
        self.assertEqual(201, status, body)
        _s, shown = self.call('GET', '/stored_templates/uni/versions/1.0.0')
        self.assertEqual(_UNICODE, shown['stored_template_version']
                         ['description'])
        status, body = self.call(
            'GET', TEMPLATES + '?tags=' + parse.quote('emoji\U0001F600'))
        self.assertEqual(['uni'],
                         [t['name'] for t in body['stored_templates']])


def _make_test(case):
    def test(self):
        self.check_case(case)
    test.__doc__ = '%s %s: %s' % (case.method, case.path[:60], case.name)
    return test


def _make_tolerated(name, method, path, body, content_type, status,
                    check):
    def test(self):
        before = self.snapshot()
        res = self.request(method, path, body, content_type)
        self.assertEqual(status, res.status_int, res.body[:2000])
        self.assertTrue(check(json.loads(res.body)), res.body[:2000])
        after = self.snapshot()
        if method == 'GET':
            self.assertEqual(before, after)
        else:
            self.assertNotEqual(before, after)
    return test


for _case in CASES:
    assert re.fullmatch(r'[a-z0-9_]+', _case.name), _case.name
    setattr(HostileInputTest, 'test_hostile_%s' % _case.name,
            _make_test(_case))
for _tolerated in TOLERATED:
    setattr(HostileInputTest, 'test_tolerated_%s' % _tolerated[0],
            _make_tolerated(*_tolerated))
