#!/usr/bin/env python3
"""Creates tiny random transformers in the on-disk layout of the model hubs (config.json with
the real key names, safetensors in F32/F16/BF16, one file or shards with an index) and the
reference outputs the engine's tests compare with: per layer the attention weights [heads, n, n],
the final hidden states [n, d_model] and the prediction logits [positions, vocab], for the plain
model and for interventions. Also writes broken model folders for the error messages.

    make_models.py --out DIR

Writes DIR/status.json last: {"torch": true} when the references were computed, or
{"torch": false, "reason": ...} when PyTorch is missing (the tests then skip, saying so).
"""

import argparse
import json
import math
import pathlib
import shutil
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
try:
    import numpy as np
    import safetensors_io as st
except ImportError as missing:  # reported in status.json by main()
    np = st = None
    NUMPY_ERROR = str(missing)

GPT2_INTERVENTIONS = [
    {"name": "ablate", "interventions": [{"layer": 0, "head": 1, "ablate": True}]},
    {"name": "sparsemax_layer", "interventions": [{"layer": 0, "head": -1, "normalizer": "sparsemax"}]},
    {"name": "temperature", "interventions": [{"layer": 1, "head": 0, "temperature": 2.5}]},
    {"name": "window", "interventions": [{"layer": 0, "head": 2, "mask": "window:2"}]},
    {"name": "sigmoid_and_ablate", "interventions": [
        {"layer": 1, "head": 3, "normalizer": "sigmoid"},
        {"layer": 1, "head": 1, "ablate": True}]},
]
BERT_INTERVENTIONS = GPT2_INTERVENTIONS + [
    {"name": "causal_layer", "interventions": [{"layer": 1, "head": -1, "mask": "causal"}]},
]


def normal(rng, shape, std):
    return (rng.standard_normal(shape) * std).astype(np.float32)


def norm_weights(rng, params, base, size, bias=True):
    params[base + ".weight"] = (1 + normal(rng, size, 0.1)).astype(np.float32)
    if bias:
        params[base + ".bias"] = normal(rng, size, 0.1)


def gpt2_params(cfg, rng):
    d, V, P = cfg["n_embd"], cfg["vocab_size"], cfg["n_positions"]
    inner = cfg.get("n_inner") or 4 * d
    w = math.sqrt(32 / d)  # wider models get smaller weights, as real ones do (1/√d scaling)
    p = {"wte.weight": normal(rng, (V, d), 0.5), "wpe.weight": normal(rng, (P, d), 0.3)}
    for l in range(cfg["n_layer"]):
        b = "h.%d." % l
        norm_weights(rng, p, b + "ln_1", d)
        p[b + "attn.c_attn.weight"] = normal(rng, (d, 3 * d), 0.3 * w)
        p[b + "attn.c_attn.bias"] = normal(rng, 3 * d, 0.1)
        p[b + "attn.c_proj.weight"] = normal(rng, (d, d), 0.15 * w)
        p[b + "attn.c_proj.bias"] = normal(rng, d, 0.05)
        norm_weights(rng, p, b + "ln_2", d)
        p[b + "mlp.c_fc.weight"] = normal(rng, (d, inner), 0.2 * w)
        p[b + "mlp.c_fc.bias"] = normal(rng, inner, 0.1)
        p[b + "mlp.c_proj.weight"] = normal(rng, (inner, d), 0.15 * w)
        p[b + "mlp.c_proj.bias"] = normal(rng, d, 0.05)
    norm_weights(rng, p, "ln_f", d)
    return p


