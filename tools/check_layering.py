#!/usr/bin/env python3
"""Fails when a module under src/ includes a header of a module it may not depend on.

The allowed dependencies are the one-way layering of docs/architecture.md. A module not in
the table is an error too, so a new module must be placed in the layering on purpose.
"""
import re
import sys
from pathlib import Path

ALLOWED = {
    "base": set(),
    "protocol": {"base"},
    "net": {"base", "protocol"},
    "storage": {"base", "protocol"},
    "raft": {"base", "protocol", "storage"},
    "cluster": {"base", "protocol", "storage", "raft"},
    "replication": {"base", "protocol", "storage", "cluster"},
    "coordinator": {"base", "protocol", "storage", "cluster"},
    "txn": {"base", "protocol"},
    "server": {"base", "protocol", "net", "storage", "raft", "cluster", "replication", "coordinator", "txn"},
    "admin": {"base", "protocol", "net", "storage", "raft", "cluster", "replication", "coordinator", "txn", "server"},
    "app": {"base", "protocol", "net", "storage", "raft", "cluster", "replication", "coordinator", "txn", "server", "admin",
            "cli"},
    "cli": {"base", "protocol"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s*"([a-z_]+)/', re.M)


def main() -> int:
    src = Path(sys.argv[1])
    errors = []
    for module_dir in sorted(p for p in src.iterdir() if p.is_dir()):
        module = module_dir.name
        if module not in ALLOWED:
            errors.append(f"{module_dir}: module '{module}' is not in the layering table")
            continue
        for f in sorted(module_dir.rglob("*")):
            if f.suffix not in (".h", ".cc"):
                continue
            in_tests = "tests" in f.relative_to(module_dir).parts
            for m in INCLUDE.finditer(f.read_text(errors="replace")):
                target = m.group(1)
                if target == module or target not in ALLOWED:
                    continue
                if target not in ALLOWED[module] and not in_tests:
                    errors.append(f"{f}: '{module}' may not include from '{target}'")
    for e in errors:
        print(f"layering error: {e}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
