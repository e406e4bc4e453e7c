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

"""Horizon's ``customization_module`` for the store.

Horizon imports it once its panels are registered and before it builds
its URLs. It points heat-dashboard's Stacks panel at
:mod:`heat_store.dashboard.stacks.urls`: the same pages, with "Stored
Template" as a source in Launch Stack. A deployment with a customization
module of its own imports this one from it.
"""

import horizon
from horizon import base

STACKS_URLS = 'heat_store.dashboard.stacks.urls'


def customize():
    try:
        stacks = horizon.get_dashboard('project').get_panel('stacks')
    except base.NotRegistered:
        return  # no heat-dashboard: nothing to add to
    stacks.urls = STACKS_URLS


customize()