def bert_params(cfg, rng, head):
    d, V, I = cfg["hidden_size"], cfg["vocab_size"], cfg["intermediate_size"]
    e = "embeddings."
    p = {e + "word_embeddings.weight": normal(rng, (V, d), 0.5),
         e + "position_embeddings.weight": normal(rng, (cfg["max_position_embeddings"], d), 0.3),
         e + "token_type_embeddings.weight": normal(rng, (cfg["type_vocab_size"], d), 0.3)}
    norm_weights(rng, p, e + "LayerNorm", d)
    for l in range(cfg["num_hidden_layers"]):
        b = "encoder.layer.%d." % l
        for name, shape in (("attention.self.query", (d, d)), ("attention.self.key", (d, d)),
                            ("attention.self.value", (d, d)), ("attention.output.dense", (d, d)),
                            ("intermediate.dense", (I, d)), ("output.dense", (d, I))):
            p[b + name + ".weight"] = normal(rng, shape, 0.3 if "self" in name else 0.15)
            p[b + name + ".bias"] = normal(rng, shape[0], 0.1)
        norm_weights(rng, p, b + "attention.output.LayerNorm", d)
        norm_weights(rng, p, b + "output.LayerNorm", d)
    if head:
        c = "cls.predictions."
        p[c + "transform.dense.weight"] = normal(rng, (d, d), 0.2)
        p[c + "transform.dense.bias"] = normal(rng, d, 0.1)
        norm_weights(rng, p, c + "transform.LayerNorm", d)
        p[c + "bias"] = normal(rng, V, 0.1)
        p[c + "decoder.weight"] = (p[e + "word_embeddings.weight"]
                                   if cfg.get("tie_word_embeddings", True)
                                   else normal(rng, (V, d), 0.5))
    return p


def llama_params(cfg, rng):
    d, V, I, H = cfg["hidden_size"], cfg["vocab_size"], cfg["intermediate_size"], cfg["num_attention_heads"]
    Hkv = cfg.get("num_key_value_heads", H)
    hd = cfg.get("head_dim") or d // H
    qkv_bias = cfg["architectures"][0].startswith("Qwen2")
    w = math.sqrt(32 / d)  # wider models get smaller weights, as real ones do (1/√d scaling)
    p = {"embed_tokens.weight": normal(rng, (V, d), 0.5)}
    for l in range(cfg["num_hidden_layers"]):
        b = "layers.%d." % l
        norm_weights(rng, p, b + "input_layernorm", d, bias=False)
        for name, rows in (("q_proj", H * hd), ("k_proj", Hkv * hd), ("v_proj", Hkv * hd)):
            p[b + "self_attn." + name + ".weight"] = normal(rng, (rows, d), 0.3 * w)
            if qkv_bias:
                p[b + "self_attn." + name + ".bias"] = normal(rng, rows, 0.2)
        p[b + "self_attn.o_proj.weight"] = normal(rng, (d, H * hd), 0.15 * w)
        norm_weights(rng, p, b + "post_attention_layernorm", d, bias=False)
        p[b + "mlp.gate_proj.weight"] = normal(rng, (I, d), 0.2 * w)
        p[b + "mlp.up_proj.weight"] = normal(rng, (I, d), 0.2 * w)
        p[b + "mlp.down_proj.weight"] = normal(rng, (d, I), 0.15 * w)
    norm_weights(rng, p, "norm", d, bias=False)
    if not cfg.get("tie_word_embeddings", False) and not cfg["architectures"][0].endswith("Model"):
        p["lm_head.weight"] = normal(rng, (V, d), 0.5)
    return p


def gpt2_config(arch, **extra):
    cfg = {"architectures": [arch], "model_type": "gpt2", "n_embd": 32, "n_head": 4, "n_layer": 3,
           "n_positions": 40, "n_ctx": 40, "vocab_size": 101, "n_inner": None,
           "activation_function": "gelu_new", "layer_norm_epsilon": 1e-5, "bos_token_id": 100,
           "eos_token_id": 100, "scale_attn_weights": True}
    cfg.update(extra)
    return cfg


