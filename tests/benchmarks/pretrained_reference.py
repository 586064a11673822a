#!/usr/bin/python3
"""Random pretrained-transformer shapes for bench_pretrained, and their PyTorch timing.

    pretrained_reference.py --out DIR [--only NAME] [--time] [--threads N[,N…]] [--min-time S]
                            [--json FILE]

Writes, unless already there, three model folders in the hubs' layout with random weights:
gpt2-small (12 layers, 12 heads, 768, vocab 50257, F32: the ~500 MB file of the load
benchmark), bert-base (12 layers, 12 heads, 768, vocab 30522, F32) and qwen2-0.5b (24 layers,
hidden 896, 14 heads, 2 key/value heads, intermediate 4864, vocab 151936, tied embeddings, BF16
as the hub distributes it); --only writes one of them. gpt2-small also gets a byte-level
tokenizer (vocab.json with the 256 byte symbols and merges.txt without merges: one token per
byte), so that the window can open it and turn typed text into ids. With --time, times a float32 PyTorch forward of each case the C++
benchmark runs, written the way the reference implementations' eager mode computes it (heads
batched, the attention weights materialised and kept, the output head at the predicted
positions only, as the engine does), under torch.inference_mode(), with each thread count given,
and writes the times as JSON keyed "model/tokens/threads:N".
"""

import argparse
import json
import math
import pathlib
import statistics
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "pretrained"))

import numpy as np  # noqa: E402
import safetensors_io as st  # noqa: E402

MODELS = {
    "gpt2-small": {"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "n_embd": 768,
                   "n_head": 12, "n_layer": 12, "n_positions": 1024, "vocab_size": 50257,
                   "activation_function": "gelu_new", "layer_norm_epsilon": 1e-5},
    "bert-base": {"architectures": ["BertForMaskedLM"], "model_type": "bert", "hidden_size": 768,
                  "num_attention_heads": 12, "num_hidden_layers": 12, "intermediate_size": 3072,
                  "max_position_embeddings": 512, "vocab_size": 30522, "type_vocab_size": 2,
                  "hidden_act": "gelu", "layer_norm_eps": 1e-12},
    "qwen2-0.5b": {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2",
                   "hidden_size": 896, "num_attention_heads": 14, "num_key_value_heads": 2,
                   "num_hidden_layers": 24, "intermediate_size": 4864,
                   "max_position_embeddings": 32768, "vocab_size": 151936, "rms_norm_eps": 1e-6,
                   "rope_theta": 1000000.0, "tie_word_embeddings": True, "hidden_act": "silu"},
}
DTYPES = {"gpt2-small": "F32", "bert-base": "F32", "qwen2-0.5b": "BF16"}
CASES = [("gpt2-small", 32), ("gpt2-small", 1024), ("bert-base", 128), ("qwen2-0.5b", 32)]


