#!/usr/bin/env bash
# Create a virtualenv (default .venv) in the repository and install
# heat-store into it (editable, with the server extra), with the test
# requirements (and those of the pep8 and docs checks) when asked. The
# keystone extra (a real Keystone for heat-store-dev --keystone) comes with
# --test or --keystone; the dashboard extra (Horizon and heat-dashboard, for
# heat-store-dev --dashboard and the Template Store panel) with --test or
# --dashboard, which implies --keystone.
# Safe to run again: it reinstalls only when a requirements file, setup.cfg
# or the asked Heat release changed, or when more is asked than was
# installed (--test installs everything the other options ask for).
#
#   tools/setup-venv.sh [--test] [--keystone] [--dashboard] [--venv DIR] [--heat 'openstack-heat==26.*']
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
python=${PYTHON:-python3}
want_tests=0
want_keystone=0
want_dashboard=0
venv=.venv
heat=
while (($#)); do
    case $1 in
        --test) want_tests=1; want_keystone=1; want_dashboard=1 ;;
        --keystone) want_keystone=1 ;;
        --dashboard) want_keystone=1; want_dashboard=1 ;;
        --venv) venv=$2; shift ;;
        --heat) heat=$2; shift ;;
        *) echo "usage: $0 [--test] [--keystone] [--dashboard] [--venv DIR] [--heat SPEC]" >&2; exit 2 ;;
    esac
    shift
done

# pip, with what it says about this machine's index configuration left
# out.
quiet_pip() {
    "$venv/bin/pip" "$@" 2>&1 |
        grep -v -e '^WARNING: Location' -e '^\s*$' >&2 || true
}

# uv pip install into the venv; its output shown only when it fails, but
# for what remains once setuptools' warning that an editable install's
# source folder may shadow the installed package (here that folder is
# the package) is left out.
uv_install() {
    local out
    out=$(PYTHONWARNINGS='ignore:Editable installation' "$venv/bin/uv" pip \
          install -q --python "$venv/bin/python" "$@" 2>&1) || {
        echo "$out" >&2
        exit 1
    }
    grep -v -e '!!' -e 'WheelFile' -e '^\s*$' <<<"$out" >&2 || true
}

if [[ ! -x $venv/bin/python ]]; then
    "$python" -m venv "$venv"
    quiet_pip install -q --upgrade pip
fi
# uv installs the requirements (pip installs uv): the same packages pip
# picks (doc/source/contributor/testing.rst), in a seventh of the time,
# which the two test virtualenvs of every CI run feel. It leaves their
# bytecode to Python, which compiles a module when it is first imported
# and keeps it: tools/run.sh, tools/test.sh and .ci/run unset
# PYTHONDONTWRITEBYTECODE (CI's machines set it). Compiling every module
# of every package here cost 35 s of CPU per virtualenv, most of it for
# modules nothing imports.
if [[ ! -x $venv/bin/uv ]]; then
    quiet_pip install -q 'uv>=0.13,<1'
fi
stamp=$venv/.heat-store-installed
# stamp_line TESTS EXTRAS: the stamp's line for an install of those
# extras (and the test requirements if TESTS is 1) from these files.
stamp_line() {
    local files=(requirements.txt setup.cfg)
    (($1)) && files+=(test-requirements.txt doc/requirements.txt)
    { cat "${files[@]}"; echo "$heat $2"; } | sha256sum | cut -d' ' -f1
}
extras=server
((want_keystone)) && extras+=,keystone
((want_dashboard)) && extras+=,dashboard
sum=$(stamp_line "$want_tests" "$extras")
if [[ ! -f $stamp ]] || ! grep -qx "$sum" "$stamp"; then
    args=(-e ".[$extras]")
    ((want_tests)) && args+=(-r test-requirements.txt -r doc/requirements.txt)
    [[ -n $heat ]] && args+=("$heat")
    echo "Installing heat-store and its requirements into $venv ..." >&2
    uv_install "${args[@]}"
    # heat-store's "heat" (heatclient's shell with the template-store-*
    # commands) and python-heatclient's share their name, and uv installs
    # in no set order. When heatclient's won, heat-store's is written from
    # its entry point: reinstalling heat-store would build it again, and
    # every build walks the files below the repository, the virtualenvs'
    # too (pbr's file list; 13 s once they are installed, against 3 s).
    if ! grep -q heat_store "$venv/bin/heat"; then
        "$venv/bin/python" - "$venv/bin/heat" <<'SCRIPT'
import importlib.metadata
import os
import sys

(entry_point,) = [
    ep for ep in importlib.metadata.distribution('heat-store').entry_points
    if ep.group == 'console_scripts' and ep.name == 'heat']
module, _, function = entry_point.value.partition(':')
path = sys.argv[1]
with open(path + '.new', 'w') as script:
    script.write('#!%s\nimport sys\nfrom %s import %s\nsys.exit(%s())\n'
                 % (sys.executable, module, function, function))
os.chmod(path + '.new', 0o755)
os.replace(path + '.new', path)
SCRIPT
    fi
    if ! grep -q heat_store "$venv/bin/heat"; then
        echo "$venv/bin/heat is not heat-store's (python-heatclient's?)" >&2
        exit 1
    fi
    # Heat's libraries warn about eventlet on import: show them only if
    # the import fails.
    if ! out=$("$venv/bin/python" -c 'import heat_store.dev.embedded' 2>&1); then
        echo "$out" >&2
        exit 1
    fi
    # What was installed serves every smaller set too: tools/run.sh after
    # tools/test.sh installs nothing again.
    for tests in 0 "$want_tests"; do
        covered=server
        stamp_line "$tests" "$covered" >> "$stamp"
        if ((want_keystone)); then
            covered+=,keystone
            stamp_line "$tests" "$covered" >> "$stamp"
        fi
        if ((want_dashboard)); then
            covered+=,dashboard
            stamp_line "$tests" "$covered" >> "$stamp"
        fi
    done
fi