def bert_config(arch, **extra):
    cfg = {"architectures": [arch], "model_type": "bert", "hidden_size": 32,
           "num_attention_heads": 4, "num_hidden_layers": 3, "intermediate_size": 48,
           "max_position_embeddings": 40, "vocab_size": 97, "type_vocab_size": 2,
           "hidden_act": "gelu", "layer_norm_eps": 1e-12, "pad_token_id": 0,
           "position_embedding_type": "absolute"}
    cfg.update(extra)
    return cfg


def llama_config(arch, model_type, **extra):
    cfg = {"architectures": [arch], "model_type": model_type, "hidden_size": 32,
           "num_attention_heads": 4, "num_key_value_heads": 2, "num_hidden_layers": 3,
           "intermediate_size": 56, "max_position_embeddings": 64, "vocab_size": 89,
           "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "rope_scaling": None, "hidden_act": "silu",
           "tie_word_embeddings": False, "bos_token_id": 1, "eos_token_id": 2}
    cfg.update(extra)
    return cfg


def disk_names(params, prefix, keep_root=("lm_head.", "cls."), old_norm_names=False):
    """Canonical names → the names in the file (task-head prefix, old gamma/beta spelling)."""
    out = {}
    for name, value in params.items():
        disk = name if name.startswith(keep_root) else prefix + name
        if old_norm_names and "LayerNorm." in disk:
            disk = disk.replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta")
        out[disk] = value
    return out


def store(folder, disk, dtype, sharded):
    """Writes the weights; returns them as stored (rounded to the dtype), by disk name."""
    tensors, rounded = {}, {}
    for name, value in disk.items():
        back, raw = st.round_to(value, dtype)
        tensors[name] = (dtype, value.shape, raw)
        rounded[name] = back
    if sharded:
        st.write_sharded(folder, tensors)
    else:
        st.write_file(folder / "model.safetensors", tensors, {"format": "pt"})
    return rounded


# The sentence of the GPT-2 model with a tokenizer; its reference runs on the ids it tokenises to.
TOKENIZED_SENTENCE = "The animal did not cross the street because it was too tired"

# Words of the tokenizers written beside some of the models, so that whole runs from text (the
# model seam, the command line and the window) can be tested on them.
TOKENIZER_WORDS = ("the animal did not cross street because it was too tired cat sat on mat a dog "
                   "ran in park she said he is happy we love deep learning attention is all you "
                   "need").split()
CJK_CHARACTERS = list("我爱深度学习注意力机制猫坐在垫子上今天天气很好")


