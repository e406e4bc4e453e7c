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

# Launch Stack (Project > Orchestration > Stacks) with "Stored Template"
# as a Template Source. Copy this file into openstack_dashboard/local/
# enabled/ beside the panel's. It sets Horizon's customization_module; a
# deployment that has one of its own leaves this file out and imports
# heat_store.dashboard.customization from its module instead.

FEATURE = 'heat_store_launch_from_store'

UPDATE_HORIZON_CONFIG = {
    'customization_module': 'heat_store.dashboard.customization',
}
