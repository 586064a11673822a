#!/usr/bin/env python3
"""Checks the interface translation of Attention Lab; exits 1 with a list of problems.

1. Every text that ui/ passes through tr() (or QCoreApplication::translate) is in the .ts file
   with a finished translation: lupdate is run over ui/ into a temporary copy of the committed
   .ts, so a string added since the last update shows up as unfinished.
2. Every translation keeps the %1 … %9 / %n placeholders of its source, has a mnemonic when the
   source has one, and keeps the HTML tags of its source.
3. No user-visible string literal in ui/ bypasses tr(). The sources are tokenised as C++
   (comments, raw strings, prefixes and literal concatenation handled), every call is followed
   through nested parentheses, and a literal that contains letters is reported when it is
   - an argument (at any depth) of a call that shows text to the user (setText, setToolTip,
     addAction, QMessageBox::warning, the QLabel constructor, drawText, …) and not inside tr(),
     or
   - prose anywhere outside tr(): two or more words of letters separated by spaces.
   A literal that must stay as written (a font family, an example sentence, a format name)
   carries `// notr` on its line, or is listed in ALLOWED below for files whose owners keep
   their own lines.

Usage: check_translations.py [--lupdate PATH] [--root DIR] [--scan-only | --ts-only]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

TS_GLOB = "resources/translations/attention-lab_*.ts"
SCANNED_DIRS = ["ui"]
LUPDATE_OPTIONS = ["-no-obsolete", "-locations", "none", "-silent"]

# Calls whose (nested) string arguments are translated.
TRANSLATING_CALLS = {
    "tr", "translate", "trUtf8", "qtTrId", "QT_TR_NOOP", "QT_TRANSLATE_NOOP", "QT_TR_N_NOOP",
    "QT_TRANSLATE_N_NOOP", "QT_TRID_NOOP",
}
# Calls that put text in front of the user: a literal with letters among their arguments
# bypasses the translation.
VISIBLE_CALLS = {
    # QWidget, QAction and friends
    "setText", "setToolTip", "setStatusTip", "setWhatsThis", "setWindowTitle", "setTitle",
    "setPlaceholderText", "setLabelText", "setPrefix", "setSuffix", "setSpecialValueText",
    "setAccessibleName", "setAccessibleDescription", "setIconText", "setHtml", "setMarkdown",
    "setPlainText", "showMessage", "showText",
    # containers
    "addTab", "insertTab", "setTabText", "setTabToolTip", "setTabWhatsThis", "addItem",
    "addItems", "insertItem", "insertItems", "setItemText", "setItemToolTip", "setItemData",
    "addAction", "insertAction", "addMenu", "addSection", "insertSection", "addButton",
    "addRow", "insertRow", "setHorizontalHeaderLabels", "setVerticalHeaderLabels",
    "setHeaderLabels", "setHeaderLabel", "setHeaderData", "setFormat", "setNameFilter",
    "setNameFilters",
    # dialogs
    "warning", "critical", "information", "question", "about", "getOpenFileName",
    "getOpenFileNames", "getSaveFileName", "getExistingDirectory", "getText", "getInt",
    "getDouble", "getItem",
    # QCustomPlot and painting
    "setName", "setLabel", "drawText", "QCPTextElement", "QCPItemText",
    # widgets built with their text
    "QLabel", "QPushButton", "QCheckBox", "QRadioButton", "QGroupBox", "QAction", "QMenu",
    "QDockWidget", "QCommandLinkButton", "QListWidgetItem", "QTreeWidgetItem",
    "QTableWidgetItem", "QStandardItem", "QMessageBox",
}

# Calls that look a literal up rather than show it (matching a message of the core, a key).
LOOKUP_CALLS = {
    "find", "rfind", "contains", "startsWith", "endsWith", "indexOf", "has", "compare",
    "value", "setValue", "remove", "setObjectName", "setProperty", "property", "setFamily",
    "setFamilies", "QFont",
}
# Calls that only make a string of a literal: the call around them decides.
WRAPPERS = {
    "QStringLiteral", "QLatin1String", "QLatin1StringView", "QString", "QStringView",
    "QByteArrayLiteral", "QByteArray", "fromUtf8", "fromLatin1", "fromStdString", "string",
    "string_view", "QUtf8StringView", "QAnyStringView",
}
# Function names of formulas ("vᵀ tanh(W₁q + W₂k)"), symbols rather than words.
MATH_WORDS = {"tanh", "cos", "sin", "exp", "log", "ln", "max", "min", "argmax", "argmin",
              "sqrt", "Var", "diag", "KL"}
# Names that are never translated.
PRODUCT_NAMES = {"Attention Lab"}
# Literals that stay as written, by file under the root: for lines whose owners keep them as
# they are (a `// notr` marker on the line does the same).
ALLOWED: dict[str, set[str]] = {
    # The sentence of the first start is an example in English, not interface text.
    "ui/main_window.cpp": {"The animal didn't cross the street because it was too tired"},
    # Font families tried for CJK tokens.
    "ui/heatmap_view.cpp": {"Noto Sans CJK SC", "Noto Sans CJK TC", "Noto Sans CJK JP",
                            "Droid Sans Fallback", "DejaVu Sans"},
}

NOTR_MARKER = re.compile(r"//.*\bnotr\b")
PLACEHOLDER = re.compile(r"%(?:\d+|n|L\d+)")
MNEMONIC = re.compile(r"&(?!&)(?=\S)")
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)")
# Letters of words: not modifier letters (the ᵀ of vᵀ), digits or subscripts (the ₁ of W₁q).
WORD_LETTER_CATEGORIES = {"Lu", "Ll", "Lt", "Lo"}


# --------------------------------------------------------------------------------------------
# C++ tokeniser: enough of the lexical grammar to find string literals and the calls around them.

@dataclass
class Token:
    kind: str  # "ident", "string", "punct"
    text: str  # identifier, the literal's decoded contents, or the punctuation
    line: int


STRING_START = re.compile(r'(?:u8|u|U|L)?R?"')
IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
NUMBER = re.compile(r"\.?\d(?:[\w.']|[eEpP][+-])*")
SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "0": "\0",
                  "a": "\a", "b": "\b", "f": "\f", "v": "\v", "?": "?"}


def decode_escapes(body: str) -> str:
    out = []
    i = 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            n = body[i + 1]
            if n == "x":
                m = re.match(r"[0-9a-fA-F]+", body[i + 2:])
                digits = m.group(0) if m else "0"
                out.append(chr(int(digits, 16) % 0x110000))
                i += 2 + len(digits)
                continue
            if n in "uU":
                width = 4 if n == "u" else 8
                out.append(chr(int(body[i + 2:i + 2 + width], 16)))
                i += 2 + width
                continue
            if n in "01234567":
                m = re.match(r"[0-7]{1,3}", body[i + 1:])
                out.append(chr(int(m.group(0), 8)))
                i += 1 + len(m.group(0))
                continue
            out.append(SIMPLE_ESCAPES.get(n, n))
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    line = 1
    at_line_start = True
    n = len(source)
    while i < n:
        c = source[i]
        if c == "\n":
            line += 1
            i += 1
            at_line_start = True
            continue
        if c in " \t\r\f\v":
            i += 1
            continue
        if c == "#" and at_line_start:
            # A preprocessor line (with its continuations): #include "…" is not text.
            while i < n and source[i] != "\n":
                if source[i] == "\\" and i + 1 < n and source[i + 1] == "\n":
                    line += 1
                    i += 1
                i += 1
            continue
        at_line_start = False
        if source.startswith("//", i):
            end = source.find("\n", i)
            i = n if end < 0 else end
            continue
        if source.startswith("/*", i):
            end = source.find("*/", i + 2)
            end = n if end < 0 else end + 2
            line += source.count("\n", i, end)
            i = end
            continue
        m = STRING_START.match(source, i)
        if m and (i == 0 or not (source[i - 1].isalnum() or source[i - 1] == "_")):
            start_line = line
            prefix = m.group(0)
            if prefix.endswith('R"'):
                open_paren = source.find("(", m.end())
                delimiter = source[m.end():open_paren]
                close = ')' + delimiter + '"'
                end = source.find(close, open_paren + 1)
                if end < 0:
                    raise SyntaxError(f"line {line}: unterminated raw string")
                text = source[open_paren + 1:end]
                line += source.count("\n", i, end)
                i = end + len(close)
            else:
                j = m.end()
                while j < n and source[j] != '"':
                    if source[j] == "\\":
                        j += 1
                    if source[j] == "\n":
                        raise SyntaxError(f"line {line}: unterminated string")
                    j += 1
                text = decode_escapes(source[m.end():j])
                i = j + 1
            # "a" "b" is one literal.
            if tokens and tokens[-1].kind == "string":
                tokens[-1].text += text
            else:
                tokens.append(Token("string", text, start_line))
            continue
        if c == "'" or (c in "uUL" and source.startswith("'", i + 1)) or source.startswith("u8'", i):
            j = source.find("'", i) + 1
            while j < n and source[j] != "'":
                if source[j] == "\\":
                    j += 1
                j += 1
            i = j + 1
            tokens.append(Token("punct", "'c'", line))
            continue
        m = IDENT.match(source, i)
        if m:
            tokens.append(Token("ident", m.group(0), line))
            i = m.end()
            continue
        m = NUMBER.match(source, i)
        if m:
            i = m.end()
            tokens.append(Token("punct", "0", line))
            continue
        if source.startswith("::", i) or source.startswith("->", i):
            tokens.append(Token("punct", source[i:i + 2], line))
            i += 2
            continue
        tokens.append(Token("punct", c, line))
        i += 1
    return tokens


# --------------------------------------------------------------------------------------------
# Literals and their enclosing calls

@dataclass
class Literal:
    text: str
    line: int
    calls: list[str] = field(default_factory=list)  # enclosing calls, innermost first


def literals_with_calls(tokens: list[Token]) -> list[Literal]:
    """Each string literal with the names of the calls (or constructors) that enclose it."""
    found: list[Literal] = []
    stack: list[str | None] = []  # one entry per open bracket: the call's name or None
    for index, token in enumerate(tokens):
        if token.kind == "string":
            found.append(Literal(token.text, token.line, [s for s in reversed(stack) if s]))
        elif token.kind == "punct" and token.text in "([{":
            name = None
            if token.text in "({" and index > 0:
                before = tokens[index - 1]
                if before.kind == "ident":
                    name = before.text
                elif before.kind == "punct" and before.text == ">" and token.text == "(":
                    name = template_call_name(tokens, index - 1)
            stack.append(name)
        elif token.kind == "punct" and token.text in ")]}":
            if stack:
                stack.pop()
    return found


def template_call_name(tokens: list[Token], close: int) -> str | None:
    """The name before a template argument list: static_cast<…>(…), QList<…>{…}."""
    depth = 0
    for j in range(close, -1, -1):
        t = tokens[j]
        if t.kind == "punct" and t.text == ">":
            depth += 1
        elif t.kind == "punct" and t.text == "<":
            depth -= 1
            if depth == 0:
                return tokens[j - 1].text if j > 0 and tokens[j - 1].kind == "ident" else None
        elif t.kind == "punct" and t.text in ";{}":
            return None
    return None


def visible_text(literal: str) -> str:
    """The literal without HTML tags, entities and placeholders: what could need translating."""
    text = re.sub(r"<[^<>]*>", " ", literal)
    text = re.sub(r"&[a-zA-Z]+;|&#\d+;", " ", text)
    return PLACEHOLDER.sub(" ", text)


def words(text: str) -> list[tuple[str, int, int]]:
    """Runs of two letters or more: (word, start, end)."""
    found = []
    start = None
    for i, ch in enumerate(text + " "):
        if unicodedata.category(ch) in WORD_LETTER_CATEGORIES:
            if start is None:
                start = i
        elif start is not None:
            if i - start >= 2:
                found.append((text[start:i], start, i))
            start = None
    return found


def has_words(text: str) -> bool:
    """A word that is not a formula's function name."""
    return any(word not in MATH_WORDS for word, _, _ in words(text))


