#!/usr/bin/env bash
# Set up .venv (first run only) and start the embedded Heat with the store.
# Any arguments go to heat-store-dev (--port, --data-dir, --auth ...).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/tools/setup-venv.sh"
exec "$top/.venv/bin/heat-store-dev" "$@"
