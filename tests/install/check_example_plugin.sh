#!/usr/bin/env bash
# check_example_plugin.sh PREFIX SOURCE_DIR CXX_COMPILER CXX_FLAGS [COMPILER_LAUNCHER]
# Builds examples/third_party_plugin against the Liouville installed in PREFIX (the
# `install` test puts it there), runs its tests (the installed conformance kit),
# then trains its YAML config with the installed `liouville`, which finds the
# plugin through LIOUVILLE_PLUGIN_PATH. Nothing of Liouville is compiled here.
set -euo pipefail
prefix=$1 source=$2 compiler=$3 flags=$4 launcher=${5:-}
example="$source/examples/third_party_plugin"
work=$(mktemp -d "${TMPDIR:-/tmp}/liouville-example.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "example plugin check failed: $*" >&2; exit 1; }
[ -x "$prefix/bin/liouville" ] || fail "no installed liouville in $prefix (run the install test first)"

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S "$example" -B "$work/build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_CXX_COMPILER="$compiler" -DCMAKE_CXX_FLAGS="$flags" ${launcher:+-DCMAKE_CXX_COMPILER_LAUNCHER="$launcher"} >"$work/configure.log" ||
  { cat "$work/configure.log"; fail "configuring the example against $prefix"; }
cmake --build "$work/build" -j2 >"$work/build.log" || { cat "$work/build.log"; fail "building the example"; }
ctest --test-dir "$work/build" --output-on-failure || fail "the example's tests"

plugin="$work/build/liouville_example_flows.so"
[ -f "$plugin" ] || fail "the example built no $plugin"
config="$example/radial_two_moons.yaml"
if env -u LIOUVILLE_PLUGIN_PATH "$prefix/bin/liouville" validate "$config" 2>"$work/validate.log"; then
  fail "the config validates without the plugin on the path"
fi
grep -q "unknown .*'example/radial'" "$work/validate.log" ||
  { cat "$work/validate.log"; fail "without the plugin, validate does not name example/radial"; }
export LIOUVILLE_PLUGIN_PATH="$work/build"
list=$("$prefix/bin/liouville" plugins)
for name in example/radial example/rademacher_k; do
  grep -q "  $name - .*\[$plugin\]" <<<"$list" || fail "the installed liouville does not list '$name' from $plugin"
done

"$prefix/bin/liouville" train "$config" --out "$work/run" >"$work/train.log" 2>&1 ||
  { cat "$work/train.log"; fail "training radial_two_moons.yaml"; }
# metrics.csv has a header row; training must lower the `loss` column.
read -r first last < <(awk -F, 'NR == 1 {for (i = 1; i <= NF; ++i) if ($i == "loss") c = i}
  NR == 2 {first = $c} NR > 1 {last = $c} END {print first, last}' "$work/run/metrics.csv")
[ -n "$first" ] && awk -v first="$first" -v last="$last" 'BEGIN {exit !(last < first - 0.05)}' ||
  fail "training did not lower the loss (first $first, last $last)"
"$prefix/bin/liouville" eval "$work/run" >"$work/eval.log" || { cat "$work/eval.log"; fail "evaluating the run"; }
echo "example plugin: ok (loss $first -> $last)"
