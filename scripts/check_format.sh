#!/usr/bin/env bash
# Fails when a C++ file of the project is not formatted with the repository's .clang-format.
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files '*.cpp' '*.hpp' '*.cpp.in' 2>/dev/null | grep -v '\.cpp\.in$' || true)
[ -n "$files" ] || files=$(find core registry plugins host tests bench examples fuzz -name '*.[ch]pp' 2>/dev/null)
if ! echo "$files" | xargs clang-format --dry-run -Werror 2>/tmp/liouville-format.log; then
  echo "error: these files are not formatted (run: clang-format -i FILE):" >&2
  grep -o '^[^:]*:' /tmp/liouville-format.log | sort -u >&2
  exit 1
fi
echo "formatting: ok"
