"""Reference forward passes of GPT-2, BERT and the Llama family, written from the architectures'
definitions in PyTorch (float64, one head at a time) for the engine's tests.

Weights come as {canonical name: float64 tensor}; canonical names are those of the bare models
without task-head prefixes ("h.0.ln_1.weight", "encoder.layer.0.attention.self.query.weight",
"layers.0.self_attn.q_proj.weight"). Interventions are {(layer, head): {...}} with keys
normalizer ("softmax", "sparsemax", "sigmoid", "relu", "hardmax"), temperature, mask
("causal" or "window:W") and ablate.
"""

import math

import torch
import torch.nn.functional as F


def sparsemax(z):
    """Row-wise Euclidean projection onto the simplex (Martins & Astudillo 2016); −inf → 0."""
    out = torch.zeros_like(z)
    for i in range(z.shape[0]):
        row = z[i]
        visible = torch.isfinite(row)
        if not visible.any():
            continue
        v = row[visible]
        s, _ = torch.sort(v, descending=True)
        cumulative = torch.cumsum(s, 0)
        k = torch.arange(1, len(s) + 1, dtype=z.dtype)
        support = 1 + k * s > cumulative
        kz = int(support.nonzero().max()) + 1
        tau = (cumulative[kz - 1] - 1) / kz
        out[i, visible] = torch.clamp(v - tau, min=0)
    return out


def normalise(logits, name):
    if name == "softmax":
        return torch.softmax(logits, dim=-1)
    if name == "sparsemax":
        return sparsemax(logits)
    if name == "sigmoid":
        return torch.sigmoid(logits)
    if name == "relu":
        r = torch.clamp(logits, min=0)
        s = r.sum(-1, keepdim=True)
        return torch.where(s > 0, r / torch.where(s > 0, s, torch.ones_like(s)), torch.zeros_like(r))
    if name == "hardmax":
        top = logits.max(-1, keepdim=True).values
        hit = (logits == top).to(logits.dtype)
        return hit / hit.sum(-1, keepdim=True)
    raise ValueError(name)


def extra_mask(spec, n):
    """Boolean n×n: True where the query may see the key."""
    i = torch.arange(n).unsqueeze(1)
    j = torch.arange(n).unsqueeze(0)
    if spec == "causal":
        return j <= i
    if spec.startswith("window:"):
        return (i - j).abs() <= int(spec.split(":")[1])
    raise ValueError(spec)


def attention(q, k, v, kv_of_head, scale, causal, layer, interventions):
    """q: [H, n, d], k and v: [H_kv, n, d]. Returns the weights [H, n, n] and context [n, H·d]."""
    heads, n, d = q.shape
    weights, contexts = [], []
    for h in range(heads):
        kv = kv_of_head(h)
        logits = (q[h] @ k[kv].T) * scale
        change = interventions.get((layer, h), {})
        logits = logits / change.get("temperature", 1.0)
        visible = torch.ones(n, n, dtype=torch.bool)
        if causal:
            visible &= extra_mask("causal", n)
        if "mask" in change:
            visible &= extra_mask(change["mask"], n)
        logits = logits.masked_fill(~visible, float("-inf"))
        a = normalise(logits, change.get("normalizer", "softmax"))
        weights.append(a)
        contexts.append(torch.zeros(n, d, dtype=q.dtype) if change.get("ablate") else a @ v[kv])
    return torch.stack(weights), torch.cat(contexts, dim=1)


def layer_norm(x, w, b, eps):
    mean = x.mean(-1, keepdim=True)
    var = ((x - mean) ** 2).mean(-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * w + b


def rms_norm(x, w, eps):
    return x / torch.sqrt((x * x).mean(-1, keepdim=True) + eps) * w


def activation(name):
    if name == "gelu":
        return lambda x: 0.5 * x * (1 + torch.erf(x / math.sqrt(2)))
    if name in ("gelu_new", "gelu_pytorch_tanh"):
        return lambda x: 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))
    if name == "silu":
        return lambda x: x * torch.sigmoid(x)
    if name == "relu":
        return F.relu
    raise ValueError(name)


def gpt2(p, cfg, ids, positions, interventions):
    n, d, H = len(ids), cfg["n_embd"], cfg["n_head"]
    hd = d // H
    eps = cfg.get("layer_norm_epsilon", 1e-5)
    act = activation(cfg.get("activation_function", "gelu_new"))
    x = p["wte.weight"][ids] + p["wpe.weight"][torch.arange(n)]
    attentions = []
    for l in range(cfg["n_layer"]):
        b = "h.%d." % l
        h = layer_norm(x, p[b + "ln_1.weight"], p[b + "ln_1.bias"], eps)
        qkv = h @ p[b + "attn.c_attn.weight"] + p[b + "attn.c_attn.bias"]  # Conv1D: in × out
        q, k, v = (qkv[:, i * d:(i + 1) * d].reshape(n, H, hd).transpose(0, 1) for i in range(3))
        a, context = attention(q, k, v, lambda h: h, 1 / math.sqrt(hd), True, l, interventions)
        attentions.append(a)
        x = x + context @ p[b + "attn.c_proj.weight"] + p[b + "attn.c_proj.bias"]
        h = layer_norm(x, p[b + "ln_2.weight"], p[b + "ln_2.bias"], eps)
        m = act(h @ p[b + "mlp.c_fc.weight"] + p[b + "mlp.c_fc.bias"])
        x = x + m @ p[b + "mlp.c_proj.weight"] + p[b + "mlp.c_proj.bias"]
    hidden = layer_norm(x, p["ln_f.weight"], p["ln_f.bias"], eps)
    head = p["wte.weight"] if cfg.get("tie_word_embeddings", True) else p["lm_head.weight"]
    logits = hidden[positions] @ head.T
    return attentions, hidden, logits


