#!/usr/bin/env python3
"""Compiles every ```c and ```cpp block of README.md with -Wall -Wextra -Werror and links it
against the built libportmqtt.

  check_readme_snippets.py README CC CXX LIBRARY INCLUDE_DIR...

CFLAGS, CXXFLAGS and LDFLAGS from the environment are added (a sanitizer build's flags).

A block is a whole translation unit unless the line just before its opening fence is an HTML
comment naming a wrapper:

  <!-- snippet: main_body -->
  ```cpp
  #include "portmqtt/client.hpp"
  portmqtt::Config config;
  ```

The wrapper is readme_snippets/<name>.c or .cpp beside this script. The block's leading
#include lines replace the wrapper's line "// @includes" and the rest of the block replaces the
line "// @body" (comments, so that the wrappers stay valid C and C++ for clang-format). Each
wrapper says which README blocks it serves and what it adds.
"""
import os
import pathlib
import re
import subprocess
import sys
import tempfile

FENCE = re.compile(r"^```(c|cpp)\s*$")
MARKER = re.compile(r"^<!--\s*snippet:\s*([A-Za-z0-9_]+)\s*-->\s*$")


def snippets(readme):
    """Yields (line number, language, wrapper name or None, code) for each c/cpp block."""
    lines = readme.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        fence = FENCE.match(lines[i])
        if not fence:
            i += 1
            continue
        marker = MARKER.match(lines[i - 1]) if i > 0 else None
        start = i + 1
        end = start
        while end < len(lines) and lines[end].rstrip() != "```":
            end += 1
        if end == len(lines):
            raise SystemExit(f"README.md:{i + 1}: code block never closed")
        yield start, fence.group(1), marker.group(1) if marker else None, lines[start:end]
        i = end + 1


def wrap(code, wrapper_path):
    includes = []
    body = list(code)
    while body and (body[0].startswith("#include") or not body[0].strip()):
        includes.append(body.pop(0))
    out = []
    for line in wrapper_path.read_text(encoding="utf-8").splitlines():
        if line.strip() == "// @includes":
            out.extend(includes)
        elif line.strip() == "// @body":
            out.extend(body)
        else:
            out.append(line)
    return out


def main():
    if len(sys.argv) < 6:
        raise SystemExit(__doc__)
    readme, cc, cxx, library = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    includes = [f"-I{d}" for d in sys.argv[5:]]
    wrappers = pathlib.Path(__file__).resolve().parent / "readme_snippets"
    failures = 0
    count = 0
    with tempfile.TemporaryDirectory(prefix="portmqtt-readme-") as work:
        for line, language, wrapper, code in snippets(readme):
            count += 1
            extension = "c" if language == "c" else "cpp"
            source = list(code)
            if wrapper:
                wrapper_path = wrappers / f"{wrapper}.{extension}"
                if not wrapper_path.exists():
                    print(f"README.md:{line}: no wrapper {wrapper_path}")
                    failures += 1
                    continue
                source = wrap(code, wrapper_path)
            path = os.path.join(work, f"readme_line{line}.{extension}")
            with open(path, "w", encoding="utf-8") as f:
                f.write("\n".join(source) + "\n")
            if language == "c":
                command = [cc, "-std=c11", *os.environ.get("CFLAGS", "").split()]
            else:
                command = [cxx, "-std=c++20", *os.environ.get("CXXFLAGS", "").split()]
            command += [*os.environ.get("LDFLAGS", "").split(), "-Wall", "-Wextra", "-Werror", *includes, path, "-o", path + ".out",
                        library, f"-Wl,-rpath,{os.path.dirname(library)}", "-pthread"]
            result = subprocess.run(command, capture_output=True, text=True)
            what = f"README.md:{line}: ```{language} block" + (f" in {wrapper}" if wrapper else "")
            if result.returncode != 0:
                failures += 1
                print(f"FAIL {what}\n{result.stdout}{result.stderr}")
                print("--- the compiled file:")
                for n, text in enumerate(source, 1):
                    print(f"{n:4} {text}")
            else:
                print(f"ok   {what}")
    if count == 0:
        raise SystemExit("README.md has no c or cpp block: the test would prove nothing")
    if failures:
        raise SystemExit(f"{failures} of {count} README snippets do not compile warning-free")
    print(f"all {count} README snippets compile with -Wall -Wextra -Werror")


if __name__ == "__main__":
    main()