VARIANTS = [
    # name, family, config, prefix, dtype, sharded, extras
    ("gpt2_lmhead_f32", "gpt2", gpt2_config("GPT2LMHeadModel"), "transformer.", "F32", False,
     {"runs": GPT2_INTERVENTIONS, "sentence": TOKENIZED_SENTENCE}),
    ("gpt2_model_f16", "gpt2", gpt2_config("GPT2Model"), "", "F16", False, {"predict": 5}),
    ("gpt2_lmhead_bf16_sharded", "gpt2", gpt2_config("GPT2LMHeadModel"), "transformer.", "BF16",
     True, {"lm_head": True}),
    ("gpt2_untied_f32", "gpt2", gpt2_config("GPT2LMHeadModel", tie_word_embeddings=False), "",
     "F32", False, {"lm_head": True}),
    ("bert_mlm_f32", "bert", bert_config("BertForMaskedLM"), "bert.", "F32", False,
     {"head": True, "runs": BERT_INTERVENTIONS}),
    ("bert_model_gamma_f16", "bert", bert_config("BertModel"), "", "F16", False,
     {"old_norm_names": True}),
    ("bert_pretraining_bf16_sharded", "bert", bert_config("BertForPreTraining"), "bert.", "BF16",
     True, {"head": True, "decoder": True, "pretraining": True}),
    ("bert_untied_f32", "bert", bert_config("BertForMaskedLM", tie_word_embeddings=False), "bert.",
     "F32", False, {"head": True, "decoder": True}),
    ("llama_gqa_f32", "llama", llama_config("LlamaForCausalLM", "llama"), "model.", "F32", False,
     {"runs": GPT2_INTERVENTIONS}),
    ("llama_headdim_f16", "llama",
     llama_config("LlamaForCausalLM", "llama", head_dim=16, tie_word_embeddings=True,
                  rope_scaling={"rope_type": "linear", "factor": 2.0}), "model.", "F16", False, {}),
    ("qwen2_tied_bf16_sharded", "llama",
     llama_config("Qwen2ForCausalLM", "qwen2", num_key_value_heads=1, tie_word_embeddings=True,
                  rope_theta=1000000.0, use_sliding_window=False, sliding_window=32768), "model.",
     "BF16", True, {"runs": GPT2_INTERVENTIONS[:2]}),
    ("mistral_model_f32", "llama", llama_config("MistralModel", "mistral", sliding_window=4096),
     "", "F32", False, {}),
    # Wide enough that the engine shares products and heads out between threads.
    ("gpt2_wide_f32", "gpt2",
     gpt2_config("GPT2LMHeadModel", n_embd=256, n_head=4, n_positions=160, vocab_size=300),
     "transformer.", "F32", False, {"tokens": 140, "runs": GPT2_INTERVENTIONS[:2]}),
    ("llama_wide_f32", "llama",
     llama_config("LlamaForCausalLM", "llama", hidden_size=256, num_attention_heads=8,
                  intermediate_size=512, max_position_embeddings=160, vocab_size=300),
     "model.", "F32", False, {"tokens": 130, "runs": GPT2_INTERVENTIONS[:2]}),
]