def bert(p, cfg, ids, types, mask_positions, interventions):
    n, d, H = len(ids), cfg["hidden_size"], cfg["num_attention_heads"]
    hd = d // H
    eps = cfg.get("layer_norm_eps", 1e-12)
    act = activation(cfg.get("hidden_act", "gelu"))
    e = "embeddings."
    x = p[e + "word_embeddings.weight"][ids] + p[e + "position_embeddings.weight"][torch.arange(n)]
    x = x + p[e + "token_type_embeddings.weight"][types]
    x = layer_norm(x, p[e + "LayerNorm.weight"], p[e + "LayerNorm.bias"], eps)
    attentions = []
    for l in range(cfg["num_hidden_layers"]):
        b = "encoder.layer.%d." % l

        def linear(name, t):
            return t @ p[b + name + ".weight"].T + p[b + name + ".bias"]

        q, k, v = (linear("attention.self." + s, x).reshape(n, H, hd).transpose(0, 1)
                   for s in ("query", "key", "value"))
        a, context = attention(q, k, v, lambda h: h, 1 / math.sqrt(hd), False, l, interventions)
        attentions.append(a)
        y = layer_norm(linear("attention.output.dense", context) + x,
                       p[b + "attention.output.LayerNorm.weight"],
                       p[b + "attention.output.LayerNorm.bias"], eps)
        m = act(linear("intermediate.dense", y))
        x = layer_norm(linear("output.dense", m) + y, p[b + "output.LayerNorm.weight"],
                       p[b + "output.LayerNorm.bias"], eps)
    logits = None
    if "cls.predictions.transform.dense.weight" in p:
        c = "cls.predictions."
        t = x[mask_positions] @ p[c + "transform.dense.weight"].T + p[c + "transform.dense.bias"]
        t = layer_norm(act(t), p[c + "transform.LayerNorm.weight"],
                       p[c + "transform.LayerNorm.bias"], eps)
        decoder = (p[e + "word_embeddings.weight"] if cfg.get("tie_word_embeddings", True)
                   else p[c + "decoder.weight"])
        logits = t @ decoder.T + p[c + "bias"]
    return attentions, x, logits


def llama(p, cfg, ids, positions, interventions):
    n, d, H = len(ids), cfg["hidden_size"], cfg["num_attention_heads"]
    Hkv = cfg.get("num_key_value_heads", H)
    hd = cfg.get("head_dim") or d // H
    eps = cfg.get("rms_norm_eps", 1e-6)
    theta = cfg.get("rope_theta", 10000.0)
    factor = 1.0
    if cfg.get("rope_scaling"):
        factor = cfg["rope_scaling"]["factor"]
    inv_freq = 1.0 / theta ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd) / factor
    angles = torch.arange(n, dtype=torch.float64).unsqueeze(1) * inv_freq.unsqueeze(0)
    cos, sin = torch.cos(angles), torch.sin(angles)  # n × hd/2

    def rope(t):  # [heads, n, hd], half-split pairs (i, i + hd/2)
        a, b = t[..., :hd // 2], t[..., hd // 2:]
        return torch.cat([a * cos - b * sin, b * cos + a * sin], dim=-1)

    def linear(name, t, bias=False):
        y = t @ p[name + ".weight"].T
        return y + p[name + ".bias"] if bias else y

    qkv_bias = cfg["architectures"][0].startswith("Qwen2") or cfg.get("attention_bias", False)
    x = p["embed_tokens.weight"][ids]
    attentions = []
    for l in range(cfg["num_hidden_layers"]):
        b = "layers.%d." % l
        h = rms_norm(x, p[b + "input_layernorm.weight"], eps)
        q = linear(b + "self_attn.q_proj", h, qkv_bias).reshape(n, H, hd).transpose(0, 1)
        k = linear(b + "self_attn.k_proj", h, qkv_bias).reshape(n, Hkv, hd).transpose(0, 1)
        v = linear(b + "self_attn.v_proj", h, qkv_bias).reshape(n, Hkv, hd).transpose(0, 1)
        a, context = attention(rope(q), rope(k), v, lambda h: h // (H // Hkv), 1 / math.sqrt(hd),
                               True, l, interventions)
        attentions.append(a)
        x = x + linear(b + "self_attn.o_proj", context, cfg.get("attention_bias", False))
        h = rms_norm(x, p[b + "post_attention_layernorm.weight"], eps)
        gated = F.silu(linear(b + "mlp.gate_proj", h)) * linear(b + "mlp.up_proj", h)
        x = x + linear(b + "mlp.down_proj", gated)
    hidden = rms_norm(x, p["norm.weight"], eps)
    logits = None
    if cfg.get("tie_word_embeddings", False):
        logits = hidden[positions] @ p["embed_tokens.weight"].T
    elif "lm_head.weight" in p:
        logits = hidden[positions] @ p["lm_head.weight"].T
    return attentions, hidden, logits
