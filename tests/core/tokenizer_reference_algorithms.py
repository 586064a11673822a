#!/usr/bin/env python3
"""The algorithms of the tokenizer reference (tokenizer_reference.py), written from their
definitions, not from the C++ code: GPT-2's byte encoder and lowest-rank-first merging (the loop
of GPT-2's encoder.py), BPE training, greedy longest-match-first WordPiece, BERT's basic
tokenizer, added-token splitting, and hand-written scanners for the GPT-2 and Qwen2 split
patterns (Python's re module has no \\p{L}). Standard library only.
"""

import unicodedata

# ---------------------------------------------------------------------------------------------
# Character classes

WHITE_SPACE = {chr(c) for c in [0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680,
                                0x2028, 0x2029, 0x202F, 0x205F, 0x3000]}
WHITE_SPACE |= {chr(c) for c in range(0x2000, 0x200B)}


def is_space(c):
    return c in WHITE_SPACE


def category(c):
    return unicodedata.category(c)


def is_letter(c):
    return category(c).startswith("L")


def is_number(c):
    return category(c).startswith("N")


def is_punctuation(c):
    o = ord(c)
    if 33 <= o <= 47 or 58 <= o <= 64 or 91 <= o <= 96 or 123 <= o <= 126:
        return True
    return category(c).startswith("P")


def is_cjk(c):
    o = ord(c)
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2A6DF
            or 0x2A700 <= o <= 0x2B73F or 0x2B740 <= o <= 0x2B81F or 0x2B920 <= o <= 0x2CEAF
            or 0xF900 <= o <= 0xFAFF or 0x2F800 <= o <= 0x2FA1F)


def is_word_char(c):
    """\\w: alphabetic (letters, letter numbers, circled letters), marks, digits, connectors."""
    cat = category(c)
    return (cat.startswith("L") or cat.startswith("M") or cat in ("Nd", "Nl", "Pc")
            or c in "\u200c\u200d" or 0x24B6 <= ord(c) <= 0x24E9)


def lower(text):
    # Character by character, as the tokenizers do (a lone final sigma stays σ).
    return "".join(c.lower() for c in text)


# ---------------------------------------------------------------------------------------------
# GPT-2's byte encoder: printable Latin-1 bytes stand for themselves, the others are moved to
# U+0100 and up, in byte order.

def bytes_to_unicode():
    printable = (list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAD))
                 + list(range(0xAE, 0x100)))
    table = {}
    n = 0
    for b in range(256):
        if b in printable:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + n)
            n += 1
    return table


BYTE_CHAR = bytes_to_unicode()


def byte_encode(text):
    return "".join(BYTE_CHAR[b] for b in text.encode("utf-8"))


# ---------------------------------------------------------------------------------------------
# Split patterns, as hand-written scanners. Each tries the pattern's alternatives in order at
# the current position, like a backtracking regular-expression engine.

def _run(text, i, predicate):
    while i < len(text) and predicate(text[i]):
        i += 1
    return i


def _whitespace_alternatives(text, i):
    """\\s+(?!\\S)|\\s+ at i (text[i] is whitespace)."""
    end = _run(text, i, is_space)
    if end == len(text):
        return end
    if end - 1 > i:
        return end - 1  # leave one space for the next word
    return end


def gpt2_split(text):
    pieces = []
    i = 0
    contractions = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"]
    other = lambda c: not is_space(c) and not is_letter(c) and not is_number(c)
    while i < len(text):
        end = None
        for c in contractions:
            if text.startswith(c, i):
                end = i + len(c)
                break
        if end is None:
            j = i + 1 if text[i] == " " else i
            for predicate in (is_letter, is_number, other):
                if j < len(text) and predicate(text[j]):
                    end = _run(text, j, predicate)
                    break
        if end is None:
            end = _whitespace_alternatives(text, i)
        pieces.append(text[i:end])
        i = end
    return pieces


