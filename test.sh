#!/usr/bin/env bash
# Set up (first time, or when dependencies change) and run every test.
# Set CREDIARIO_TEST_DATABASE_URL=postgresql+psycopg://… to run the suite on PostgreSQL.
# Extra arguments go to pytest (e.g. ./test.sh -k customers).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh
ensure_venv "test"
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
set +e
"$VENV/bin/python" -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure here." >&2
  exit 1
fi
exit "$status"
