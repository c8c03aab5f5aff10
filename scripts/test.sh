#!/usr/bin/env bash
# Sets everything up, checks formatting, and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/check_format.sh
ctest --preset release
