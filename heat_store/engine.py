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

"""Heat's engine client, every call bounded by one deadline."""

import time

import oslo_messaging

from heat.rpc import client as rpc_client


class TimedEngineClient(rpc_client.EngineClient):
    """Heat's engine client, all its calls sharing one deadline.

    The methods called are Heat's own (``preview_stack``,
    ``preview_update_stack``, ``get_template``...), with the RPC versions
    Heat gives them; only each call's RPC timeout is what is left until
    ``deadline`` (a ``time.monotonic()`` value), so that a slow answer is
    refused within the request's budget rather than after Heat's
    ``rpc_response_timeout``. A call past the deadline raises
    ``oslo_messaging.MessagingTimeout``; callers say what took too long.
    """

    def __init__(self, deadline):
        super().__init__()
        self.deadline = deadline

    def call(self, ctxt, msg, version=None, timeout=None):
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise oslo_messaging.MessagingTimeout()
        if timeout is not None:
            left = min(left, timeout)
        return super().call(ctxt, msg, version=version, timeout=left)