def make_variant(root, torch, reference, spec, seed):
    name, family, cfg, prefix, dtype, sharded, extras = spec
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps(cfg, indent=2))
    rng = np.random.default_rng(seed)
    if family == "gpt2":
        params = gpt2_params(cfg, rng)
        if extras.get("lm_head"):
            params["lm_head.weight"] = (params["wte.weight"] if cfg.get("tie_word_embeddings", True)
                                        else normal(rng, params["wte.weight"].shape, 0.5))
    elif family == "bert":
        params = bert_params(cfg, rng, extras.get("head", False))
        if extras.get("head") and not extras.get("decoder"):
            del params["cls.predictions.decoder.weight"]  # saved without the tied copy
        if extras.get("pretraining"):
            d = cfg["hidden_size"]
            params["cls.seq_relationship.weight"] = normal(rng, (2, d), 0.2)
            params["cls.seq_relationship.bias"] = normal(rng, 2, 0.1)
            params["pooler.dense.weight"] = normal(rng, (d, d), 0.2)
            params["pooler.dense.bias"] = normal(rng, d, 0.1)
    else:
        params = llama_params(cfg, rng)
    disk = disk_names(params, prefix, old_norm_names=extras.get("old_norm_names", False))
    rounded = store(folder, disk, dtype, sharded)
    # The reference runs on exactly the stored values, under their canonical names.
    canonical = {}
    for canon in params:
        disk_name = canon if canon.startswith(("lm_head.", "cls.")) else prefix + canon
        if extras.get("old_norm_names"):
            disk_name = disk_name.replace("LayerNorm.weight", "LayerNorm.gamma").replace(
                "LayerNorm.bias", "LayerNorm.beta")
        canonical[canon] = torch.from_numpy(rounded[disk_name].astype(np.float64))

    n = extras.get("tokens", {"gpt2": 12, "bert": 11, "llama": 13}[family])
    ids = rng.integers(5, cfg["vocab_size"], size=n).tolist()
    if "sentence" in extras:
        # The reference runs on the ids the folder's own tokenizer gives the sentence, so that a
        # run from text (command line, window) can be compared with it.
        vocab = word_level(folder, ["<|endoftext|>", "<unk>"], cfg["vocab_size"], "<|endoftext|>")
        ids = [vocab["<|endoftext|>"]] + [vocab[w] for w in extras["sentence"].lower().split()]
        n = len(ids)
    types = [0] * n
    mask_id, mask_positions, predict = -1, [], extras.get("predict", -1)
    if family == "bert":
        types = [0] * 6 + [1] * (n - 6)
        mask_id = 4
        mask_positions = [3, 8]
        for pos in mask_positions:
            ids[pos] = mask_id
    positions = [predict if predict >= 0 else n - 1]
    runs = [{"name": "plain", "interventions": []}] + extras.get("runs", [])
    out = folder / "reference"
    out.mkdir()
    case = {"family": family, "dtype": dtype, "architecture": cfg["architectures"][0],
            "input_ids": ids, "token_type_ids": types if family == "bert" else [],
            "mask_token_id": mask_id, "predict_position": predict,
            "prediction_positions": mask_positions if family == "bert" else positions,
            "runs": runs}
    ids_t = torch.tensor(ids)
    for run in runs:
        changes = {}
        for change in run["interventions"]:
            heads = range(cfg.get("n_head") or cfg["num_attention_heads"]) if change["head"] < 0 \
                else [change["head"]]
            for h in heads:
                entry = changes.setdefault((change["layer"], h), {})
                for key in ("normalizer", "temperature", "mask"):
                    if key in change:
                        entry[key] = change[key]
                if change.get("ablate"):
                    entry["ablate"] = True
        with torch.no_grad():
            if family == "gpt2":
                attn, hidden, logits = reference.gpt2(canonical, cfg, ids_t, positions, changes)
            elif family == "bert":
                attn, hidden, logits = reference.bert(canonical, cfg, ids_t, torch.tensor(types),
                                                      mask_positions, changes)
            else:
                attn, hidden, logits = reference.llama(canonical, cfg, ids_t, positions, changes)
        for l, a in enumerate(attn):
            np.save(out / ("%s_attn_%d.npy" % (run["name"], l)), a.numpy())
        np.save(out / ("%s_hidden.npy" % run["name"]), hidden.numpy())
        if logits is not None:
            np.save(out / ("%s_logits.npy" % run["name"]), logits.numpy())
    case["has_predictions"] = logits is not None
    (out / "case.json").write_text(json.dumps(case, indent=2))


def make_broken(root):
    """Model folders that must fail with a clear message."""
    rng = np.random.default_rng(7)
    cfg = gpt2_config("GPT2LMHeadModel", n_layer=2)
    params = disk_names(gpt2_params(cfg, rng), "transformer.")

    def folder(name, config=cfg):
        f = root / name
        f.mkdir(parents=True)
        (f / "config.json").write_text(json.dumps(config, indent=2))
        return f

    (folder("bad_pickle") / "pytorch_model.bin").write_bytes(b"PK\x03\x04" + bytes(64))
    folder("bad_no_weights")
    store(folder("bad_unknown_arch", {"architectures": ["T5ForConditionalGeneration"],
                                      "model_type": "t5", "d_model": 32}),
          {"shared.weight": normal(rng, (10, 4), 1)}, "F32", False)
    f = folder("bad_truncated")
    store(f, params, "F32", False)
    data = (f / "model.safetensors").read_bytes()
    (f / "model.safetensors").write_bytes(data[:-100])
    f = folder("bad_offsets")
    tensors = {k: ("F32", v.shape, st.round_to(v, "F32")[1]) for k, v in params.items()}
    blob = bytearray(st.encode(tensors))
    header_len = int.from_bytes(blob[:8], "little")
    header = json.loads(blob[8:8 + header_len])
    last = max((k for k in header), key=lambda k: header[k]["data_offsets"][1])
    header[last]["data_offsets"] = [x + 64 for x in header[last]["data_offsets"]]  # lies
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    (f / "model.safetensors").write_bytes(len(text).to_bytes(8, "little") + text + blob[8 + header_len:])
    missing = dict(params)
    del missing["transformer.h.1.attn.c_proj.weight"]
    store(folder("bad_missing_tensor"), missing, "F32", False)
    wrong = dict(params)
    wrong["transformer.h.0.attn.c_attn.weight"] = normal(rng, (32, 64), 0.1)
    store(folder("bad_wrong_shape"), wrong, "F32", False)
    f = folder("bad_dtype")
    tensors = {k: ("F32", v.shape, st.round_to(v, "F32")[1]) for k, v in params.items()}
    tensors["transformer.ln_f.weight"] = ("I32", (32,), st.round_to(np.ones(32), "I32")[1])
    st.write_file(f / "model.safetensors", tensors)
    lcfg = llama_config("LlamaForCausalLM", "llama", rope_scaling={"rope_type": "yarn", "factor": 4.0})
    store(folder("bad_rope_scaling", lcfg), disk_names(llama_params(lcfg, rng), "model."), "F32", False)


