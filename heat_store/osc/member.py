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

"""openstack orchestration template store member list|create|delete|
set-status"""

import logging

from osc_lib.command import command
from osc_lib import utils

from heat_store.client import cli
from heat_store.osc import common

HELP = cli.HELP
COLUMNS = [cli.label(c) for c in cli.MEMBER_COLUMNS]


def _row(member):
    return utils.get_item_properties(member, COLUMNS)


def _add_arguments(parser, template_help='member_template',
                   project_help='member_project'):
    parser.add_argument('stored_template', metavar='<stored-template>',
                        help=HELP[template_help])
    parser.add_argument('project', metavar='<project>',
                        help=HELP[project_help])


class ListMember(command.Lister):
    """List the projects your stored template is offered to."""

    log = logging.getLogger(__name__ + '.ListMember')

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('stored_template', metavar='<stored-template>',
                            help=HELP['member_template'])
        return parser

    @common.store_errors
    def take_action(self, parsed_args):
        self.log.debug('take_action(%s)', parsed_args)
        members = common.store(self.app).members.list(
            parsed_args.stored_template)
        return COLUMNS, [_row(m) for m in members]


class CreateMember(command.ShowOne):
    """Offer your shared stored template to a project (pending its answer)."""

    log = logging.getLogger(__name__ + '.CreateMember')

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        _add_arguments(parser)
        return parser

    @common.store_errors
    def take_action(self, parsed_args):
        self.log.debug('take_action(%s)', parsed_args)
        member = common.store(self.app).members.create(
            parsed_args.stored_template, parsed_args.project)
        return COLUMNS, _row(member)


class DeleteMember(command.Command):
    """Stop offering your stored template to a project."""

    log = logging.getLogger(__name__ + '.DeleteMember')

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        _add_arguments(parser)
        return parser

    @common.store_errors
    def take_action(self, parsed_args):
        self.log.debug('take_action(%s)', parsed_args)
        common.store(self.app).members.delete(parsed_args.stored_template,
                                              parsed_args.project)


class SetMemberStatus(command.ShowOne):
    """Accept or reject a stored template offered to your project."""

    log = logging.getLogger(__name__ + '.SetMemberStatus')

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        _add_arguments(parser, 'offered_template', 'own_project')
        parser.add_argument('--status', metavar='<status>', required=True,
                            choices=cli.MEMBER_STATUSES,
                            help=HELP['member_status'])
        return parser

    @common.store_errors
    def take_action(self, parsed_args):
        self.log.debug('take_action(%s)', parsed_args)
        store = common.store(self.app)
        member = store.members.update(
            cli.offered_template_id(store, parsed_args.stored_template),
            parsed_args.project, parsed_args.status)
        return COLUMNS, _row(member)
