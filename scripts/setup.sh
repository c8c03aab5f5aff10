#!/usr/bin/env bash
# scripts/setup.sh [PRESET]: installs what Liouville needs from Debian's packages
# (when missing) and builds the CMake preset PRESET (default release) in
# build/PRESET. The sanitize preset also needs clang, its sanitizer and libFuzzer
# runtimes, and llvm-symbolizer for readable reports. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-release}

packages=(build-essential cmake ninja-build libboost-dev libboost-program-options-dev libeigen3-dev
          libyaml-cpp-dev doctest-dev nlohmann-json3-dev gnuplot-nox clang-format python3-numpy)
[ "$preset" != sanitize ] || packages+=(clang-14 libclang-rt-14-dev llvm-14)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi

cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)"
