#!/usr/bin/env python3
"""Quick cache keys for scripts/tidy.sh, from the build's dependency files.

    tidy_keys.py ROOT BUILD_DIR SALT FILE...

prints one line per FILE: the file, a tab, and its key (or "-" when there is none). The key is
a hash of SALT (the cache format, clang-tidy's version and .clang-tidy), the file's compile
command and the content of every file the compiler read for it (its dependency file, written by
the build). It stands for the same input as the preprocessed text that tidy.sh hashes otherwise,
at the cost of reading files instead of running the preprocessor on each source (seconds for the
whole core instead of minutes).

With Ninja, which keeps the lists in its own log instead of dependency files, the list is asked
of `ninja -t deps`. A file gets no key when its object has no such list, or when the source or
any file it lists is newer than it: the list may then miss an #include added since the build, and
tidy.sh falls back to the preprocessed text.
"""

import hashlib
import json
import os
import shlex
import subprocess
import sys


def dependencies(depfile):
    """The paths listed in a Makefile-style dependency file, after the target."""
    with open(depfile, encoding="utf-8") as stream:
        text = stream.read().replace("\\\n", " ")
    _, _, listed = text.partition(": ")
    # Escaped spaces do not occur in the project's paths or the system's headers.
    return listed.split()


def ninja_dependencies(build_dir, objects):
    """{object: (time of the object, [paths])} from Ninja's log, for objects it lists as valid."""
    if not objects or not os.path.exists(os.path.join(build_dir, "build.ninja")):
        return {}
    try:
        text = subprocess.run(["ninja", "-C", build_dir, "-t", "deps", *objects],
                              capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    found = {}
    current = None
    for line in text.splitlines():
        if line and not line.startswith(" "):
            target, _, state = line.partition(": ")
            current = target if state.endswith("(VALID)") else None
            if current is not None:
                found[current] = []
        elif line.strip() and current is not None:
            found[current].append(line.strip())
    result = {}
    for target, paths in found.items():
        try:
            made = os.stat(os.path.join(build_dir, target)).st_mtime
        except OSError:
            continue
        result[target] = (made, paths)
    return result


def main():
    root, build_dir, salt = sys.argv[1], sys.argv[2], sys.argv[3]
    files = sys.argv[4:]
    with open(os.path.join(build_dir, "compile_commands.json"), encoding="utf-8") as stream:
        entries = {entry["file"]: entry for entry in json.load(stream)}
    content_hashes = {}

    def content_hash(path):
        if path not in content_hashes:
            with open(path, "rb") as stream:
                content_hashes[path] = hashlib.sha256(stream.read()).hexdigest()
        return content_hashes[path]

    def portable(text):
        return text.replace(root, "@")

    objects = {}
    for file in files:
        entry = entries.get(os.path.join(root, file))
        if entry is not None:
            args = shlex.split(entry["command"])
            if "-o" in args:
                objects[file] = (entry, args[args.index("-o") + 1])
    from_ninja = ninja_dependencies(
        build_dir, [obj for entry, obj in objects.values()
                    if not os.path.exists(os.path.join(entry["directory"], obj + ".d"))])

    for file in files:
        key = "-"
        if file in objects:
            entry, obj = objects[file]
            try:
                if obj in from_ninja:
                    made, paths = from_ninja[obj]
                else:
                    depfile = os.path.join(entry["directory"], obj + ".d")
                    made, paths = os.stat(depfile).st_mtime, dependencies(depfile)
                listed = [os.path.normpath(os.path.join(entry["directory"], path))
                          for path in paths]
                if listed and all(os.stat(path).st_mtime <= made for path in listed):
                    digest = hashlib.sha256()
                    digest.update(salt.encode())
                    digest.update(portable(file + "\n" + entry["command"]).encode())
                    for path in sorted(set(listed)):
                        digest.update(portable(path).encode() + b"\0")
                        digest.update(content_hash(path).encode())
                    key = "deps-" + digest.hexdigest()
            except OSError:
                key = "-"
        print(f"{file}\t{key}")


if __name__ == "__main__":
    main()