def shapes(name, cfg):
    """Tensor name → shape, as the hub's files name them."""
    out = {}
    if name.startswith("gpt2"):
        d, V, P, L = cfg["n_embd"], cfg["vocab_size"], cfg["n_positions"], cfg["n_layer"]
        out.update({"transformer.wte.weight": (V, d), "transformer.wpe.weight": (P, d),
                    "transformer.ln_f.weight": (d,), "transformer.ln_f.bias": (d,)})
        for l in range(L):
            b = "transformer.h.%d." % l
            for n, s in (("ln_1.weight", (d,)), ("ln_1.bias", (d,)), ("ln_2.weight", (d,)),
                         ("ln_2.bias", (d,)), ("attn.c_attn.weight", (d, 3 * d)),
                         ("attn.c_attn.bias", (3 * d,)), ("attn.c_proj.weight", (d, d)),
                         ("attn.c_proj.bias", (d,)), ("mlp.c_fc.weight", (d, 4 * d)),
                         ("mlp.c_fc.bias", (4 * d,)), ("mlp.c_proj.weight", (4 * d, d)),
                         ("mlp.c_proj.bias", (d,))):
                out[b + n] = s
    elif name.startswith("bert"):
        d, V, I = cfg["hidden_size"], cfg["vocab_size"], cfg["intermediate_size"]
        e = "bert.embeddings."
        out.update({e + "word_embeddings.weight": (V, d),
                    e + "position_embeddings.weight": (cfg["max_position_embeddings"], d),
                    e + "token_type_embeddings.weight": (2, d), e + "LayerNorm.weight": (d,),
                    e + "LayerNorm.bias": (d,)})
        for l in range(cfg["num_hidden_layers"]):
            b = "bert.encoder.layer.%d." % l
            for n, s in (("attention.self.query", (d, d)), ("attention.self.key", (d, d)),
                         ("attention.self.value", (d, d)), ("attention.output.dense", (d, d)),
                         ("intermediate.dense", (I, d)), ("output.dense", (d, I))):
                out[b + n + ".weight"] = s
                out[b + n + ".bias"] = (s[0],)
            for n in ("attention.output.LayerNorm", "output.LayerNorm"):
                out[b + n + ".weight"] = (d,)
                out[b + n + ".bias"] = (d,)
        c = "cls.predictions."
        out.update({c + "transform.dense.weight": (d, d), c + "transform.dense.bias": (d,),
                    c + "transform.LayerNorm.weight": (d,), c + "transform.LayerNorm.bias": (d,),
                    c + "bias": (V,)})
    else:
        d, V, I = cfg["hidden_size"], cfg["vocab_size"], cfg["intermediate_size"]
        H, Hkv = cfg["num_attention_heads"], cfg["num_key_value_heads"]
        hd = d // H
        out.update({"model.embed_tokens.weight": (V, d), "model.norm.weight": (d,)})
        for l in range(cfg["num_hidden_layers"]):
            b = "model.layers.%d." % l
            out.update({b + "input_layernorm.weight": (d,),
                        b + "post_attention_layernorm.weight": (d,),
                        b + "self_attn.q_proj.weight": (H * hd, d),
                        b + "self_attn.q_proj.bias": (H * hd,),
                        b + "self_attn.k_proj.weight": (Hkv * hd, d),
                        b + "self_attn.k_proj.bias": (Hkv * hd,),
                        b + "self_attn.v_proj.weight": (Hkv * hd, d),
                        b + "self_attn.v_proj.bias": (Hkv * hd,),
                        b + "self_attn.o_proj.weight": (d, H * hd),
                        b + "mlp.gate_proj.weight": (I, d), b + "mlp.up_proj.weight": (I, d),
                        b + "mlp.down_proj.weight": (d, I)})
    return out


def random_weights(name, cfg, seed):
    rng = np.random.default_rng(seed)
    weights = {}
    for tensor, shape in shapes(name, cfg).items():
        if tensor.endswith(("norm.weight", "LayerNorm.weight", "ln_1.weight", "ln_2.weight",
                            "ln_f.weight", "layernorm.weight")):
            weights[tensor] = np.ones(shape, dtype=np.float32)
        else:
            weights[tensor] = rng.standard_normal(shape, dtype=np.float32) * np.float32(0.02)
    return weights


def byte_symbols():
    """GPT-2's printable stand-in for each byte: printable Latin-1 bytes stand for themselves,
    the others take the code points from 256 upwards in byte order."""
    kept = (list(range(ord("!"), ord("~") + 1)) + list(range(ord("\u00a1"), ord("\u00ac") + 1))
            + list(range(ord("\u00ae"), ord("\u00ff") + 1)))
    symbols, extra = {}, 0
    for byte in range(256):
        if byte in kept:
            symbols[byte] = chr(byte)
        else:
            symbols[byte] = chr(256 + extra)
            extra += 1
    return symbols


def write_byte_tokenizer(folder, vocab_size):
    vocab = {symbol: byte for byte, symbol in byte_symbols().items()}
    for index in range(256, vocab_size - 1):
        vocab["<unused%d>" % index] = index
    vocab["<|endoftext|>"] = vocab_size - 1
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    (folder / "merges.txt").write_text("#version: 0.2\n", encoding="utf-8")


def write_models(out, only=None):
    for seed, (name, cfg) in enumerate(MODELS.items()):
        if only is not None and name != only:
            continue
        folder = out / name
        if name == "gpt2-small" and not (folder / "vocab.json").exists():
            folder.mkdir(parents=True, exist_ok=True)
            write_byte_tokenizer(folder, cfg["vocab_size"])
        if (folder / "model.safetensors").exists():
            continue
        folder.mkdir(parents=True, exist_ok=True)
        weights = random_weights(name, cfg, seed)
        dtype = DTYPES[name]
        tensors = {}
        for tensor, value in weights.items():
            tensors[tensor] = (dtype, value.shape, st.round_to(value, dtype)[1])
        del weights
        st.write_file(folder / "model.safetensors.partial", tensors, {"format": "pt"})
        (folder / "model.safetensors.partial").rename(folder / "model.safetensors")
        (folder / "config.json").write_text(json.dumps(cfg, indent=2))


