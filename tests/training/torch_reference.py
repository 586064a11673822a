#!/usr/bin/python3
"""Trains the reference configurations in PyTorch (float64 autograd) from the initial weights
and batches the C++ exporter wrote, and writes each run's losses to torch_losses.json next to
them. The model is written here from docs/attention-math.md ("Scores", "Normalisers",
"Positional encodings", "Training"), not translated from the C++ code.

Usage: torch_reference.py DIR   (DIR holds one folder per configuration)
Without PyTorch it writes torch_skipped.txt in each folder, so the C++ test skips visibly.

Speed mode (tests/benchmarks/bench_training.cpp): torch_reference.py --time SECONDS
[--threads N] FOLDER trains FOLDER's model in float32, cycling through its batches, and prints
{"steps_per_second": …, "threads": …} as JSON after SECONDS of steps (after a warm-up)."""

import json
import math
import os
import struct
import sys


def read_safetensors(path, torch, dtype=None):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    body = data[8 + length:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        assert entry["dtype"] == "F32", name
        begin, end = entry["data_offsets"]
        values = torch.frombuffer(bytearray(body[begin:end]), dtype=torch.float32)
        tensors[name] = values.reshape(entry["shape"]).to(dtype or torch.float64)
    return tensors


def alibi_slopes(heads):
    # Press et al. (2021): a geometric sequence from 2^(-8/n) for n a power of two; otherwise
    # the closest smaller power of two, then every other slope of the next power of two.
    def power_of_two(n):
        start = 2.0 ** (-8.0 / n)
        return [start ** (i + 1) for i in range(n)]

    if heads & (heads - 1) == 0:
        return power_of_two(heads)
    closest = 2 ** int(math.floor(math.log2(heads)))
    return power_of_two(closest) + alibi_slopes(2 * closest)[0::2][: heads - closest]


class Model:
    def __init__(self, torch, config, weights):
        self.torch = torch
        m = config["model"]
        self.m = m
        self.w = weights
        self.heads = m["heads"]
        self.dk = m["d_k"]
        self.encoder_decoder = m["type"] == "encoder-decoder"
        if m["positional"] == "alibi":
            self.slopes = torch.tensor(alibi_slopes(self.heads), dtype=torch.float64)

    def layer_norm(self, x, name):
        if not self.m["layer_norm"]:
            return x
        t = self.torch
        return t.nn.functional.layer_norm(x, (x.shape[-1],), self.w[name + ".weight"],
                                          self.w[name + ".bias"], eps=1e-5)

    def rope(self, x):
        # x: batch, heads, n, d_k; rotate pairs (2i, 2i+1) by angle p * 10000^(-2i/d_k).
        t = self.torch
        n, dk = x.shape[-2], x.shape[-1]
        i = t.arange(dk // 2, dtype=t.float64)
        theta = 10000.0 ** (-2.0 * i / dk)
        angle = t.arange(n, dtype=t.float64)[:, None] * theta[None, :]
        c, s = t.cos(angle), t.sin(angle)
        x0, x1 = x[..., 0::2], x[..., 1::2]
        out = t.stack((x0 * c - x1 * s, x0 * s + x1 * c), dim=-1)
        return out.reshape(x.shape)

    def scores(self, q, k, prefix, h):
        t = self.torch
        kind = self.m["scoring"]
        if kind == "dot":
            return q @ k.transpose(-1, -2)
        if kind == "scaled-dot":
            return q @ k.transpose(-1, -2) / math.sqrt(self.dk)
        if kind == "general":
            return q @ self.w[f"{prefix}.head{h}.wa"] @ k.transpose(-1, -2)
        if kind == "additive":
            u = q @ self.w[f"{prefix}.head{h}.w1"].T  # b, nq, d_a
            v = k @ self.w[f"{prefix}.head{h}.w2"].T  # b, nk, d_a
            return t.tanh(u[:, :, None, :] + v[:, None, :, :]) @ self.w[f"{prefix}.head{h}.v"]
        if kind == "cosine":
            qn = t.nn.functional.normalize(q, dim=-1)
            kn = t.nn.functional.normalize(k, dim=-1)
            return self.m["cosine_scale"] * qn @ kn.transpose(-1, -2)
        raise ValueError(kind)

    def normalise(self, logits, allowed):
        t = self.torch
        kind = self.m["normalizer"]
        if kind == "softmax":
            return t.softmax(logits.masked_fill(~allowed, -math.inf), dim=-1)
        if kind == "sigmoid":
            return t.sigmoid(logits) * allowed
        if kind == "relu":
            r = t.relu(logits) * allowed
            total = r.sum(-1, keepdim=True)
            return t.where(total > 0, r / total.clamp_min(1e-300), t.zeros_like(r))
        if kind == "sparsemax":
            z = logits.masked_fill(~allowed, -1e9)
            ordered, _ = t.sort(z, dim=-1, descending=True)
            ks = t.arange(1, z.shape[-1] + 1, dtype=z.dtype)
            cumulative = ordered.cumsum(-1)
            support = (1 + ks * ordered > cumulative)
            size = support.sum(-1, keepdim=True)
            tau = (cumulative.gather(-1, size - 1) - 1) / size.to(z.dtype)
            return t.relu(z - tau) * allowed
        raise ValueError(kind)

    def attention(self, xq, xkv, prefix, allowed, self_attention):
        # xq: b, nq, d; xkv: b, nk, d; allowed: b, nq, nk (bool)
        t = self.torch
        b, nq, _ = xq.shape
        nk = xkv.shape[1]
        H, dk = self.heads, self.dk

        def split(x, n):
            return x.reshape(b, n, H, dk).transpose(1, 2)  # b, H, n, d_k

        q = split(xq @ self.w[prefix + ".wq"], nq)
        k = split(xkv @ self.w[prefix + ".wk"], nk)
        v = split(xkv @ self.w[prefix + ".wv"], nk)
        if self_attention and self.m["positional"] == "rope":
            q, k = self.rope(q), self.rope(k)
        contexts = []
        for h in range(H):
            s = self.scores(q[:, h], k[:, h], prefix, h) / self.m["temperature"]
            if self_attention and self.m["positional"] == "alibi":
                i = t.arange(nq)[:, None]
                j = t.arange(nk)[None, :]
                s = s - self.slopes[h] * (i - j).abs().to(t.float64)
            a = self.normalise(s, allowed)
            self.maps.append(a)
            contexts.append(a @ v[:, h])
        c = t.cat(contexts, dim=-1)  # b, nq, H*d_k (head order)
        return c @ self.w[prefix + ".wo"]

    def feed_forward(self, x, prefix):
        t = self.torch
        pre = x @ self.w[prefix + ".ffn.w1"] + self.w[prefix + ".ffn.b1"]
        hidden = t.relu(pre) if self.m["ffn"] == "relu" else t.nn.functional.gelu(pre)
        return hidden @ self.w[prefix + ".ffn.w2"] + self.w[prefix + ".ffn.b2"]

    def embed(self, tokens):
        t = self.torch
        n = tokens.shape[1]
        x = self.w["embed.tokens"][tokens]
        if self.m["positional"] == "learned":
            x = x + self.w["embed.positions"][:n]
        elif self.m["positional"] == "sinusoidal":
            d = self.m["d_model"]
            p = t.arange(n, dtype=t.float64)[:, None]
            c = t.arange(d)
            freq = 10000.0 ** (-2.0 * (c // 2).to(t.float64) / d)
            angle = p * freq[None, :]
            x = x + t.where(c % 2 == 0, t.sin(angle), t.cos(angle))
        return x

    def window(self, n_q, n_k):
        t = self.torch
        i = t.arange(n_q)[:, None]
        j = t.arange(n_k)[None, :]
        w = self.m["window"]
        return (i - j).abs() <= w if w > 0 else t.ones(n_q, n_k, dtype=t.bool)

    def block(self, x, prefix, allowed, memory=None, cross_allowed=None):
        x = x + self.attention(self.layer_norm(x, prefix + ".ln1"), self.layer_norm(x, prefix + ".ln1"),
                               prefix + ".self", allowed, True)
        if memory is not None:
            xc = self.layer_norm(x, prefix + ".ln_cross")
            x = x + self.attention(xc, memory, prefix + ".cross", cross_allowed, False)
        if self.m["ffn"] != "none":
            x = x + self.feed_forward(self.layer_norm(x, prefix + ".ln2"), prefix)
        return x

    def loss(self, batch):
        t = self.torch
        self.maps = []
        b, n = batch["batch"], batch["decoder_length"]
        tokens = t.as_tensor(batch["decoder_tokens"]).reshape(b, n)
        targets = t.as_tensor(batch["targets"]).reshape(b * n)
        memory = cross = None
        if self.encoder_decoder:
            ne = batch["encoder_length"]
            source = t.as_tensor(batch["encoder_tokens"]).reshape(b, ne)
            lengths = t.as_tensor(batch["encoder_lengths"])
            real = t.arange(ne)[None, :] < lengths[:, None]  # b, ne
            enc_allowed = self.window(ne, ne)[None] & real[:, None, :]
            e = self.embed(source)
            for l in range(self.m["layers"]):
                e = self.block(e, f"encoder.{l}", enc_allowed)
            memory = self.layer_norm(e, "encoder.final_ln")
            cross = real[:, None, :].expand(b, n, ne)
        causal = t.tril(t.ones(n, n, dtype=t.bool)) & self.window(n, n)
        x = self.embed(tokens)
        for l in range(self.m["layers"]):
            x = self.block(x, f"decoder.{l}", causal[None].expand(b, n, n), memory, cross)
        x = self.layer_norm(x, "decoder.final_ln")
        logits = x @ self.w["output.weight"] + self.w["output.bias"]
        return t.nn.functional.cross_entropy(logits.reshape(b * n, -1), targets, ignore_index=-1)


def run(torch, folder, seconds=None):
    with open(os.path.join(folder, "config.json")) as f:
        config = json.load(f)
    with open(os.path.join(folder, "batches.json")) as f:
        batches = json.load(f)
    with open(os.path.join(folder, "decay.json")) as f:
        decay = set(json.load(f))
    for batch in batches:  # token lists to tensors once, outside any timing
        for key in ("decoder_tokens", "targets", "encoder_tokens", "encoder_lengths"):
            batch[key] = torch.tensor(batch[key], dtype=torch.long)
    dtype = torch.float32 if seconds is not None else torch.float64
    torch.set_default_dtype(dtype)
    weights = read_safetensors(os.path.join(folder, "model.safetensors"), torch, dtype)
    for w in weights.values():
        w.requires_grad_(True)
    model = Model(torch, config, weights)
    s = config["settings"]
    groups = [
        {"params": [w for n, w in weights.items() if n in decay], "weight_decay": s["weight-decay"]},
        {"params": [w for n, w in weights.items() if n not in decay], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=s["lr"], betas=(s["beta1"], s["beta2"]),
                                  eps=s["epsilon"])
    losses = []
    if seconds is not None:
        # Speed: whole steps (forward, backward, clipping, update), warm-up first.
        import time

        def one(step, batch):
            optimizer.zero_grad()
            loss = model.loss(batch)
            loss.backward()
            if s["clip"] > 0:
                torch.nn.utils.clip_grad_norm_(list(weights.values()), s["clip"])
            optimizer.step()

        for step in range(5):
            one(step, batches[step % len(batches)])
        done = 0
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            one(done, batches[done % len(batches)])
            done += 1
        elapsed = time.perf_counter() - start
        return {"steps_per_second": done / elapsed, "threads": torch.get_num_threads(),
                "steps": done}
    for step, batch in enumerate(batches, start=1):
        lr = s["lr"] * (step / s["warmup"] if s["warmup"] > 0 and step < s["warmup"] else 1.0)
        for group in optimizer.param_groups:
            group["lr"] = lr
        optimizer.zero_grad()
        loss = model.loss(batch)
        loss.backward()
        if s["clip"] > 0:
            torch.nn.utils.clip_grad_norm_(list(weights.values()), s["clip"])
        optimizer.step()
        losses.append(loss.item())
    with open(os.path.join(folder, "torch_losses.json"), "w") as f:
        json.dump(losses, f)


def main():
    if sys.argv[1] == "--time":
        seconds = float(sys.argv[2])
        rest = sys.argv[3:]
        try:
            import torch
        except ImportError as error:
            print(json.dumps({"error": f"{sys.executable} cannot import torch ({error})"}))
            return 0
        if rest[0] == "--threads":
            torch.set_num_threads(int(rest[1]))
            rest = rest[2:]
        print(json.dumps(run(torch, rest[0], seconds)))
        return 0
    root = sys.argv[1]
    folders = sorted(os.path.join(root, d) for d in os.listdir(root)
                     if os.path.isdir(os.path.join(root, d)))
    try:
        import torch
    except ImportError as error:
        for folder in folders:
            with open(os.path.join(folder, "torch_skipped.txt"), "w") as f:
                f.write(f"{sys.executable} cannot import torch ({error})")
        print("PyTorch missing: the reference comparison is skipped", file=sys.stderr)
        return 0
    torch.manual_seed(0)
    for folder in folders:
        stale = os.path.join(folder, "torch_skipped.txt")
        if os.path.exists(stale):
            os.remove(stale)
        run(torch, folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
