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

"""The development server: a complete Heat in one process, with the store.

Nothing here is imported by the product. The embedded Heat patches Heat
and oslo.messaging internals (the stack's ``time``, the fake messaging
driver, SQLite DDL) so that API and engine run in one process on SQLite:
fair for trying and testing heat-store, never for a deployment.
``tests/unit/test_dev_isolation.py`` keeps production imports out of it.
"""