def read_weights(folder, torch):
    """The tensors of model.safetensors as float32 torch tensors."""
    data = (folder / "model.safetensors").read_bytes()
    size = int.from_bytes(data[:8], "little")
    header = json.loads(data[8:8 + size])
    base = 8 + size
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        raw = np.frombuffer(data, dtype=np.uint8, count=end - begin, offset=base + begin)
        if entry["dtype"] == "F32":
            values = raw.view(np.float32)
        else:  # BF16
            values = (raw.view(np.uint16).astype(np.uint32) << 16).view(np.float32)
        out[name] = torch.from_numpy(values.reshape(entry["shape"]).copy())
    return out


def gpt2_forward(torch, F, W, cfg, ids):
    n, d, H = len(ids), cfg["n_embd"], cfg["n_head"]
    hd = d // H
    p = "transformer."
    x = W[p + "wte.weight"][ids] + W[p + "wpe.weight"][:n]
    causal = torch.full((n, n), float("-inf")).triu(1)
    attentions = []
    for l in range(cfg["n_layer"]):
        b = p + "h.%d." % l
        h = F.layer_norm(x, (d,), W[b + "ln_1.weight"], W[b + "ln_1.bias"], 1e-5)
        qkv = torch.addmm(W[b + "attn.c_attn.bias"], h, W[b + "attn.c_attn.weight"])
        q, k, v = (t.view(n, H, hd).transpose(0, 1) for t in qkv.split(d, dim=1))
        a = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hd) + causal, dim=-1)
        attentions.append(a)
        c = (a @ v).transpose(0, 1).reshape(n, d)
        x = x + torch.addmm(W[b + "attn.c_proj.bias"], c, W[b + "attn.c_proj.weight"])
        h = F.layer_norm(x, (d,), W[b + "ln_2.weight"], W[b + "ln_2.bias"], 1e-5)
        m = F.gelu(torch.addmm(W[b + "mlp.c_fc.bias"], h, W[b + "mlp.c_fc.weight"]),
                   approximate="tanh")
        x = x + torch.addmm(W[b + "mlp.c_proj.bias"], m, W[b + "mlp.c_proj.weight"])
    x = F.layer_norm(x, (d,), W[p + "ln_f.weight"], W[p + "ln_f.bias"], 1e-5)
    return attentions, x, x[-1:] @ W[p + "wte.weight"].T


def bert_forward(torch, F, W, cfg, ids):
    n, d, H = len(ids), cfg["hidden_size"], cfg["num_attention_heads"]
    hd = d // H
    e = "bert.embeddings."
    x = W[e + "word_embeddings.weight"][ids] + W[e + "position_embeddings.weight"][:n]
    x = x + W[e + "token_type_embeddings.weight"][0]
    x = F.layer_norm(x, (d,), W[e + "LayerNorm.weight"], W[e + "LayerNorm.bias"], 1e-12)
    attentions = []
    for l in range(cfg["num_hidden_layers"]):
        b = "bert.encoder.layer.%d." % l

        def lin(name, t):
            return F.linear(t, W[b + name + ".weight"], W[b + name + ".bias"])

        q, k, v = (lin("attention.self." + s, x).view(n, H, hd).transpose(0, 1)
                   for s in ("query", "key", "value"))
        a = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hd), dim=-1)
        attentions.append(a)
        c = (a @ v).transpose(0, 1).reshape(n, d)
        y = F.layer_norm(lin("attention.output.dense", c) + x, (d,),
                         W[b + "attention.output.LayerNorm.weight"],
                         W[b + "attention.output.LayerNorm.bias"], 1e-12)
        m = F.gelu(lin("intermediate.dense", y))
        x = F.layer_norm(lin("output.dense", m) + y, (d,), W[b + "output.LayerNorm.weight"],
                         W[b + "output.LayerNorm.bias"], 1e-12)
    c = "cls.predictions."
    masked = x[[3, 7]]
    t = F.gelu(F.linear(masked, W[c + "transform.dense.weight"], W[c + "transform.dense.bias"]))
    t = F.layer_norm(t, (d,), W[c + "transform.LayerNorm.weight"],
                     W[c + "transform.LayerNorm.bias"], 1e-12)
    return attentions, x, t @ W[e + "word_embeddings.weight"].T + W[c + "bias"]


