#!/usr/bin/env bash
# check_config_reference.sh LIOUVILLE COMMITTED_FILE
# Regenerates the config reference from the built plugins (ignoring
# LIOUVILLE_PLUGIN_PATH) and compares it with the committed file.
set -euo pipefail
liouville=$1 committed=$2
generated=$(mktemp "${TMPDIR:-/tmp}/config-reference.XXXXXX.md")
trap 'rm -f "$generated"' EXIT
env -u LIOUVILLE_PLUGIN_PATH "$liouville" plugins --markdown >"$generated"
grep -q '^#### `ffjord`$' "$generated" || { echo "the generated reference lacks the ffjord plugin" >&2; exit 1; }
if ! diff -u "$committed" "$generated"; then
  echo "error: $committed is out of date; regenerate it with scripts/update_config_reference.sh" >&2
  exit 1
fi
echo "config reference: up to date"
