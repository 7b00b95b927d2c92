#!/usr/bin/env bash
# Set up (first time, or when dependencies change) and start Crediário.
#   ./run.sh           the shop's own database (first run asks for the shop's details)
#   ./run.sh --demo    a demo shop with fictitious customers, created on first use
# Any other option goes to main.py (see ./run.sh --help).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh
ensure_venv ""
case " $* " in
  *" --help "*|*" -h "*|*" seed "*|*" migrate "*|*" info "*) ;;  # no window: no Qt libraries needed
  *) ensure_qt_runtime ;;
esac
exec "$VENV/bin/python" main.py "$@"