def qwen2_forward(torch, F, W, cfg, ids):
    n, d, H = len(ids), cfg["hidden_size"], cfg["num_attention_heads"]
    Hkv = cfg["num_key_value_heads"]
    hd = d // H
    inv = 1.0 / (cfg["rope_theta"] ** (torch.arange(0, hd, 2, dtype=torch.float32) / hd))
    angles = torch.arange(n, dtype=torch.float32)[:, None] * inv[None, :]
    cos = torch.cat([angles.cos(), angles.cos()], -1)
    sin = torch.cat([angles.sin(), angles.sin()], -1)

    def rope(t):
        a, b = t[..., :hd // 2], t[..., hd // 2:]
        return t * cos + torch.cat([-b, a], -1) * sin

    def rms(t, w):
        return w * (t * torch.rsqrt(t.pow(2).mean(-1, keepdim=True) + 1e-6))

    causal = torch.full((n, n), float("-inf")).triu(1)
    x = W["model.embed_tokens.weight"][ids]
    attentions = []
    for l in range(cfg["num_hidden_layers"]):
        b = "model.layers.%d." % l
        h = rms(x, W[b + "input_layernorm.weight"])
        q = F.linear(h, W[b + "self_attn.q_proj.weight"], W[b + "self_attn.q_proj.bias"])
        k = F.linear(h, W[b + "self_attn.k_proj.weight"], W[b + "self_attn.k_proj.bias"])
        v = F.linear(h, W[b + "self_attn.v_proj.weight"], W[b + "self_attn.v_proj.bias"])
        q = rope(q.view(n, H, hd).transpose(0, 1))
        k = rope(k.view(n, Hkv, hd).transpose(0, 1))
        v = v.view(n, Hkv, hd).transpose(0, 1)
        k = k.repeat_interleave(H // Hkv, dim=0)
        v = v.repeat_interleave(H // Hkv, dim=0)
        a = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hd) + causal, dim=-1)
        attentions.append(a)
        c = (a @ v).transpose(0, 1).reshape(n, H * hd)
        x = x + F.linear(c, W[b + "self_attn.o_proj.weight"])
        h = rms(x, W[b + "post_attention_layernorm.weight"])
        g = F.silu(F.linear(h, W[b + "mlp.gate_proj.weight"])) * F.linear(h, W[b + "mlp.up_proj.weight"])
        x = x + F.linear(g, W[b + "mlp.down_proj.weight"])
    x = rms(x, W["model.norm.weight"])
    return attentions, x, x[-1:] @ W["model.embed_tokens.weight"].T


def time_cases(out, thread_counts, min_time):
    import torch
    import torch.nn.functional as F
    forwards = {"gpt2-small": gpt2_forward, "bert-base": bert_forward, "qwen2-0.5b": qwen2_forward}
    results = {"torch_version": torch.__version__, "cases": {}}
    for name in MODELS:
        cases = [n for model, n in CASES if model == name]
        if not cases:
            continue
        W = read_weights(out / name, torch)
        cfg = MODELS[name]
        for n in cases:
            ids = torch.tensor(np.random.default_rng(n).integers(0, cfg["vocab_size"], n))
            for threads in thread_counts:
                torch.set_num_threads(threads)
                times = []
                with torch.inference_mode():
                    for _ in range(2):  # warm-up
                        forwards[name](torch, F, W, cfg, ids)
                    start = time.perf_counter()
                    while len(times) < 3 or (time.perf_counter() - start < min_time and len(times) < 200):
                        t0 = time.perf_counter()
                        forwards[name](torch, F, W, cfg, ids)
                        times.append(time.perf_counter() - t0)
                times.sort()
                results["cases"]["%s/%d/threads:%d" % (name, n, threads)] = {
                    "median_ms": statistics.median(times) * 1e3, "best_ms": times[0] * 1e3,
                    "p95_ms": times[min(len(times) - 1, int(0.95 * len(times)))] * 1e3,
                    "runs": len(times)}
        del W
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=pathlib.Path)
    parser.add_argument("--only", choices=sorted(MODELS), help="write only this model")
    parser.add_argument("--time", action="store_true")
    parser.add_argument("--threads", default="1", help="thread counts, comma-separated")
    parser.add_argument("--min-time", type=float, default=3.0)
    parser.add_argument("--json", type=pathlib.Path)
    args = parser.parse_args()
    write_models(args.out, args.only)
    if args.time:
        try:
            results = time_cases(args.out, [int(t) for t in args.threads.split(",")],
                                 args.min_time)
        except ImportError as error:
            results = {"error": "PyTorch is not available: %s" % error}
        text = json.dumps(results, indent=2)
        if args.json:
            args.json.write_text(text)
        else:
            print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
