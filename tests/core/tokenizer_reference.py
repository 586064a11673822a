#!/usr/bin/env python3
"""Independent reference for the pretrained tokenizers (core/tokenizers).

Writes, into the folder given by --out, one model folder per tokenizer kind (tokenizer.json or
the classic vocab.json + merges.txt / vocab.txt, with tokenizer_config.json) whose vocabularies
and merges are trained here on a small corpus, and expected.json with the ids each tokenizer
must give for many texts. The C++ test (tests/core/test_tokenizer_reference.cpp) loads every
folder and compares. The algorithms, written from their definitions and not from the C++ code,
are in tokenizer_reference_algorithms.py. Standard library only.
"""

import argparse
import json
import os
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tokenizer_reference_algorithms import (  # noqa: E402
    BYTE_CHAR, bert_basic, bpe, byte_encode, category, gpt2_split, is_number, is_punctuation,
    isolate, lower, merge_table, qwen2_split, split_added, train_bpe, whitespace_split,
    whitespace_words, wordpiece)

# ---------------------------------------------------------------------------------------------
# The corpus the vocabularies are trained on, and the texts every tokenizer is checked on.

CORPUS = [
    "The animal didn't cross the street because it was too tired.",
    "The cat sat on the mat. The dog sat on the log. They're happy, aren't they?",
    "Attention is all you need: queries, keys and values; softmax of scaled dot products.",
    "In 2024 the model read 1,000,000 tokens at 3.14 tokens per millisecond!",
    "我爱深度学习。深度学习是人工智能的一个分支。注意力机制让模型学习词与词之间的关系。",
    "我们学习注意力。学习深度学习很有趣。",
    "Café, naïve, résumé and Ångström are words with accents.",
    "def attention(q, k, v):\n    return softmax(q @ k.T / sqrt(d)) @ v\n",
    "Hello world! Hello again, world. I'm here, you're there, we've met, they'll come.",
    "こんにちは世界。안녕하세요 세계.",
    "Emoji: 👍 😀 ❤️ 🇨🇳",
]

TEXTS = [
    "",
    "Hello world",
    "The animal didn't cross the street because it was too tired.",
    "  leading and trailing  ",
    "runs   of    spaces",
    "tabs\tand\nnewlines\r\nand\n\n\nblank lines",
    " ",
    "\n",
    "a\u00a0b",
    "我爱深度学习",
    "我 爱 深度 学习",
    "深度学习是人工智能的一个分支。",
    "Attention 注意力 is all you need",
    "👍🏽 family: 👨\u200d👩\u200d👧\u200d👦 flag 🇨🇳",
    "😀😀 ❤️",
    "café naïve résumé",
    "cafe\u0301 nai\u0308ve",
    "Ångström ÉCOLE Øre",
    "In 2024, 3.14159 and 1,000,000",
    "I'm you're we've they'll she'd it's",
    "DON'T SHOUT, IT'S RUDE",
    "Ω≈ç√∫ and ⓐⓑ",
    "zero\u200bwidth and\u0007bell",
    "pneumonoultramicroscopicsilicovolcanoconiosis",
    "こんにちは世界",
    "안녕하세요",
    "def f(x):\n    return x**2  # square",
    "hello<|endoftext|>world",
    "<|endoftext|>",
    "[CLS] hi [SEP]",
    "我爱[MASK]度学习",
    "the [MASK] sat on the mat",
    "Σίσυφος ΣΊΣΥΦΟΣ",
    "İstanbul",
    "x" * 40,
]


def bert_words_of_corpus(lowercase, strip_accents, chinese):
    words = {}
    for line in CORPUS:
        for w in bert_basic(line, lowercase, strip_accents, chinese):
            words[w] = words.get(w, 0) + 1
    return words


# ---------------------------------------------------------------------------------------------
# Tokenizer kinds: each builds its files and encodes texts with the reference algorithms.

def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False, indent=1)


