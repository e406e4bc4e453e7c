#!/usr/bin/env bash
# Set up .venv (first run only) and start the embedded Heat with the store.
# Any arguments go to heat-store-dev (--port, --data-dir, --auth,
# --keystone, --dashboard ...). With --dashboard, Horizon and heat-dashboard
# are installed into .venv first (the "dashboard" extra).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
setup=()
for arg in "$@"; do
    [[ $arg == --dashboard ]] && setup=(--dashboard)
done
"$top/tools/setup-venv.sh" "${setup[@]}"
exec "$top/.venv/bin/heat-store-dev" "$@"
