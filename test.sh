#!/usr/bin/env bash
# Builds everything and runs every test. The last line is the summary: "N passed, N failed[, N skipped]".
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

"$here/scripts/ensure-deps.sh" test || { echo "0 passed, 1 failed"; exit 1; }

# The reviewer UI's tests drive Debian's chromium; Playwright must never fetch a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

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

# The README's front door, through the real script (it builds into .build/cli on first use).
echo "== smoke: ./vigil" >&2
smoke() {
  local name="$1"; shift
  if "$@"; then
    passed=$((passed + 1)); echo "  passed: $name" >&2
  else
    failed=$((failed + 1)); echo "  FAILED: $name" >&2
  fi
}
smoke "./vigil demo builds a bank and finds the edited copies" \
  bash -c './vigil demo | grep -q "bridge-rotated.jpg .*MATCH bridge.jpg .*distance   0"'
smoke "./vigil hash gives the reference PDQ" \
  bash -c '[[ "$(./vigil hash tests/fixtures/threatexchange/pdq/data/bridge-mods/aaa-orig.jpg | cut -d" " -f1)" == f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22 ]]'

summary="$passed passed, $failed failed"
[[ $skipped -gt 0 ]] && summary="$summary, $skipped skipped"
echo "$summary"
[[ $failed -eq 0 ]]
