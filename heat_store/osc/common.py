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

"""What the store's OSC commands share: client, errors, options, columns."""

import functools
import logging

from cliff import columns
from heatclient.common import http
from osc_lib import exceptions
from osc_lib import utils
import yaml

from heat_store.client import bundle
from heat_store.client import cli
from heat_store.client import client as store_client
from heat_store.client import errors
from heat_store.client.i18n import _

LOG = logging.getLogger(__name__)

VISIBILITIES = cli.VISIBILITIES
TEMPLATE_COLUMNS = cli.TEMPLATE_COLUMNS
VERSION_COLUMNS = cli.VERSION_COLUMNS
HELP = cli.HELP


def store(app):
    """The store's client over the orchestration client's connection."""
    return store_client.Client(app.client_manager.orchestration.http_client)


def store_errors(take_action):
    """Turn the errors a store command expects into one CommandError.

    Server faults become ``ERROR: <the fault's error.message>``; so do
    unreadable templates and environments. cliff prints a CommandError's
    message as it is (a YAML error keeps its context line and caret) and
    exits non-zero, with no traceback unless ``--debug``.
    """
    @functools.wraps(take_action)
    def wrapper(self, parsed_args):
        try:
            return take_action(self, parsed_args)
        except Exception as error:
            # Broad on purpose: errors.message() is the one list of the
            # errors a command expects; anything else is raised as it is.
            text = errors.message(error)
            if text is None:
                raise
            LOG.debug('%s failed', self.__class__.__name__, exc_info=True)
            raise exceptions.CommandError(text)
    return wrapper


# Options

def add_bundle_arguments(parser, required):
    parser.add_argument(
        '-t', '--template',
        metavar='<template>',
        required=required,
        help=_('Path or URL of the root template; the files it refers to '
               '(get_file, template resource types) are bundled with it, '
               'under paths relative to its directory'))
    parser.add_argument('-e', '--environment', metavar='<environment>',
                        action='append', help=HELP['environment'])
    add_publish_arguments(parser)


def add_publish_arguments(parser):
    parser.add_argument('--source-url', metavar='<url>',
                        help=HELP['source_url'])
    parser.add_argument('--source-revision', metavar='<revision>',
                        help=HELP['source_revision'])
    parser.add_argument('--strict', action='store_true',
                        help=HELP['strict'])
    parser.add_argument('--force', action='store_true', help=HELP['force'])


def add_template_argument(parser, help_key='stored_template', **kwargs):
    """The positional <stored-template>."""
    parser.add_argument('stored_template', metavar='<stored-template>',
                        help=HELP[help_key], **kwargs)


def add_tags_argument(parser, help_text):
    parser.add_argument(
        '--tags',
        metavar='<tag1,tag2...>',
        help=help_text)


def load_bundle(app, parsed_args):
    """The bundle of -t and -e, read as ``openstack stack create`` reads."""
    hc = app.client_manager.orchestration
    return bundle.load(parsed_args.template, parsed_args.environment,
                       object_request=http.authenticated_fetcher(hc))


version_fields = cli.version_fields


# Columns

class YamlColumn(columns.FormattableColumn):
    def human_readable(self):
        if not self._value:
            return ''
        return yaml.safe_dump(self._value, default_flow_style=False,
                              sort_keys=False).rstrip('\n')


class ListColumn(columns.FormattableColumn):
    def human_readable(self):
        return ', '.join(str(item) for item in self._value or [])


class NewlineListColumn(columns.FormattableColumn):
    def human_readable(self):
        return '\n'.join(str(item) for item in self._value or [])


class OptionalColumn(columns.FormattableColumn):
    """Blank in a table when unset; null for -f json and yaml."""

    def human_readable(self):
        return '' if self._value is None else str(self._value)


class DictColumn(columns.FormattableColumn):
    def human_readable(self):
        return ', '.join('%s=%s' % (key, value) for key, value in
                         sorted((self._value or {}).items()))


class DependenciesColumn(columns.FormattableColumn):
    """Each locked reference: as written, and the version it is locked to."""

    def human_readable(self):
        return '\n'.join(
            '%s %s -> %s %s' % (d.get('template'), d.get('constraint'),
                                d.get('template_name'), d.get('version'))
            for d in self._value or [])


TEMPLATE_FORMATTERS = {'tags': ListColumn}

VERSION_FORMATTERS = {
    'parameters': YamlColumn,
    'outputs': YamlColumn,
    'warnings': NewlineListColumn,
    'dependencies': DependenciesColumn,
    'source': DictColumn,
    'files': NewlineListColumn,
    'created_by': DictColumn,
}


def template_row(template):
    return utils.get_dict_properties(template.to_dict(), TEMPLATE_COLUMNS,
                                     formatters=TEMPLATE_FORMATTERS)


def version_columns_and_row(version):
    """A version's columns and properties, for a ShowOne.

    ``files`` is the list of the bundle's paths; a response without the
    bundle (resolve, set) has no ``files`` column rather than an empty one.
    """
    info = version.to_dict()
    columns = VERSION_COLUMNS
    if 'files' in info:
        info['files'] = sorted(info['files'] or {})
    else:
        columns = tuple(c for c in columns if c != 'files')
    return columns, utils.get_dict_properties(
        info, columns, formatters=VERSION_FORMATTERS)