def is_prose(text: str) -> bool:
    """Two words apart by spaces: "Per head", "not in the embeddings"; not "d_k", "vᵀ tanh"."""
    found = words(text)
    return any(text[a[2]:b[1]].isspace() for a, b in zip(found, found[1:]))


def scan_file(path: Path, relative: str) -> list[str]:
    return scan_source(path.read_text(encoding="utf-8"), relative)


def scan_source(source: str, relative: str) -> list[str]:
    lines = source.splitlines()
    allowed = ALLOWED.get(relative, set())
    problems = []
    for literal in literals_with_calls(tokenize(source)):
        if any(call in TRANSLATING_CALLS for call in literal.calls):
            continue
        text = visible_text(literal.text)
        if not has_words(text) or literal.text in allowed or literal.text in PRODUCT_NAMES:
            continue
        line_text = lines[literal.line - 1] if literal.line - 1 < len(lines) else ""
        if NOTR_MARKER.search(line_text):
            continue
        sink = next((call for call in literal.calls if call in VISIBLE_CALLS), None)
        outer = [call for call in literal.calls if call not in WRAPPERS]
        looked_up = bool(outer) and outer[0] in LOOKUP_CALLS
        if sink and not looked_up:
            reason = f"shown by {sink}() without tr()"
        elif is_prose(text) and not looked_up:
            reason = "prose outside tr()"
        else:
            continue
        shown = literal.text if len(literal.text) <= 70 else literal.text[:67] + "…"
        problems.append(f"{relative}:{literal.line}: {reason}: \"{shown}\"")
    return problems


