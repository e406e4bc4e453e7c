#!/usr/bin/env bash
# Set up the virtualenvs and run the whole test suite: on the current
# openstack-heat release (.venv) and on the previous one
# (.venv-heat-previous), since the resource type leans on StackResource
# internals. The two runs go side by side, each with its own stestr
# repository (.stestr, .stestr-previous/.stestr) and workers: the current
# run's tests wait on servers, stacks and a browser for about a quarter
# of its time, which the other run fills. Two lists name the tests that
# run on the current release only: tests/functional/servers.txt (they
# start servers of their own) and tests/functional/release_independent.txt (in
# process, but what they judge is the store's own code). Every test runs
# at least once. Ends with one line "N passed, N failed, N skipped" over
# both.
#
#   tools/test.sh              # both Heat releases
#   tools/test.sh --current    # the current release only (quicker)
#   tools/test.sh --current tests.unit   # a subset, stestr's filters
#
# HEAT_STORE_REQUIRE_SERVICES=1 (set by .ci/run) makes the tests that need
# PostgreSQL, MariaDB or RabbitMQ fail instead of skipping when a service
# is missing. TEST_CONCURRENCY sets each run's stestr workers: 3 by
# default, one more than CI's two cores, since a worker that waits on a
# server, a stack or a browser leaves its core to the others.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
# The virtualenvs' modules are compiled when first imported, and the
# compiled copy kept (tools/setup-venv.sh): not under
# PYTHONDONTWRITEBYTECODE, with which every process would compile every
# module it imports, every time.
unset PYTHONDONTWRITEBYTECODE
PREVIOUS_HEAT=${PREVIOUS_HEAT:-'openstack-heat>=26.0.0,<27.0.0'}
ONE_RELEASE_LISTS=(tests/functional/servers.txt
                   tests/functional/release_independent.txt)

releases=(current previous)
if [[ ${1:-} == --current ]]; then
    releases=(current)
    shift
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# run_release RELEASE [FILTERS...]: set up the release's virtualenv, run
# its tests, print what happened, and leave "passed failed skipped status"
# in $scratch/RELEASE.counts.
run_release() {
    local release=$1 venv repo log heat_version status only=()
    shift
    if [[ $release == current ]]; then
        venv=.venv repo=.
        tools/setup-venv.sh --test || return 1
    else
        venv=.venv-heat-previous repo=.stestr-previous
        tools/setup-venv.sh --test --venv "$venv" --heat "$PREVIOUS_HEAT" ||
            return 1
    fi
    # --repo-url names the directory that holds the repository (.stestr).
    local stestr=("$venv/bin/stestr" --repo-url "$repo")
    heat_version=$("$venv/bin/python" -c \
        'from importlib import metadata; print(metadata.version("openstack-heat"))')
    echo "== openstack-heat $heat_version ($venv)"
    log=.stestr-$release.log
    rm -rf "$repo/.stestr"
    mkdir -p "$repo"
    "${stestr[@]}" init >/dev/null 2>&1
    # The slow tests' durations, so that stestr's scheduler spreads them
    # over the workers from the first run of a fresh clone on
    # (tools/durations.py).
    "$venv/bin/python" tools/durations.py stream < tests/durations.txt |
        "${stestr[@]}" load >/dev/null 2>&1 || true
    if [[ $release == previous ]]; then
        cat "${ONE_RELEASE_LISTS[@]}" > "$scratch/one-release.txt"
        only=(--exclude-list "$scratch/one-release.txt")
        # A subset made only of tests of those lists: nothing to run
        # here. (If listing fails, the run below reports why.)
        local listed
        if (($#)) && listed=$("${stestr[@]}" list "${only[@]}" "$@" 2>/dev/null) &&
                [[ -z $listed ]]; then
            echo "openstack-heat $heat_version: no test selected (those run on the current release only)"
            echo "0 0 0 0" > "$scratch/$release.counts"
            return 0
        fi
    fi
    PATH="$top/$venv/bin:$PATH" "${stestr[@]}" run \
        --concurrency "${TEST_CONCURRENCY:-3}" "${only[@]}" "$@" > "$log" 2>&1
    status=$?
    # The repository's first run is the durations loaded above: a run
    # that recorded nothing (a test module that does not import, a
    # filter that selects nothing) would otherwise be read from it.
    local runs
    runs=$("${stestr[@]}" history list -f value 2>/dev/null | wc -l)
    if ((runs < 2)); then
        echo "openstack-heat $heat_version: no test result was recorded; counted as 1 failed. The end of $log:"
        tail -n 30 "$log" | sed '$a\'
        echo "0 1 0 $((status ? status : 1))" > "$scratch/$release.counts"
        return
    fi
    "${stestr[@]}" failing --list 2>/dev/null | sed 's/^/FAILED: /' | head -50
    local counts passed failed skipped
    counts=$("${stestr[@]}" last 2>/dev/null |
             sed -n 's/^ - \(Passed\|Failed\|Skipped\): \([0-9]*\)$/\1 \2/p')
    passed=$(awk '$1=="Passed"{print $2}' <<<"$counts")
    failed=$(awk '$1=="Failed"{print $2}' <<<"$counts")
    skipped=$(awk '$1=="Skipped"{print $2}' <<<"$counts")
    grep -E '^Ran: ' "$log"
    echo "openstack-heat $heat_version: ${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
    if [[ ${passed:-0} -eq 0 ]]; then
        echo "No test ran on openstack-heat $heat_version; see $log" >&2
        tail -n 30 "$log" >&2
        ((status)) || status=1
    fi
    echo "${passed:-0} ${failed:-0} ${skipped:-0} $status" > "$scratch/$release.counts"
}

# The previous release in the background (its output held until the
# current one's is printed), the current one in the foreground.
previous_pid=
if [[ " ${releases[*]} " == *' previous '* ]]; then
    run_release previous "$@" > "$scratch/previous.out" 2>&1 &
    previous_pid=$!
fi
run_release current "$@"
if [[ -n $previous_pid ]]; then
    wait "$previous_pid"
    cat "$scratch/previous.out"
fi

total_passed=0 total_failed=0 total_skipped=0 worst=0
for release in "${releases[@]}"; do
    if [[ ! -s $scratch/$release.counts ]]; then
        echo "The $release release's run did not finish its set-up" >&2
        worst=1
        continue
    fi
    read -r passed failed skipped status < "$scratch/$release.counts"
    ((status > worst)) && worst=$status
    total_passed=$((total_passed + passed))
    total_failed=$((total_failed + failed))
    total_skipped=$((total_skipped + skipped))
done
echo "${total_passed} passed, ${total_failed} failed, ${total_skipped} skipped"
exit $worst
