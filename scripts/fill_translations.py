#!/usr/bin/env python3
"""Fills unfinished entries of a Qt .ts file from a Python dict file (source -> translation).

    scripts/fill_translations.py resources/translations/attention-lab_zh_CN.ts table.py

table.py defines T = {source: translation}. Only entries marked unfinished whose source is in T
change; the rest of the file is left byte for byte as lupdate wrote it.
"""
import html
import re
import sys


def main():
    ts_path, table_path = sys.argv[1], sys.argv[2]
    scope = {}
    exec(open(table_path, encoding="utf-8").read(), scope)
    table = scope["T"]
    text = open(ts_path, encoding="utf-8").read()
    pattern = re.compile(
        r"(<source>)([^<]*)(</source>(?:(?!<message).)*?<translation) type=\"unfinished\">([^<]*)(</translation>)", re.S)

    filled = 0

    def replace(match):
        nonlocal filled
        if "<message" in match.group(3):
            return match.group(0)
        source = html.unescape(match.group(2))
        if source not in table:
            return match.group(0)
        filled += 1
        translated = html.escape(table[source], quote=False).replace("'", "&apos;").replace('"', "&quot;")
        return f"{match.group(1)}{match.group(2)}{match.group(3)}>{translated}{match.group(5)}"

    text = pattern.sub(replace, text)
    open(ts_path, "w", encoding="utf-8").write(text)
    print(f"filled {filled} entries")


if __name__ == "__main__":
    main()
