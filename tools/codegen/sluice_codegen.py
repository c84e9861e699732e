#!/usr/bin/env python3
"""Sluice protocol code generator: schemas/*.sch -> C++ in the build directory.

  sluice_codegen.py --check <schemas dir>            validate every definition
  sluice_codegen.py --out <dir> <schemas dir>        write generated C++ into <dir>
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from schema import SchemaError, load_tree, parse_file  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--out", type=Path)
    ap.add_argument("schemas", type=Path, nargs="+", help="schema directories or .sch files")
    args = ap.parse_args()
    try:
        files = []
        for p in args.schemas:
            files.extend(load_tree(p) if p.is_dir() else [parse_file(p)])
    except SchemaError as e:
        print(f"schema error: {e}", file=sys.stderr)
        return 1
    names: dict[str, Path] = {}
    for f in files:
        for m in f.messages:
            if m.name in names:
                print(f"schema error: message {m.name} in {f.path} and {names[m.name]}", file=sys.stderr)
                return 1
            names[m.name] = f.path
    if args.check:
        print(f"ok: {len(files)} files, {len(names)} messages")
        return 0
    if args.out is None:
        ap.error("--out or --check required")
    import emit_cpp  # noqa: E402
    emit_cpp.write_all(files, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