def scan_sources(root: Path) -> list[str]:
    problems = []
    for folder in SCANNED_DIRS:
        for path in sorted((root / folder).glob("*")):
            if path.suffix in (".cpp", ".h"):
                problems += scan_file(path, path.relative_to(root).as_posix())
    return problems


# --------------------------------------------------------------------------------------------
# The .ts files

def message_key(context: str, message: ET.Element) -> str:
    source = message.findtext("source") or ""
    comment = message.findtext("comment") or ""
    return f"{context}\x00{source}\x00{comment}"


def check_ts(path: Path, label: str) -> tuple[list[str], int]:
    """Problems of the translations in `path` and the number of messages."""
    problems = []
    count = 0
    root = ET.parse(path).getroot()
    for context in root.iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            count += 1
            source = message.findtext("source") or ""
            translation_element = message.find("translation")
            kind = translation_element.get("type", "") if translation_element is not None else ""
            if kind in ("obsolete", "vanished"):
                continue
            where = f"{label}: {name}: \"{source[:60]}\""
            if message.get("numerus") == "yes":
                forms = [f.text or "" for f in translation_element.iter("numerusform")]
            else:
                forms = [translation_element.text or ""] if translation_element is not None else [""]
            if kind == "unfinished" or not all(f.strip() for f in forms):
                problems.append(f"{where}: not translated")
                continue
            for text in forms:
                problems += [f"{where}: {p}" for p in compare_texts(source, text,
                                                                    message.get("numerus") == "yes")]
    return problems, count


