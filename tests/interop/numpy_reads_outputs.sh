#!/usr/bin/env bash
# Trains a tiny model, writes samples as NPY and CSV, and has numpy read them
# and the checkpoint (read_outputs.py asserts what it reads).
set -euo pipefail
liouville="$1"
reader="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
awk 'BEGIN { print "x0,x1"; for (i = 0; i < 200; ++i) printf "%.6f,%.6f\n", 3 + cos(i), -2 + 0.5 * sin(3 * i) }' \
  > "$work/data.csv"
cat > "$work/tiny.yaml" <<YAML
liouville: 1
seed: 3
data: {type: csv, path: "$work/data.csv"}
model:
  standardize: true
  flow:
    - {type: affine_coupling, hidden: [5]}
    - {type: planar}
train:
  batch_size: 50
  stages: [{optimizer: {type: adam}, iterations: 5}]
eval: {n: 100, samples: 10}
YAML
"$liouville" train "$work/tiny.yaml" --out "$work/run" > /dev/null
"$liouville" sample "$work/run" --n 500 --out "$work/samples.npy" > /dev/null
"$liouville" sample "$work/run" --n 500 --out "$work/samples.csv" > /dev/null
/usr/bin/python3 "$reader" "$work/run/checkpoint.safetensors" "$work/data.csv" "$work/samples.npy" \
  "$work/samples.csv"
