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

"""Stored templates in heat-dashboard's Project > Orchestration > Stacks.

Launch Stack gains a fourth Template Source, "Stored Template": the
user picks a template the project may see and a version or constraint,
and the next step is heat-dashboard's own parameter form for a stack
whose one resource is an ``OS::Heat::StoredTemplate``. The Stacks panel's
URLs are heat-dashboard's, with its template step replaced
(:mod:`heat_store.dashboard.customization` points the panel at
:mod:`.urls`); none of heat-dashboard's files change.
"""
