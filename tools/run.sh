#!/usr/bin/env bash
# Set up .venv (first run only) and start the embedded Heat with the store.
# Any arguments go to heat-store-dev (--port, --data-dir, --auth ...);
# with --keystone or --dashboard, Keystone is installed too.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
setup=()
for arg in "$@"; do
    case $arg in
        --keystone|--dashboard) setup=(--keystone) ;;
    esac
done
"$top/tools/setup-venv.sh" "${setup[@]}"
exec "$top/.venv/bin/heat-store-dev" "$@"