def word_level(folder, specials, vocab_size, bos):
    """Writes a WordLevel tokenizer.json into `folder`; returns its vocabulary."""
    vocab = {}
    for token in specials + TOKENIZER_WORDS + CJK_CHARACTERS:
        if token not in vocab and len(vocab) < vocab_size:
            vocab[token] = len(vocab)
    tokenizer = {
        "version": "1.0",
        "added_tokens": [{"id": vocab[t], "content": t, "single_word": False, "lstrip": False,
                          "rstrip": False, "normalized": False, "special": True}
                         for t in specials],
        "normalizer": {"type": "Lowercase"},
        "pre_tokenizer": {"type": "Whitespace"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": bos, "type_id": 0}},
                       {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"Sequence": {"id": "A", "type_id": 0}},
                     {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {bos: {"id": bos, "ids": [vocab[bos]], "tokens": [bos]}}},
        "decoder": None,
        "model": {"type": "WordLevel", "vocab": vocab, "unk_token": specials[-1]},
    }
    (folder / "tokenizer.json").write_text(json.dumps(tokenizer, ensure_ascii=False),
                                                 encoding="utf-8")
    return vocab


def write_tokenizers(out):
    """A WordLevel tokenizer.json (GPT-2 with <|endoftext|> as BOS, Llama with <s>) and a BERT
    vocab.txt with [CLS]/[SEP]/[MASK] and CJK characters, inside the vocabularies' sizes."""
    word_level(out / "llama_gqa_f32", ["<s>", "</s>", "<unk>"], 89, "<s>")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + TOKENIZER_WORDS + CJK_CHARACTERS
    vocab = list(dict.fromkeys(vocab))[:97]
    (out / "bert_mlm_f32" / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    (out / "bert_mlm_f32" / "tokenizer_config.json").write_text(
        json.dumps({"do_lower_case": True, "tokenize_chinese_chars": True}), encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=pathlib.Path)
    args = parser.parse_args()
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    if np is None:
        (args.out / "status.json").write_text(json.dumps({"torch": False, "reason": NUMPY_ERROR}))
        print("NumPy is missing (%s): no models written" % NUMPY_ERROR)
        return 0
    make_broken(args.out)
    try:
        import torch
        import reference_models as reference
    except ImportError as error:
        (args.out / "status.json").write_text(json.dumps({"torch": False, "reason": str(error)}))
        print("PyTorch is missing (%s): reference models not written" % error)
        return 0
    torch.set_default_dtype(torch.float64)
    for seed, spec in enumerate(VARIANTS):
        make_variant(args.out, torch, reference, spec, 1000 + seed)
    write_tokenizers(args.out)
    (args.out / "variants.json").write_text(json.dumps([v[0] for v in VARIANTS]))
    (args.out / "status.json").write_text(json.dumps({"torch": True, "torch_version": torch.__version__}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
