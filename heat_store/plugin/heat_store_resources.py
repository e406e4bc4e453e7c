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

"""Heat resource plugin module (the directory is named in ``plugin_dirs``).

Heat imports every module of a plugin directory under its own name
(``heat.engine.plugins.<module>``); this shim keeps the real classes in
``heat_store.resources``, imported once under their own name.
"""

from heat_store.resources import stored_template


def resource_mapping():
    return stored_template.resource_mapping()
