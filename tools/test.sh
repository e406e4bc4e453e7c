#!/usr/bin/env bash
# Set up .venv with the test requirements and run the whole test suite.
# Ends with one line "N passed, N failed, N skipped".
#
# HEAT_STORE_REQUIRE_SERVICES=1 (set by .ci/run) makes the tests that need
# PostgreSQL, MariaDB or RabbitMQ fail instead of skipping when a service
# is missing.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
tools/setup-venv.sh --test || exit 1
. .venv/bin/activate
rm -rf .stestr
stestr init >/dev/null 2>&1 || true
stestr run --concurrency "${TEST_CONCURRENCY:-2}" "$@" > .stestr-run.log 2>&1
status=$?
tail -n 40 .stestr-run.log | grep -vE '^\s*$' | tail -n 15
stestr failing --list 2>/dev/null | sed 's/^/FAILED: /' | head -50
counts=$(stestr last 2>/dev/null | sed -n 's/^ - \(Passed\|Failed\|Skipped\): \([0-9]*\)$/\1 \2/p')
passed=$(awk '$1=="Passed"{print $2}' <<<"$counts")
failed=$(awk '$1=="Failed"{print $2}' <<<"$counts")
skipped=$(awk '$1=="Skipped"{print $2}' <<<"$counts")
echo "${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
if [[ ${passed:-0} -eq 0 ]]; then
    echo "No test ran; see .stestr-run.log" >&2
    exit 1
fi
exit $status