class ByteLevelBpe:
    """GPT-2 (pattern = gpt2_split) and Qwen2 (qwen2_split, NFC) style."""

    SPECIALS = ["<|endoftext|>"]

    def __init__(self, split, nfc=False, prefix_space=False, ignore_merges=False,
                 extra_words=(), specials=None):
        self.split = split
        self.nfc = nfc
        self.prefix_space = prefix_space
        self.ignore_merges = ignore_merges
        self.specials = specials or self.SPECIALS
        words = {}
        for line in CORPUS:
            for piece in split(unicodedata.normalize("NFC", line) if nfc else line):
                key = tuple(byte_encode(piece))
                words[key] = words.get(key, 0) + 1
        alphabet = [BYTE_CHAR[b] for b in range(256)]
        self.merges = train_bpe(words, 400, lambda p: p[0] + p[1])
        self.vocab = {c: i for i, c in enumerate(alphabet)}
        for a, b in self.merges:
            self.vocab.setdefault(a + b, len(self.vocab))
        for w in extra_words:
            self.vocab.setdefault(byte_encode(w), len(self.vocab))
        self.special_ids = {}
        for s in self.specials:
            self.special_ids[s] = len(self.vocab) + len(self.special_ids)
        self.table = merge_table(self.merges)

    def encode(self, text):
        ids = []
        for is_added, segment in split_added(text, self.specials):
            if is_added:
                ids.append(self.special_ids[segment])
                continue
            if self.nfc:
                segment = unicodedata.normalize("NFC", segment)
            if self.prefix_space and not segment.startswith(" "):
                segment = " " + segment
            for piece in self.split(segment):
                encoded = byte_encode(piece)
                if self.ignore_merges and encoded in self.vocab:
                    ids.append(self.vocab[encoded])
                    continue
                ids.extend(self.vocab[t] for t in bpe(encoded, self.table))
        return ids

    def decode(self, text):
        """What decoding the ids of `text` gives: the text itself, as normalised."""
        out = ""
        for is_added, segment in split_added(text, self.specials):
            if not is_added:
                if self.nfc:
                    segment = unicodedata.normalize("NFC", segment)
                if self.prefix_space and not segment.startswith(" "):
                    segment = " " + segment
            out += segment
        return out

    def added_tokens(self):
        return [{"id": i, "content": s, "single_word": False, "lstrip": False, "rstrip": False,
                 "normalized": False, "special": True} for s, i in self.special_ids.items()]

    def write_json(self, folder, merges_as_pairs=False):
        if self.split is gpt2_split:
            pre = {"type": "ByteLevel", "add_prefix_space": self.prefix_space,
                   "trim_offsets": True, "use_regex": True}
        else:
            pre = {"type": "Sequence", "pretokenizers": [
                {"type": "Split", "pattern": {"Regex": QWEN2_PATTERN}, "behavior": "Isolated",
                 "invert": False},
                {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False,
                 "use_regex": False}]}
        merges = [[a, b] if merges_as_pairs else a + " " + b for a, b in self.merges]
        write_json(os.path.join(folder, "tokenizer.json"), {
            "version": "1.0", "truncation": None, "padding": None,
            "added_tokens": self.added_tokens(),
            "normalizer": {"type": "NFC"} if self.nfc else None,
            "pre_tokenizer": pre,
            "post_processor": {"type": "ByteLevel", "add_prefix_space": self.prefix_space,
                               "trim_offsets": self.split is gpt2_split, "use_regex": True},
            "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True,
                        "use_regex": True},
            "model": {"type": "BPE", "dropout": None, "unk_token": None,
                      "continuing_subword_prefix": None, "end_of_word_suffix": None,
                      "fuse_unk": False, "byte_fallback": False,
                      "ignore_merges": self.ignore_merges,
                      "vocab": self.vocab, "merges": merges}})

    def write_classic(self, folder):
        vocab = dict(self.vocab)
        vocab.update(self.special_ids)
        write_json(os.path.join(folder, "vocab.json"), vocab)
        with open(os.path.join(folder, "merges.txt"), "w", encoding="utf-8") as f:
            f.write("#version: 0.2\n")
            for a, b in self.merges:
                f.write(a + " " + b + "\n")
        write_json(os.path.join(folder, "tokenizer_config.json"), {
            "tokenizer_class": "GPT2Tokenizer", "add_prefix_space": False,
            "bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>",
            "unk_token": "<|endoftext|>", "model_max_length": 1024})


