"""Reads Liouville's outputs with numpy alone and checks them.

The checkpoint is parsed by the safetensors layout (an 8-byte little-endian
header size, a JSON header, then row-major tensors tiling the data); the same
samples written as .npy and .csv must agree.
usage: read_outputs.py CHECKPOINT DATA.csv SAMPLES.npy SAMPLES.csv
"""
import json
import struct
import sys

import numpy as np


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (header_size,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + header_size])
    data = blob[8 + header_size:]
    metadata = header.pop("__metadata__")
    tensors, covered = {}, 0
    for name, entry in sorted(header.items(), key=lambda item: item[1]["data_offsets"][0]):
        begin, end = entry["data_offsets"]
        assert entry["dtype"] == "F64", name
        assert begin == covered, f"{name} starts at {begin}, expected {covered}"
        tensors[name] = np.frombuffer(data[begin:end], dtype="<f8").reshape(entry["shape"])
        covered = end
    assert covered == len(data), f"tensors cover {covered} of {len(data)} bytes"
    return metadata, tensors


def main(checkpoint, data_csv, samples_npy, samples_csv):
    metadata, tensors = read_safetensors(checkpoint)
    assert metadata["format"] == "liouville-checkpoint/2", metadata["format"]
    assert "config" in metadata and "iteration" in metadata
    parameters = [t for name, t in tensors.items() if name.startswith("model.")]
    assert parameters and all(np.isfinite(t).all() for t in parameters)
    # The standardization is fitted on the training data: its mean and (population) standard deviation.
    data = np.loadtxt(data_csv, delimiter=",", skiprows=1)
    mean = tensors["fixed.standardization.mean"]
    scale = tensors["fixed.standardization.scale"]
    assert mean.shape == (2, 1) and scale.shape == (2, 1), (mean.shape, scale.shape)
    assert np.allclose(mean.ravel(), data.mean(axis=0), rtol=0, atol=1e-12), mean
    assert np.allclose(scale.ravel(), data.std(axis=0), rtol=1e-12, atol=0), scale

    from_npy = np.load(samples_npy)
    from_csv = np.loadtxt(samples_csv, delimiter=",", skiprows=1)
    assert from_npy.shape == (500, 2), from_npy.shape
    assert np.array_equal(from_npy, from_csv), np.abs(from_npy - from_csv).max()
    print(f"numpy read {len(tensors)} tensors and 500 samples")


if __name__ == "__main__":
    main(*sys.argv[1:])
