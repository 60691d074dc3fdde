#!/usr/bin/env bash
# Builds everything and runs every test. The last line is the summary: "N passed, N failed[, N skipped]".
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

"$here/scripts/ensure-deps.sh" test || { echo "0 passed, 1 failed"; exit 1; }

echo "== build" >&2
if ! dotnet build Vigil.slnx -c Release --nologo -v quiet -clp:ErrorsOnly; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

echo "== test" >&2
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
dotnet test Vigil.slnx -c Release --no-build --nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Each test assembly prints "Failed:     0, Passed:    52, Skipped:     0, Total: ..."; add them up.
read -r passed failed skipped assemblies < <(
  grep -oE 'Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' "$log" |
    awk -F'[:,]' '{f+=$2; p+=$4; s+=$6; n++} END {print p+0, f+0, s+0, n+0}')
expected_assemblies=$(ls tests/*/*.Tests.csproj | wc -l)
if [[ $status -ne 0 && $failed -eq 0 ]] || [[ $assemblies -lt $expected_assemblies ]]; then
  # A test host crashed or an assembly reported nothing: count that as a failure, never as a pass.
  echo "test run incomplete: dotnet test exit $status, $assemblies of $expected_assemblies assemblies reported" >&2
  failed=$((failed + 1))
fi

summary="$passed passed, $failed failed"
[[ $skipped -gt 0 ]] && summary="$summary, $skipped skipped"
echo "$summary"
[[ $failed -eq 0 ]]
