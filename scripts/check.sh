#!/usr/bin/env bash
# The whole test suite, as CI runs it: lint and formatting, types, then every test.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
npm run lint
npm run typecheck
npm test
