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

# NOTE: the embedded Heat runs its engine on oslo.service's threading
# backend, which must be chosen before any module asks oslo.service for a
# backend: the first to ask fixes it for the process, and test discovery
# imports every test module (some import Heat's API code, which asks)
# before a test starts the engine. On the eventlet backend Heat's
# per-stack thread groups hold 10 threads that are never pruned, so the
# eleventh operation on one stack fails with "Maximum number of threads
# reached".
from oslo_service import backend

backend.init_backend(backend.BackendType.THREADING)

# NOTE: importing Heat (or Keystone) turns oslo.i18n's lazy translation on
# for the whole process, so whether a test ran lazy used to depend on which
# tests its worker had run before. Every test runs lazy, as the server does.
import oslo_i18n  # noqa: E402

oslo_i18n.enable_lazy()
