#!/usr/bin/env bash
# Set up .venv (first run only) and start the embedded Heat with the store.
# Any arguments go to heat-store-dev (--port, --data-dir, --auth,
# --keystone, --dashboard ...). With --keystone, Keystone is installed into
# .venv first (the "keystone" extra); with --dashboard, Keystone, Horizon
# and heat-dashboard (the "keystone" and "dashboard" extras).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# Python keeps what it compiles in .venv (tools/setup-venv.sh), so a
# second start does not compile Heat again.
unset PYTHONDONTWRITEBYTECODE
setup=()
for arg in "$@"; do
    case $arg in
        --keystone) [[ ${#setup[@]} -eq 0 ]] && setup=(--keystone) ;;
        --dashboard) setup=(--dashboard) ;;
    esac
done
"$top/tools/setup-venv.sh" "${setup[@]}"
exec "$top/.venv/bin/heat-store-dev" "$@"