def compare_texts(source: str, translation: str, numerus: bool) -> list[str]:
    problems = []
    wanted = sorted(set(PLACEHOLDER.findall(source)))
    have = sorted(set(PLACEHOLDER.findall(translation)))
    if numerus:
        wanted = [p for p in wanted if p != "%n"]
        have = [p for p in have if p != "%n"]
    if wanted != have:
        problems.append(f"placeholders {wanted} in the source, {have} in the translation")
    plain_source = re.sub(r"<[^<>]*>", "", source).replace("&&", "")
    plain_translation = re.sub(r"<[^<>]*>", "", translation).replace("&&", "")
    source_has_mnemonic = MNEMONIC.search(re.sub(r"&[a-zA-Z]+;|&#\d+;", "", plain_source))
    translation_has_mnemonic = MNEMONIC.search(
        re.sub(r"&[a-zA-Z]+;|&#\d+;", "", plain_translation))
    if source_has_mnemonic and not translation_has_mnemonic:
        problems.append("the source has a mnemonic (&), the translation none")
    if sorted(t.lower() for t in TAG.findall(source)) != sorted(
            t.lower() for t in TAG.findall(translation)):
        problems.append("the HTML tags differ from the source's")
    return problems


def find_lupdate(explicit: str | None) -> str:
    if explicit:
        return explicit
    found = shutil.which("lupdate")
    if found and "qt6" in os.path.realpath(found):
        return found
    for command in (["qtpaths6", "--query", "QT_HOST_BINS"], ["qmake6", "-query", "QT_HOST_BINS"]):
        try:
            bins = subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            continue
        candidate = Path(bins) / "lupdate"
        if candidate.exists():
            return str(candidate)
    for candidate in ("/usr/lib/qt6/bin/lupdate", "/usr/lib/x86_64-linux-gnu/qt6/bin/lupdate"):
        if Path(candidate).exists():
            return candidate
    sys.exit("check_translations: lupdate of Qt 6 not found (Debian package qt6-l10n-tools)")


