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

"""Configuration options of the template store, in heat.conf's
``[template_store]`` group."""

from oslo_config import cfg

from heat.common.i18n import _

GROUP = cfg.OptGroup(
    'template_store',
    title=_('Template store options'),
    help=_('Options of the heat-store extension: quotas of the stored '
           'template catalog and publishing behaviour.'))

OPTS = [
    cfg.IntOpt('max_templates_per_project', default=1000, min=-1,
               help=_('Stored templates a project may own; -1 for no '
                      'limit.')),
    cfg.IntOpt('max_versions_per_template', default=500, min=-1,
               help=_('Versions one stored template may hold; -1 for no '
                      'limit.')),
    cfg.IntOpt('max_bytes_per_project', default=512 * 1024 * 1024, min=-1,
               help=_('Bytes all versions a project owns may store: each '
                      'version\'s canonical size plus the texts it keeps '
                      'as they were published; -1 for no limit.')),
    cfg.IntOpt('max_page_size', default=1000, min=1,
               help=_('Largest page a list request may ask for with '
                      '"limit".')),
    cfg.IntOpt('default_page_size', default=100, min=1,
               help=_('Page size of a list request that gives no '
                      '"limit".')),
    cfg.IntOpt('validation_timeout', default=60, min=1,
               help=_('Seconds the engine may spend, in total, validating '
                      'a bundle at publish (the root template and each '
                      'child). A publish that would take longer is '
                      'refused with a 400 instead of waiting for the '
                      'RPC timeout. Keep it below the timeout of the '
                      'proxy in front of heat-api.')),
    cfg.IntOpt('impact_timeout', default=60, min=1,
               help=_('Seconds an impact preview request may spend on '
                      'Heat\'s update previews of the stacks that would '
                      'move to a version. A stack whose preview does not '
                      'finish in time is reported with an error; the '
                      'others are reported as usual. Keep it below the '
                      'timeout of the proxy in front of heat-api.')),
    cfg.IntOpt('impact_workers', default=4, min=1,
               help=_('Update previews one impact request runs at the '
                      'same time.')),
    cfg.IntOpt('max_concurrent_impact', default=2, min=1,
               help=_('Impact requests (GET .../impact, and a dry run '
                      'with "impact") one API process runs at the same '
                      'time. Past it, a request is answered 429 with '
                      'Retry-After at once. Each request runs up to '
                      'impact_workers previews in the engine.')),
]


def register_opts(conf=cfg.CONF):
    conf.register_group(GROUP)
    conf.register_opts(OPTS, group=GROUP)


def list_opts():
    """Entry point of ``oslo.config.opts`` for the sample generator."""
    return [(GROUP, OPTS)]


register_opts()
