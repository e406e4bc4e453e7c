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
