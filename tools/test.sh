#!/usr/bin/env bash
# Set up the virtualenvs and run the whole test suite: on the current
# openstack-heat release (.venv), then on the previous one
# (.venv-heat-previous), since the resource type leans on StackResource
# internals. Two lists name the tests that run on the current release
# only: tests/functional/servers.txt (they start servers of their own)
# and tests/functional/release_independent.txt (in process, but what they
# judge is the store's own code). Every test runs at least once. Ends
# with one line "N passed, N failed, N skipped" over both.
#
#   tools/test.sh              # both Heat releases
#   tools/test.sh --current    # the current release only (quicker)
#   tools/test.sh --current tests.unit   # a subset, stestr's filters
#
# HEAT_STORE_REQUIRE_SERVICES=1 (set by .ci/run) makes the tests that need
# PostgreSQL, MariaDB or RabbitMQ fail instead of skipping when a service
# is missing. TEST_CONCURRENCY sets stestr's workers (default below).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
PREVIOUS_HEAT=${PREVIOUS_HEAT:-'openstack-heat>=26.0.0,<27.0.0'}
ONE_RELEASE_LISTS=(tests/functional/servers.txt
                   tests/functional/release_independent.txt)

releases=(current previous)
if [[ ${1:-} == --current ]]; then
    releases=(current)
    shift
fi

total_passed=0 total_failed=0 total_skipped=0 worst=0
for release in "${releases[@]}"; do
    if [[ $release == current ]]; then
        venv=.venv
        tools/setup-venv.sh --test || exit 1
    else
        venv=.venv-heat-previous
        tools/setup-venv.sh --test --venv "$venv" --heat "$PREVIOUS_HEAT" || exit 1
    fi
    heat_version=$("$venv/bin/python" -c \
        'from importlib import metadata; print(metadata.version("openstack-heat"))')
    echo "== openstack-heat $heat_version ($venv)"
    log=.stestr-$release.log
    rm -rf .stestr
    "$venv/bin/stestr" init >/dev/null 2>&1
    # The slow tests' durations, so that stestr's scheduler spreads them
    # over the workers from the first run of a fresh clone on
    # (tools/durations.py).
    "$venv/bin/python" tools/durations.py stream < tests/durations.txt |
        "$venv/bin/stestr" load >/dev/null 2>&1 || true
    only=()
    if [[ $release == previous ]]; then
        one_release=$(mktemp)
        trap 'rm -f "$one_release"' EXIT
        cat "${ONE_RELEASE_LISTS[@]}" > "$one_release"
        only=(--exclude-list "$one_release")
        # A subset made only of tests of those lists: nothing to run
        # here. (If listing fails, the run below reports why.)
        if (($#)) && listed=$("$venv/bin/stestr" list "${only[@]}" "$@" 2>/dev/null) &&
                [[ -z $listed ]]; then
            echo "openstack-heat $heat_version: no test selected (those run on the current release only)"
            continue
        fi
    fi
    PATH="$top/$venv/bin:$PATH" "$venv/bin/stestr" run \
        --concurrency "${TEST_CONCURRENCY:-2}" "${only[@]}" "$@" > "$log" 2>&1
    status=$?
    ((status > worst)) && worst=$status
    "$venv/bin/stestr" failing --list 2>/dev/null | sed 's/^/FAILED: /' | head -50
    counts=$("$venv/bin/stestr" last 2>/dev/null |
             sed -n 's/^ - \(Passed\|Failed\|Skipped\): \([0-9]*\)$/\1 \2/p')
    passed=$(awk '$1=="Passed"{print $2}' <<<"$counts")
    failed=$(awk '$1=="Failed"{print $2}' <<<"$counts")
    skipped=$(awk '$1=="Skipped"{print $2}' <<<"$counts")
    grep -E '^Ran: ' "$log"
    echo "openstack-heat $heat_version: ${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
    if [[ ${passed:-0} -eq 0 ]]; then
        echo "No test ran on openstack-heat $heat_version; see $log" >&2
        tail -n 30 "$log" >&2
        worst=1
    fi
    total_passed=$((total_passed + ${passed:-0}))
    total_failed=$((total_failed + ${failed:-0}))
    total_skipped=$((total_skipped + ${skipped:-0}))
done
echo "${total_passed} passed, ${total_failed} failed, ${total_skipped} skipped"
exit $worst
