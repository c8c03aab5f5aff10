#!/usr/bin/env bash
# check_install.sh BUILD_DIR PREFIX SOURCE_DIR
set -euo pipefail
build=$1 prefix=$2 source=$3
rm -rf "$prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null
fail() { echo "install check failed: $*" >&2; exit 1; }

for f in bin/liouville lib/liouville/plugins/liouville_ffjord.so include/liouville/plugin.hpp \
         include/liouville/core/bijection.hpp include/liouville/testing/gradient_check.hpp \
         lib/cmake/Liouville/LiouvilleConfig.cmake lib/cmake/Liouville/LiouvilleAddPlugin.cmake; do
  [ -e "$prefix/$f" ] || fail "missing $f"
done

list=$(env -u LIOUVILLE_PLUGIN_PATH "$prefix/bin/liouville" plugins)
for name in ffjord mlp tsit5 exact hutchinson adam lbfgs normal standard_normal; do
  grep -q "  $name - .*\[$prefix/lib/liouville/plugins/liouville_$name.so\]" <<<"$list" ||
    fail "the installed liouville does not list '$name' from the installed plugin folder"
done
env -u LIOUVILLE_PLUGIN_PATH "$prefix/bin/liouville" validate "$source/configs/ffjord_normal_1d.yaml" >/dev/null ||
  fail "the installed liouville cannot validate the seed config"
echo "install: ok ($prefix)"