def check_translations(root: Path, lupdate: str) -> list[str]:
    problems = []
    ts_files = sorted(root.glob(TS_GLOB))
    if not ts_files:
        problems.append(f"no {TS_GLOB}")
    for committed in ts_files:
        relative = committed.relative_to(root).as_posix()
        own, count = check_ts(committed, relative)
        problems += own
        with tempfile.TemporaryDirectory() as work:
            fresh = Path(work) / committed.name
            shutil.copyfile(committed, fresh)
            result = subprocess.run(
                [lupdate, *LUPDATE_OPTIONS, *[str(root / d) for d in SCANNED_DIRS], "-ts",
                 str(fresh)], capture_output=True, text=True)
            if result.returncode != 0:
                problems.append(f"lupdate failed: {result.stderr.strip()}")
                continue
            for line in result.stderr.splitlines():
                # lupdate's warnings about tr() it cannot read (a non-literal argument etc.)
                if "warning" in line.lower() or "error" in line.lower():
                    problems.append(f"lupdate: {line.strip()}")
            fresh_problems, fresh_count = check_ts(fresh, relative + " (as lupdate sees ui/ now)")
            new = [p for p in fresh_problems if p.endswith("not translated")]
            problems += new
            if fresh_count != count and not new:
                problems.append(f"{relative}: has {count} messages, ui/ has {fresh_count}: run "
                                "scripts/update-translations.sh")
    return problems


