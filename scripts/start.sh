#!/usr/bin/env bash
# Runs the bot (or, with an argument, another npm script such as `console` or `engine`).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
if [ $# -eq 0 ]; then exec npm start; fi
script=$1
shift
exec npm run "$script" -- "$@"
