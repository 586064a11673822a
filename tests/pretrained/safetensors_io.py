"""Writing safetensors files byte by byte (no safetensors package needed), in F32, F16 or BF16.

Layout: an 8-byte little-endian header length, a JSON header {name: {dtype, shape, data_offsets}}
padded with spaces to a multiple of 8 bytes, then the tensors' little-endian bytes back to back.
"""

import json
import struct

import numpy as np


def round_to(array, dtype):
    """The float32 values `array` becomes when stored as `dtype`, and the stored bytes."""
    a = np.ascontiguousarray(array, dtype=np.float32)
    if dtype == "F32":
        return a.copy(), a.tobytes()
    if dtype == "F16":
        h = a.astype(np.float16)
        return h.astype(np.float32), h.tobytes()
    if dtype == "BF16":
        bits = a.view(np.uint32).astype(np.uint64)
        # Round to nearest even on the upper 16 bits, as PyTorch converts float32 to bfloat16.
        rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)
        back = (rounded.astype(np.uint32) << 16).view(np.float32)
        return back.reshape(a.shape), rounded.tobytes()
    if dtype == "I32":
        i = a.astype(np.int32)
        return i.astype(np.float32), i.tobytes()
    raise ValueError(dtype)


def encode(tensors, metadata=None):
    """`tensors`: {name: (dtype, shape, raw bytes)} → the file's bytes."""
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    offset = 0
    blobs = []
    for name in sorted(tensors):
        dtype, shape, raw = tensors[name]
        header[name] = {"dtype": dtype, "shape": list(shape),
                        "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def write_file(path, tensors, metadata=None):
    with open(path, "wb") as f:
        f.write(encode(tensors, metadata))


def write_sharded(folder, tensors, shards=2):
    """Splits the tensors over `shards` files with a model.safetensors.index.json."""
    names = sorted(tensors)
    weight_map = {}
    total = 0
    for s in range(shards):
        file = "model-%05d-of-%05d.safetensors" % (s + 1, shards)
        part = {n: tensors[n] for n in names[s::shards]}
        write_file(folder / file, part, {"format": "pt"})
        for n in part:
            weight_map[n] = file
            total += len(part[n][2])
    index = {"metadata": {"total_size": total}, "weight_map": weight_map}
    (folder / "model.safetensors.index.json").write_text(json.dumps(index, indent=2))