QWEN2_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}|"
                 r" ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")


BYTE_TOKENS = ["<0x%02X>" % b for b in range(256)]


class MetaspaceBpe:
    """Llama 2 / TinyLlama style: '▁' for spaces and in front, characters the vocabulary lacks
    spelt as <0xNN> bytes (or <unk>, fused, without byte fallback)."""

    def __init__(self, scheme, byte_fallback=True, split=False):
        self.scheme = scheme  # "normalizer" (Prepend + Replace), "first", "always"
        self.byte_fallback = byte_fallback
        self.split = split
        counts = {}
        words = {}
        for line in CORPUS:
            for word in self._words("\u2581" + line.replace(" ", "\u2581")):
                for c in word:
                    counts[c] = counts.get(c, 0) + 1
                words[tuple(word)] = words.get(tuple(word), 0) + 1
        # Rare characters stay out of the vocabulary, so that byte fallback is exercised.
        chars = sorted((c for c in counts if counts[c] >= 2), key=lambda c: (-counts[c], c))
        self.vocab = {"<unk>": 0, "<s>": 1, "</s>": 2}
        if byte_fallback:
            for t in BYTE_TOKENS:
                self.vocab[t] = len(self.vocab)
        for c in chars:
            self.vocab[c] = len(self.vocab)
        known = set(chars)
        words = {w: f for w, f in words.items() if all(c in known for c in w)}
        self.merges = train_bpe(words, 300, lambda p: p[0] + p[1])
        for a, b in self.merges:
            self.vocab.setdefault(a + b, len(self.vocab))
        self.table = merge_table(self.merges)

    def _words(self, text):
        if not self.split:
            return [text]
        words = []
        for c in text:
            if c == "\u2581" or not words:
                words.append(c)
            else:
                words[-1] += c
        return words

    def _symbols(self, word):
        symbols = []
        unknown_run = False
        for c in word:
            if c in self.vocab:
                symbols.append(c)
                unknown_run = False
            elif self.byte_fallback:
                symbols.extend("<0x%02X>" % b for b in c.encode("utf-8"))
                unknown_run = False
            else:
                if not unknown_run:
                    symbols.append("<unk>")
                unknown_run = True
        return symbols

    def encode(self, text):
        ids = [self.vocab["<s>"]]
        offset = 0
        for is_added, segment in split_added(text, ["<s>", "</s>", "<unk>"]):
            start = offset
            offset += len(segment)
            if is_added:
                ids.append(self.vocab[segment])
                continue
            replaced = segment.replace(" ", "\u2581")
            if self.scheme == "normalizer":
                replaced = "\u2581" + replaced
            elif not replaced.startswith("\u2581") and (self.scheme == "always" or start == 0):
                replaced = "\u2581" + replaced
            for word in self._words(replaced):
                ids.extend(self.vocab[t] for t in bpe(self._symbols(word), self.table))
        return ids

    def write(self, folder):
        if self.scheme == "normalizer":
            normalizer = {"type": "Sequence", "normalizers": [
                {"type": "Prepend", "prepend": "\u2581"},
                {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"}]}
            pre = None
        else:
            normalizer = None
            pre = {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": self.scheme,
                   "split": self.split}
        added = [{"id": self.vocab[t], "content": t, "single_word": False, "lstrip": False,
                  "rstrip": False, "normalized": False, "special": True}
                 for t in ("<unk>", "<s>", "</s>")]
        write_json(os.path.join(folder, "tokenizer.json"), {
            "version": "1.0", "added_tokens": added, "normalizer": normalizer,
            "pre_tokenizer": pre,
            "post_processor": {
                "type": "TemplateProcessing",
                "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                           {"Sequence": {"id": "A", "type_id": 0}}],
                "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                         {"Sequence": {"id": "A", "type_id": 0}},
                         {"SpecialToken": {"id": "<s>", "type_id": 1}},
                         {"Sequence": {"id": "B", "type_id": 1}}],
                "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}},
            "decoder": {"type": "Sequence", "decoders": [
                {"type": "Replace", "pattern": {"String": "\u2581"}, "content": " "},
                {"type": "ByteFallback"}, {"type": "Fuse"},
                {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
            "model": {"type": "BPE", "dropout": None, "unk_token": "<unk>",
                      "continuing_subword_prefix": None, "end_of_word_suffix": None,
                      "fuse_unk": True, "byte_fallback": self.byte_fallback,
                      "vocab": self.vocab, "merges": [a + " " + b for a, b in self.merges]}})
        write_json(os.path.join(folder, "tokenizer_config.json"), {
            "tokenizer_class": "LlamaTokenizer", "add_bos_token": True, "add_eos_token": False,
            "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "pad_token": None})


BERT_SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
BERT_SUFFIXES = ["##s", "##ed", "##ing", "##er", "##ly", "##tion", "##ion", "##ent"]
# Characters left out of the vocabulary, so that some words become [UNK].
BERT_MISSING = set("qzΩ")


class Bert:
    def __init__(self, lowercase=True, strip_accents=None, chinese=True, max_chars=100):
        self.lowercase = lowercase
        self.strip_accents = strip_accents
        self.chinese = chinese
        self.max_chars = max_chars
        words = bert_words_of_corpus(lowercase, strip_accents, chinese)
        # Also the forms the test texts need, so that casing and accents decide the pieces.
        for text in TEXTS:
            for w in bert_basic(text, lowercase, strip_accents, chinese):
                if len(w) <= 6 and not any(c in BERT_MISSING for c in w):
                    words.setdefault(w, 1)
        pieces = list(BERT_SPECIALS)
        chars = sorted({c for w in words for c in w} - BERT_MISSING)
        pieces += chars + ["##" + c for c in chars] + BERT_SUFFIXES
        pieces += sorted(w for w, f in words.items() if f >= 2 or len(w) <= 4)
        if not chinese:
            pieces += ["深度", "学习", "##深度", "##学习", "注意力", "##注意力"]
        self.vocab = {}
        for p in pieces:
            self.vocab.setdefault(p, len(self.vocab))
        self.pieces = sorted(self.vocab, key=self.vocab.get)

    def encode(self, text):
        ids = [self.vocab["[CLS]"]]
        for is_added, segment in split_added(text, BERT_SPECIALS):
            if is_added:
                ids.append(self.vocab[segment])
                continue
            for word in bert_basic(segment, self.lowercase, self.strip_accents, self.chinese):
                ids.extend(self.vocab[p] for p in wordpiece(word, self.vocab,
                                                             max_chars=self.max_chars))
        return ids + [self.vocab["[SEP]"]]

    def write_json(self, folder):
        added = [{"id": self.vocab[t], "content": t, "single_word": False, "lstrip": False,
                  "rstrip": False, "normalized": False, "special": True} for t in BERT_SPECIALS]
        write_json(os.path.join(folder, "tokenizer.json"), {
            "version": "1.0", "added_tokens": added,
            "normalizer": {"type": "BertNormalizer", "clean_text": True,
                           "handle_chinese_chars": self.chinese,
                           "strip_accents": self.strip_accents, "lowercase": self.lowercase},
            "pre_tokenizer": {"type": "BertPreTokenizer"},
            "post_processor": {
                "type": "TemplateProcessing",
                "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}},
                           {"Sequence": {"id": "A", "type_id": 0}},
                           {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
                "special_tokens": {
                    "[CLS]": {"id": "[CLS]", "ids": [self.vocab["[CLS]"]], "tokens": ["[CLS]"]},
                    "[SEP]": {"id": "[SEP]", "ids": [self.vocab["[SEP]"]], "tokens": ["[SEP]"]}}},
            "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
            "model": {"type": "WordPiece", "unk_token": "[UNK]",
                      "continuing_subword_prefix": "##",
                      "max_input_chars_per_word": self.max_chars, "vocab": self.vocab}})

    def write_classic(self, folder):
        with open(os.path.join(folder, "vocab.txt"), "w", encoding="utf-8") as f:
            for p in self.pieces:
                f.write(p + "\n")
        config = {"tokenizer_class": "BertTokenizer", "do_lower_case": self.lowercase,
                  "tokenize_chinese_chars": self.chinese, "model_max_length": 512}
        if self.strip_accents is not None:
            config["strip_accents"] = self.strip_accents
        write_json(os.path.join(folder, "tokenizer_config.json"), config)
        write_json(os.path.join(folder, "special_tokens_map.json"), {
            "unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]",
            "cls_token": "[CLS]", "mask_token": "[MASK]"})


class AffixBpe:
    """BPE with an end-of-word suffix (</w>, NFKC + lower-case, whitespace, punctuation and
    digits split) or with a continuing-subword prefix (##, NFD + accents stripped + lower-case,
    \\w+ words)."""

    def __init__(self, kind):
        self.kind = kind
        words = {}
        for line in CORPUS:
            for w in self._pre(self._normalize(line)):
                key = tuple(self._symbols(w, known=None))
                words[key] = words.get(key, 0) + 1
        self.vocab = {"<unk>" if kind == "suffix" else "[UNK]": 0}
        for w in sorted(words):
            for s in w:
                self.vocab.setdefault(s, len(self.vocab))
        join = ((lambda p: p[0] + p[1]) if kind == "suffix"
                else (lambda p: p[0] + p[1][2:]))
        self.merges = train_bpe(words, 250, join)
        for a, b in self.merges:
            self.vocab.setdefault(join((a, b)), len(self.vocab))
        self.table = merge_table(self.merges, "" if kind == "suffix" else "##")
        self.unk = "<unk>" if kind == "suffix" else "[UNK]"

    def _normalize(self, text):
        if self.kind == "suffix":
            return lower(unicodedata.normalize("NFKC", text))
        nfd = unicodedata.normalize("NFD", text)
        return lower("".join(c for c in nfd if not category(c).startswith("M")))

    def _pre(self, text):
        if self.kind == "suffix":
            return isolate(isolate(whitespace_split(text), is_punctuation), is_number)
        return whitespace_words(text)

    def _symbols(self, word, known):
        out = []
        for i, c in enumerate(word):
            if self.kind == "suffix":
                s = c + ("</w>" if i == len(word) - 1 else "")
            else:
                s = ("##" if i > 0 else "") + c
            out.append(s if known is None or s in known else self.unk)
        return out

    def encode(self, text):
        ids = []
        for w in self._pre(self._normalize(text)):
            ids.extend(self.vocab[t] for t in bpe(self._symbols(w, self.vocab), self.table))
        return ids

    def write(self, folder):
        if self.kind == "suffix":
            normalizer = {"type": "Sequence",
                          "normalizers": [{"type": "NFKC"}, {"type": "Lowercase"}]}
            pre = {"type": "Sequence", "pretokenizers": [
                {"type": "WhitespaceSplit"}, {"type": "Punctuation", "behavior": "Isolated"},
                {"type": "Digits", "individual_digits": True}]}
            model = {"type": "BPE", "unk_token": "<unk>", "end_of_word_suffix": "</w>",
                     "continuing_subword_prefix": None}
            decoder = {"type": "BPEDecoder", "suffix": "</w>"}
        else:
            normalizer = {"type": "Sequence", "normalizers": [
                {"type": "NFD"}, {"type": "StripAccents"}, {"type": "Lowercase"}]}
            pre = {"type": "Whitespace"}
            model = {"type": "BPE", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                     "end_of_word_suffix": None}
            decoder = {"type": "WordPiece", "prefix": "##", "cleanup": False}
        model.update({"dropout": None, "fuse_unk": False, "byte_fallback": False,
                      "vocab": self.vocab,
                      "merges": [[a, b] for a, b in self.merges]})
        write_json(os.path.join(folder, "tokenizer.json"), {
            "version": "1.0", "added_tokens": [], "normalizer": normalizer,
            "pre_tokenizer": pre, "post_processor": None, "decoder": decoder, "model": model})


class WordLevel:
    def __init__(self):
        self.vocab = {"<unk>": 0}
        for line in CORPUS:
            for w in whitespace_split(lower(line)):
                self.vocab.setdefault(w, len(self.vocab))

    def encode(self, text):
        return [self.vocab.get(w, 0) for w in whitespace_split(lower(text))]

    def write(self, folder):
        write_json(os.path.join(folder, "tokenizer.json"), {
            "version": "1.0", "added_tokens": [], "normalizer": {"type": "Lowercase"},
            "pre_tokenizer": {"type": "WhitespaceSplit"}, "post_processor": None,
            "decoder": None,
            "model": {"type": "WordLevel", "unk_token": "<unk>", "vocab": self.vocab}})


def cases():
    gpt2 = ByteLevelBpe(gpt2_split)
    yield "gpt2_json", gpt2, lambda d: gpt2.write_json(d)
    yield "gpt2_classic", gpt2, lambda d: gpt2.write_classic(d)
    prefixed = ByteLevelBpe(gpt2_split, prefix_space=True)
    yield "gpt2_prefix_space_json", prefixed, lambda d: prefixed.write_json(d)
    whole = ByteLevelBpe(gpt2_split, ignore_merges=True,
                         extra_words=[" tired", " unhappiness", "Hello", " world"])
    yield "gpt2_ignore_merges_json", whole, lambda d: whole.write_json(d)
    qwen = ByteLevelBpe(qwen2_split, nfc=True,
                        specials=["<|endoftext|>", "<|im_start|>", "<|im_end|>"])
    yield "qwen2_json", qwen, lambda d: qwen.write_json(d, merges_as_pairs=True)
    llama = MetaspaceBpe("normalizer")
    yield "llama_json", llama, lambda d: llama.write(d)
    first = MetaspaceBpe("first")
    yield "llama_metaspace_first_json", first, lambda d: first.write(d)
    unk = MetaspaceBpe("always", byte_fallback=False, split=True)
    yield "metaspace_unk_json", unk, lambda d: unk.write(d)
    bert = Bert(max_chars=12)
    yield "bert_json", bert, lambda d: bert.write_json(d)
    bert_classic = Bert()
    yield "bert_classic_uncased", bert_classic, lambda d: bert_classic.write_classic(d)
    cased = Bert(lowercase=False)
    yield "bert_classic_cased", cased, lambda d: cased.write_classic(d)
    stripped = Bert(lowercase=False, strip_accents=True)
    yield "bert_classic_cased_strip_accents", stripped, lambda d: stripped.write_classic(d)
    whole_cjk = Bert(chinese=False)
    yield "bert_classic_no_chinese_split", whole_cjk, lambda d: whole_cjk.write_classic(d)
    suffix = AffixBpe("suffix")
    yield "bpe_end_of_word_suffix_json", suffix, lambda d: suffix.write(d)
    prefix = AffixBpe("prefix")
    yield "bpe_subword_prefix_json", prefix, lambda d: prefix.write(d)
    level = WordLevel()
    yield "wordlevel_json", level, lambda d: level.write(d)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="folder for the model folders")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    expected = []
    for name, tokenizer, write in cases():
        folder = os.path.join(args.out, name)
        os.makedirs(folder, exist_ok=True)
        for old in os.listdir(folder):
            os.remove(os.path.join(folder, old))
        write(folder)
        texts = []
        for text in TEXTS:
            entry = {"text": text, "ids": tokenizer.encode(text)}
            if hasattr(tokenizer, "decode"):
                entry["decoded"] = tokenizer.decode(text)
            texts.append(entry)
        expected.append({"name": name, "texts": texts})
    write_json(os.path.join(args.out, "expected.json"), {"cases": expected})
    print("wrote %d tokenizers and %d texts each to %s" % (len(expected), len(TEXTS), args.out))


if __name__ == "__main__":
    main()