def qwen2_split(text):
    r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|
    \s*[\r\n]+|\s+(?!\S)|\s+"""
    pieces = []
    i = 0
    contractions = ["s", "t", "re", "ve", "m", "ll", "d"]
    other = lambda c: not is_space(c) and not is_letter(c) and not is_number(c)
    newline = lambda c: c in "\r\n"
    while i < len(text):
        end = None
        if text[i] == "'":
            for c in contractions:
                if text[i + 1:i + 1 + len(c)].lower() == c:
                    end = i + 1 + len(c)
                    break
        if end is None:
            c = text[i]
            if (not newline(c) and not is_letter(c) and not is_number(c) and i + 1 < len(text)
                    and is_letter(text[i + 1])):
                end = _run(text, i + 1, is_letter)
            elif is_letter(c):
                end = _run(text, i, is_letter)
            elif is_number(c):
                end = i + 1
        if end is None:
            j = i + 1 if text[i] == " " else i
            if j < len(text) and other(text[j]):
                end = _run(text, _run(text, j, other), newline)
        if end is None and is_space(text[i]):
            run = _run(text, i, is_space)
            last_newline = max((k for k in range(i, run) if newline(text[k])), default=None)
            if last_newline is not None:
                end = last_newline + 1
            else:
                end = _whitespace_alternatives(text, i)
        assert end is not None and end > i, (text, i)
        pieces.append(text[i:end])
        i = end
    return pieces


# ---------------------------------------------------------------------------------------------
# Byte-pair encoding, as GPT-2's encoder.py does it: find the adjacent pair with the lowest
# rank, merge every occurrence of it from left to right, repeat.

def bpe(symbols, merges):
    """merges: (left, right) -> (rank, merged)."""
    word = list(symbols)
    while len(word) > 1:
        best = None
        for pair in zip(word, word[1:]):
            if pair in merges and (best is None or merges[pair][0] < merges[best][0]):
                best = pair
        if best is None:
            break
        merged = merges[best][1]
        new = []
        i = 0
        while i < len(word):
            if i + 1 < len(word) and (word[i], word[i + 1]) == best:
                new.append(merged)
                i += 2
            else:
                new.append(word[i])
                i += 1
        word = new
    return word


def merge_table(merges, prefix=""):
    table = {}
    for rank, (a, b) in enumerate(merges):
        tail = b[len(prefix):] if prefix and b.startswith(prefix) else b
        table[(a, b)] = (rank, a + tail)
    return table


def train_bpe(words, count, initial):
    """Most frequent adjacent pair first (ties: the smallest pair); words: tuple -> frequency."""
    words = {tuple(w): f for w, f in words.items()}
    merges = []
    for _ in range(count):
        pairs = {}
        for word, freq in words.items():
            for pair in zip(word, word[1:]):
                pairs[pair] = pairs.get(pair, 0) + freq
        if not pairs:
            break
        best = min(pairs, key=lambda p: (-pairs[p], p))
        if pairs[best] < 2:
            break
        merges.append(best)
        joined = initial(best)
        new_words = {}
        for word, freq in words.items():
            out = []
            i = 0
            while i < len(word):
                if i + 1 < len(word) and (word[i], word[i + 1]) == best:
                    out.append(joined)
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            new_words[tuple(out)] = new_words.get(tuple(out), 0) + freq
        words = new_words
    return merges


# ---------------------------------------------------------------------------------------------
# Added tokens: the longest at the leftmost position.

def split_added(text, added):
    out = []
    i = last = 0
    while i < len(text):
        best = None
        for token in added:
            if text.startswith(token, i) and (best is None or len(token) > len(best)):
                best = token
        if best is None:
            i += 1
            continue
        if last < i:
            out.append((False, text[last:i]))
        out.append((True, best))
        i += len(best)
        last = i
    if last < len(text):
        out.append((False, text[last:]))
    return out


# ---------------------------------------------------------------------------------------------
# WordPiece and BERT's basic tokenizer

def wordpiece(word, vocab, unk="[UNK]", prefix="##", max_chars=100):
    if len(word) > max_chars:
        return [unk]
    out = []
    start = 0
    while start < len(word):
        end = len(word)
        found = None
        while start < end:
            sub = word[start:end]
            if start > 0:
                sub = prefix + sub
            if sub in vocab:
                found = sub
                break
            end -= 1
        if found is None:
            return [unk]
        out.append(found)
        start = end
    return out


def bert_basic(text, lowercase=True, strip_accents=None, chinese=True):
    cleaned = []
    for c in text:
        if c in "\x00\ufffd":
            continue
        if c not in "\t\n\r" and category(c).startswith("C"):
            continue
        cleaned.append(" " if is_space(c) else c)
    text = "".join(cleaned)
    if chinese:
        text = "".join(" " + c + " " if is_cjk(c) else c for c in text)
    if strip_accents is None:
        strip_accents = lowercase
    if strip_accents:
        text = "".join(c for c in unicodedata.normalize("NFD", text) if category(c) != "Mn")
    if lowercase:
        text = lower(text)
    words = []
    for word in "".join(" " if is_space(c) else c for c in text).split(" "):
        current = ""
        for c in word:
            if is_punctuation(c):
                if current:
                    words.append(current)
                words.append(c)
                current = ""
            else:
                current += c
        if current:
            words.append(current)
    return words


def whitespace_split(text):
    words, current = [], ""
    for c in text:
        if is_space(c):
            if current:
                words.append(current)
            current = ""
        else:
            current += c
    if current:
        words.append(current)
    return words


def isolate(words, predicate):
    out = []
    for word in words:
        current = ""
        for c in word:
            if predicate(c):
                if current:
                    out.append(current)
                out.append(c)
                current = ""
            else:
                current += c
        if current:
            out.append(current)
    return out


def whitespace_words(text):
    """\\w+|[^\\w\\s]+, whitespace dropped."""
    out = []
    i = 0
    while i < len(text):
        c = text[i]
        if is_space(c):
            i += 1
            continue
        kind = is_word_char(c)
        j = i
        while j < len(text) and not is_space(text[j]) and is_word_char(text[j]) == kind:
            j += 1
        out.append(text[i:j])
        i = j
    return out
