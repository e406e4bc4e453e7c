#!/usr/bin/env bash
# Create .venv in the repository and install heat-store into it (editable),
# with the test requirements when asked (--test). Safe to run again: it
# reinstalls only when a requirements file or setup.cfg changed.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
python=${PYTHON:-python3}
want_tests=0
[[ ${1:-} == --test ]] && want_tests=1

if [[ ! -x .venv/bin/python ]]; then
    "$python" -m venv .venv
    .venv/bin/pip install -q --upgrade pip
fi
stamp=.venv/.heat-store-installed
files=(requirements.txt setup.cfg)
((want_tests)) && files+=(test-requirements.txt)
sum=$(cat "${files[@]}" | sha256sum | cut -d' ' -f1)
if [[ ! -f $stamp ]] || ! grep -qx "$sum" "$stamp"; then
    args=(-e .)
    ((want_tests)) && args+=(-r test-requirements.txt)
    echo "Installing heat-store and its requirements into .venv ..." >&2
    .venv/bin/pip install -q "${args[@]}" 2>&1 | grep -v '^WARNING: Location' >&2 || true
    .venv/bin/python -c 'import heat_store.embedded' >/dev/null
    echo "$sum" >> "$stamp"
fi