# The scanner on code with known bypasses: each line ending in "// bad" must be reported, no
# other line may be.
SELF_TEST_SOURCE = r'''
#include "not text.h"
#define TITLE "Not text either"
void f(QWidget* w, QLabel* label, QComboBox* box, QMenu* menu) {
    label->setText("Hello");  // bad
    label->setText(tr("Hello"));
    auto* l = new QLabel(QStringLiteral("Per head"), w);  // bad
    box->addItem(tr("A %1").arg(QStringLiteral("dot")), 3);  // bad
    QMessageBox::warning(w, QStringLiteral("Title"), tr("x"));  // bad
    static const char* names[] = {"Scaled dot product", "d_k"};  // bad
    QString raw = R"x(raw text "here")x";  // bad
    QString cjk = u8"中文 提示";  // bad
    QString split = "two words "  // bad
                    "over two lines";
    label->setToolTip(QString::number(3) + " ms");  // bad
    menu->addAction(
        QStringLiteral("&Open"),  // bad
        w, [] {});
    painter.drawText(rect, Qt::AlignLeft, QLatin1String("mean"));  // bad
    QLabel plain("Direct construction", w);  // bad
    // A comment with "quoted words" is no literal.
    /* Nor "this one" */
    label->setText(QCoreApplication::translate("Context", "Translated text"));
    label->setToolTip(QT_TR_NOOP("Marked for translation"));
    label->setText(QStringLiteral("q·k = %1").arg(1));
    label->setText(QStringLiteral("vᵀ tanh(W₁q + W₂k) = %1"));
    label->setText(QStringLiteral("<b>%1</b> %2").arg(1).arg(2));
    label->setObjectName(QStringLiteral("sentence field"));
    settings.setValue(QStringLiteral("ui/language"), 1);
    if (message.find("not divisible") != std::string::npos) {}
    char quote = '"'; int n = 1'000;
    label->setText(QStringLiteral("Kept as written"));  // notr
    setWindowTitle(QStringLiteral("Attention Lab"));
}
'''


# A .ts with one good entry and one of each fault the checks must report.
SELF_TEST_TS = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>Sample</name>
    <message><source>&amp;File</source><translation>文件(&amp;F)</translation></message>
    <message><source>&amp;Edit</source><translation>编辑</translation></message>
    <message><source>%1 heads</source><translation>个头</translation></message>
    <message><source>&lt;b&gt;%1&lt;/b&gt;</source><translation>%1</translation></message>
    <message><source>Untranslated</source><translation type="unfinished"></translation></message>
    <message><source>Empty</source><translation></translation></message>
    <message><source>Gone</source><translation type="vanished">走了</translation></message>
</context>
</TS>
"""
SELF_TEST_TS_FAULTS = ["mnemonic", "placeholders", "HTML tags", "not translated",
                       "not translated"]


def self_test() -> int:
    failed = False
    lines = SELF_TEST_SOURCE.splitlines()
    expected = {i + 1 for i, text in enumerate(lines) if text.rstrip().endswith("// bad")}
    found = {int(problem.split(":")[1]) for problem in scan_source(SELF_TEST_SOURCE, "sample")}
    if found != expected:
        print(f"scanner self-test failed: missed lines {sorted(expected - found)}, "
              f"wrongly reported lines {sorted(found - expected)}")
        failed = True
    else:
        print(f"scanner self-test: the {len(expected)} bypasses found, nothing else")

    with tempfile.TemporaryDirectory() as work:
        ts = Path(work) / "sample_zh_CN.ts"
        ts.write_text(SELF_TEST_TS, encoding="utf-8")
        problems, count = check_ts(ts, "sample")
    reported = [next((f for f in SELF_TEST_TS_FAULTS if f in p), p) for p in problems]
    if sorted(reported) != sorted(SELF_TEST_TS_FAULTS) or count != 7:
        print("translation self-test failed: expected", SELF_TEST_TS_FAULTS, "got", problems)
        failed = True
    else:
        print(f"translation self-test: the {len(SELF_TEST_TS_FAULTS)} faults found, nothing else")
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent))
    parser.add_argument("--lupdate")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--scan-only", action="store_true", help="only the tr() bypass scan")
    group.add_argument("--ts-only", action="store_true", help="only the .ts checks")
    group.add_argument("--self-test", action="store_true",
                       help="check the scanner on code with known bypasses")
    args = parser.parse_args()
    if args.self_test:
        return self_test()
    root = Path(args.root)

    problems = []
    if not args.ts_only:
        scanned = scan_sources(root)
        problems += scanned
    if not args.scan_only:
        problems += check_translations(root, find_lupdate(args.lupdate))
    for problem in problems:
        print(problem)
    if problems:
        print(f"check_translations: {len(problems)} problem(s); strings go through tr() and "
              "scripts/update-translations.sh updates the .ts", file=sys.stderr)
        return 1
    print("check_translations: every interface string is translated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
