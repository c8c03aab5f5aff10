#!/usr/bin/env bash
# Regenerates docs/config-reference.md from the plugins of a build (default build/release):
#   scripts/update_config_reference.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
[ -x "$build/bin/liouville" ] || { echo "error: no $build/bin/liouville; build first" >&2; exit 1; }
env -u LIOUVILLE_PLUGIN_PATH "$build/bin/liouville" plugins --markdown >docs/config-reference.md
echo "wrote docs/config-reference.md"
