#!/usr/bin/env bash
# The main job: sets everything up, then trains, evaluates and samples the
# FFJORD 1-D seed experiment (configs/ffjord_normal_1d.yaml) into runs/ffjord_normal_1d.
# `train` draws the plots (runs/ffjord_normal_1d/plots/*.png and *.svg, with their data
# and gnuplot scripts); after restyling a script, `liouville plot runs/ffjord_normal_1d`
# renders them again.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
bin=build/release/bin/liouville
run=runs/ffjord_normal_1d
$bin train configs/ffjord_normal_1d.yaml --out "$run"
$bin eval "$run"
$bin sample "$run" --n 10000
$bin density "$run" --points 400
