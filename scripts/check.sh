#!/usr/bin/env bash
# The whole test suite, as CI runs it: lint and formatting, types, then every test (with a real
# ffmpeg and redis-server, installed here when missing and the machine allows).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
install_test_tools
npm run lint
npm run typecheck
npm test
