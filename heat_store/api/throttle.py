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

"""A ceiling on the impact requests one API process runs at a time.

An impact request drives Heat's update preview of every consumer stack;
in the embedded server heat-api is also the engine. Past
``[template_store] max_concurrent_impact`` requests in flight in this
process, the next one is answered 429 with ``Retry-After`` at once
(:class:`Busy`, turned into the answer by ``api.util.Resource``), rather
than queued.
"""

import contextlib
import threading

from oslo_config import cfg

from heat.common import exception as heat_exc
from heat.common.i18n import _

CONF = cfg.CONF
# Seconds a refused client is asked to wait: about one preview.
RETRY_AFTER = 5

_lock = threading.Lock()
# One semaphore per configured ceiling, so that a changed option takes
# effect for new requests.
_slots = {}


class Busy(heat_exc.HeatException):
    """Every impact slot of this process is taken.

    A HeatException, so that Heat's Resource passes it on without logging
    a traceback; ``api.util.Resource`` answers it.
    """

    msg_fmt = _('%(limit)d impact requests are already running in this '
                'API process ([template_store] max_concurrent_impact); '
                'retry after %(seconds)d seconds.')
    retry_after = RETRY_AFTER


def _semaphore(limit):
    with _lock:
        if limit not in _slots:
            _slots[limit] = threading.BoundedSemaphore(limit)
        return _slots[limit]


@contextlib.contextmanager
def impact_slot():
    """Hold one impact slot for the block, or raise Busy at once."""
    limit = CONF.template_store.max_concurrent_impact
    slots = _semaphore(limit)
    if not slots.acquire(blocking=False):
        raise Busy(limit=limit, seconds=RETRY_AFTER)
    try:
        yield
    finally:
        slots.release()
