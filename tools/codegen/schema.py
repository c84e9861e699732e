"""Parser and model for Sluice's protocol definition files (see schemas/README.md)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

PRIMITIVES = {
    # name: (wire kind, C++ type, fixed size or None)
    "bool": ("bool", "bool", 1),
    "int8": ("int8", "int8_t", 1),
    "int16": ("int16", "int16_t", 2),
    "int32": ("int32", "int32_t", 4),
    "int64": ("int64", "int64_t", 8),
    "uint16": ("uint16", "uint16_t", 2),
    "uint32": ("uint32", "uint32_t", 4),
    "float64": ("float64", "double", 8),
    "uuid": ("uuid", "::sluice::uuid", 16),
    "string": ("string", "std::string", None),
    "bytes": ("bytes", "::sluice::protocol::bytes_value", None),
    "records": ("records", "::sluice::protocol::records_view", None),
    # id types: a primitive on the wire, a strong type in C++
    "offset": ("int64", "::sluice::model::offset", 8),
    "partition_id": ("int32", "::sluice::model::partition_id", 4),
    "node_id": ("int32", "::sluice::model::node_id", 4),
    "producer_id": ("int64", "::sluice::model::producer_id", 8),
    "producer_epoch": ("int16", "::sluice::model::producer_epoch", 2),
    "leader_epoch": ("int32", "::sluice::model::leader_epoch", 4),
    "error_code": ("int16", "::sluice::protocol::error_code", 2),
}

KINDS = {"request", "response", "header", "data"}
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
CPP_KEYWORDS = {
    "and", "auto", "bool", "break", "case", "catch", "char", "class", "const", "continue",
    "default", "delete", "do", "double", "else", "enum", "explicit", "export", "extern",
    "false", "float", "for", "friend", "goto", "if", "inline", "int", "long", "mutable",
    "namespace", "new", "not", "operator", "or", "private", "protected", "public", "register",
    "return", "short", "signed", "sizeof", "static", "struct", "switch", "template", "this",
    "throw", "true", "try", "typedef", "union", "unsigned", "using", "virtual", "void",
    "volatile", "while", "xor", "requires", "concept", "module", "import",
    # members every generated struct has
    "size", "read", "write", "visit", "encode", "decode", "for_each_field", "to_json",
    "unknown_tagged_fields",
}
ROOT_RESERVED = {"api_key", "min_version", "max_version", "first_flexible_version", "message_name"}


class SchemaError(Exception):
    pass


@dataclass(frozen=True)
class Versions:
    lo: int
    hi: int | None  # None: open-ended (up to the message's highest version)

    def contains(self, v: int) -> bool:
        return v >= self.lo and (self.hi is None or v <= self.hi)

    def clamp(self, hi: int) -> "Versions":
        return Versions(self.lo, hi if self.hi is None else min(self.hi, hi))

    def within(self, other: "Versions") -> bool:
        if self.lo < other.lo:
            return False
        if other.hi is None:
            return True
        return self.hi is not None and self.hi <= other.hi

    def __str__(self) -> str:
        return f"{self.lo}+" if self.hi is None else f"{self.lo}-{self.hi}"


def parse_versions(text: str, where: str) -> Versions:
    m = re.fullmatch(r"(\d+)(\+|-(\d+))?", text)
    if not m:
        raise SchemaError(f"{where}: bad version range '{text}'")
    lo = int(m.group(1))
    if m.group(2) == "+":
        return Versions(lo, None)
    if m.group(3) is not None:
        hi = int(m.group(3))
        if hi < lo:
            raise SchemaError(f"{where}: empty version range '{text}'")
        return Versions(lo, hi)
    return Versions(lo, lo)


@dataclass
class Field:
    name: str
    type_name: str  # element type for arrays
    is_array: bool
    versions: Versions
    nullable: Versions | None = None
    tag: int | None = None
    tagged_versions: Versions | None = None
    default: str | None = None
    noflex: bool = False
    struct: "Struct | None" = None  # set when the (element) type is a struct
    line: int = 0

    @property
    def is_struct(self) -> bool:
        return self.struct is not None

    @property
    def cpp_name(self) -> str:
        return self.name + "_" if self.name in CPP_KEYWORDS else self.name


@dataclass
class Struct:
    name: str
    fields: list[Field] = field(default_factory=list)
    versions: Versions = Versions(0, None)


@dataclass
class Message:
    name: str
    kind: str
    api_key: int | None
    versions: Versions
    flexible: Versions | None
    root: Struct
    structs: list[Struct]  # every struct, innermost first (declaration order for C++)
    path: Path

    def is_flexible(self, v: int) -> bool:
        return self.flexible is not None and self.flexible.contains(v)


@dataclass
class SchemaFile:
    path: Path
    messages: list[Message]
    shared: dict[str, Struct]


def _tokens(line: str) -> list[str]:
    # double-quoted strings (defaults) may hold spaces
    return re.findall(r'"(?:[^"\\]|\\.)*"|\S+', line)


def parse_file(path: Path) -> SchemaFile:
    raw = path.read_text().splitlines()
    lines: list[tuple[int, int, list[str]]] = []  # (lineno, indent, tokens)
    for i, text in enumerate(raw, 1):
        text = text.split("#", 1)[0].rstrip() if '"' not in text else _strip_comment(text)
        if not text.strip():
            continue
        if "\t" in text[: len(text) - len(text.lstrip())]:
            raise SchemaError(f"{path}:{i}: tabs are not allowed in indentation")
        indent = len(text) - len(text.lstrip(" "))
        lines.append((i, indent, _tokens(text)))

    shared: dict[str, Struct] = {}
    messages: list[Message] = []
    pos = 0
    # first pass: shared structs (they may be referenced before they appear)
    blocks: list[tuple[int, int, int]] = []  # (start index, end index, line)
    while pos < len(lines):
        lineno, indent, toks = lines[pos]
        if indent != 0:
            raise SchemaError(f"{path}:{lineno}: expected 'message' or 'struct' at column 0")
        end = pos + 1
        while end < len(lines) and lines[end][1] > 0:
            end += 1
        blocks.append((pos, end, lineno))
        pos = end

    for start, end, lineno in blocks:
        toks = lines[start][2]
        if toks[0] == "struct":
            if len(toks) != 2 or not NAME_RE.match(toks[1]):
                raise SchemaError(f"{path}:{lineno}: expected 'struct <name>'")
            if toks[1] in shared:
                raise SchemaError(f"{path}:{lineno}: struct {toks[1]} defined twice")
            shared[toks[1]] = Struct(toks[1])

    ctx = _Ctx(path, shared)
    # shared structs first, so that messages above them in the file see their fields
    blocks.sort(key=lambda b: 0 if lines[b[0]][2][0] == "struct" else 1)
    for start, end, lineno in blocks:
        toks = lines[start][2]
        if toks[0] == "struct":
            st = shared[toks[1]]
            ctx.structs = []
            ctx.local = {}
            ctx.max_version = None
            st.fields = ctx.parse_fields(lines, start + 1, end, Versions(0, None))
            st._inner = ctx.structs  # type: ignore[attr-defined]
        elif toks[0] == "message":
            messages.append(_parse_message(ctx, lines, start, end))
        else:
            raise SchemaError(f"{path}:{lineno}: expected 'message' or 'struct', got '{toks[0]}'")

    return SchemaFile(path, messages, shared)


def _strip_comment(text: str) -> str:
    out, in_str = [], False
    for i, ch in enumerate(text):
        if ch == '"' and (i == 0 or text[i - 1] != "\\"):
            in_str = not in_str
        if ch == "#" and not in_str:
            break
        out.append(ch)
    return "".join(out).rstrip()


class _Ctx:
    def __init__(self, path: Path, shared: dict[str, Struct]):
        self.path = path
        self.shared = shared
        self.structs: list[Struct] = []
        self.local: dict[str, Struct] = {}
        self.max_version: int | None = None
        self.flexible: Versions | None = None

    def err(self, lineno: int, msg: str) -> SchemaError:
        return SchemaError(f"{self.path}:{lineno}: {msg}")

    def parse_fields(self, lines, start: int, end: int, parent: Versions) -> list[Field]:
        fields: list[Field] = []
        if start >= end:
            return fields
        indent = lines[start][1]
        i = start
        while i < end:
            lineno, ind, toks = lines[i]
            if ind != indent:
                raise self.err(lineno, f"unexpected indentation ({ind}, expected {indent})")
            j = i + 1
            while j < end and lines[j][1] > indent:
                j += 1
            f = self.parse_field(lineno, toks, parent)
            if f.name in {g.name for g in fields}:
                raise self.err(lineno, f"field {f.name} defined twice")
            base = f.type_name
            if base not in PRIMITIVES:
                if j > i + 1:  # inline struct definition
                    if base in self.local or base in self.shared:
                        raise self.err(lineno, f"struct {base} defined twice")
                    st = Struct(base, versions=f.versions)
                    self.local[base] = st
                    st.fields = self.parse_fields(lines, i + 1, j, f.versions)
                    self.structs.append(st)
                    f.struct = st
                elif base in self.local:
                    f.struct = self.local[base]
                elif base in self.shared:
                    f.struct = self.shared[base]
                else:
                    raise self.err(lineno, f"unknown type '{base}'")
            elif j > i + 1:
                raise self.err(lineno, f"primitive field {f.name} cannot have nested fields")
            fields.append(f)
            i = j
        tags = [f.tag for f in fields if f.tag is not None]
        if len(tags) != len(set(tags)):
            raise self.err(lines[start][0], "duplicate tag in struct")
        return fields

    def parse_field(self, lineno: int, toks: list[str], parent: Versions) -> Field:
        if len(toks) < 2:
            raise self.err(lineno, "a field needs a name and a type")
        name, typ = toks[0], toks[1]
        if not NAME_RE.match(name):
            raise self.err(lineno, f"field name '{name}' must be snake_case")
        is_array = typ.startswith("[]")
        base = typ[2:] if is_array else typ
        if not NAME_RE.match(base):
            raise self.err(lineno, f"bad type '{typ}'")
        f = Field(name, base, is_array, parent, line=lineno)
        for tok in toks[2:]:
            if tok.startswith("v") and re.fullmatch(r"v\d+(\+|-\d+)?", tok):
                f.versions = parse_versions(tok[1:], f"{self.path}:{lineno}")
            elif tok == "nullable":
                f.nullable = Versions(0, None)
            elif tok.startswith("nullable=v"):
                f.nullable = parse_versions(tok[len("nullable=v"):], f"{self.path}:{lineno}")
            elif tok.startswith("tag="):
                m = re.fullmatch(r"tag=(\d+)(@v(\S+))?", tok)
                if not m:
                    raise self.err(lineno, f"bad tag '{tok}'")
                f.tag = int(m.group(1))
                if m.group(3):
                    f.tagged_versions = parse_versions(m.group(3), f"{self.path}:{lineno}")
            elif tok.startswith("default="):
                f.default = tok[len("default="):]
            elif tok == "noflex":
                f.noflex = True
            else:
                raise self.err(lineno, f"unknown attribute '{tok}'")
        if f.versions.hi is None and parent.hi is not None:
            f.versions = Versions(f.versions.lo, parent.hi)
        if not f.versions.within(parent):
            raise self.err(lineno, f"versions {f.versions} not within parent's {parent}")
        if f.tag is not None and f.tagged_versions is None:
            f.tagged_versions = f.versions
        if f.nullable is not None:
            ok_types = {"string", "bytes", "records"}
            if not (is_array or base in ok_types or base not in PRIMITIVES):
                raise self.err(lineno, f"type {typ} cannot be nullable")
        if f.default is not None:
            self.check_default(lineno, f)
        return f

    def check_default(self, lineno: int, f: Field) -> None:
        d = f.default
        if d == "null":
            if f.nullable is None:
                raise self.err(lineno, "default=null on a field that is not nullable")
            return
        if f.is_array or f.type_name not in PRIMITIVES:
            raise self.err(lineno, "only primitive fields take a non-null default")
        wire = PRIMITIVES[f.type_name][0]
        if wire == "bool":
            if d not in ("true", "false"):
                raise self.err(lineno, f"bool default must be true/false, got {d}")
        elif wire in ("string",):
            if not (d.startswith('"') and d.endswith('"')):
                raise self.err(lineno, "string default must be double-quoted")
        elif wire == "float64":
            float(d)
        elif wire.startswith("int") or wire.startswith("uint"):
            if not re.fullmatch(r"-?(0x[0-9a-fA-F]+|\d+)", d):
                raise self.err(lineno, f"integer default expected, got {d}")
        else:
            raise self.err(lineno, f"type {f.type_name} takes no default")


def _parse_message(ctx: _Ctx, lines, start: int, end: int) -> Message:
    lineno, _, toks = lines[start]
    if len(toks) < 4:
        raise ctx.err(lineno, "expected 'message <name> <kind> [key=N] versions=A-B flexible=N+|none'")
    name, kind = toks[1], toks[2]
    if not NAME_RE.match(name):
        raise ctx.err(lineno, f"message name '{name}' must be snake_case")
    if kind not in KINDS:
        raise ctx.err(lineno, f"unknown kind '{kind}'")
    api_key = None
    versions = None
    flexible: Versions | None | str = "unset"
    for tok in toks[3:]:
        if tok.startswith("key="):
            api_key = int(tok[4:])
        elif tok.startswith("versions="):
            versions = parse_versions(tok[len("versions="):], f"{ctx.path}:{lineno}")
        elif tok.startswith("flexible="):
            val = tok[len("flexible="):]
            flexible = None if val == "none" else parse_versions(val, f"{ctx.path}:{lineno}")
        else:
            raise ctx.err(lineno, f"unknown message attribute '{tok}'")
    if versions is None or versions.hi is None:
        raise ctx.err(lineno, "message needs versions=<lo>-<hi>")
    if flexible == "unset":
        raise ctx.err(lineno, "message needs flexible=<n>+ or flexible=none")
    if kind in ("request", "response") and api_key is None:
        raise ctx.err(lineno, "requests and responses need key=<api key>")
    ctx.structs = []
    ctx.local = {}
    ctx.flexible = flexible  # type: ignore[assignment]
    root = Struct(name, versions=versions)
    root.fields = ctx.parse_fields(lines, start + 1, end, versions)
    for f in root.fields:
        if f.name in ROOT_RESERVED:
            raise ctx.err(f.line, f"top-level field name '{f.name}' is reserved by the generator")
    # shared structs used by this message, with their inner structs, come first
    used_shared: list[Struct] = []
    _collect_shared(root, used_shared, set())
    structs = []
    for st in used_shared:
        structs.extend(getattr(st, "_inner", []))
        structs.append(st)
    structs.extend(ctx.structs)
    msg = Message(name, kind, api_key, versions, flexible, root, structs, ctx.path)  # type: ignore[arg-type]
    _check_tags(ctx, msg, root, set())
    return msg


def _collect_shared(st: Struct, out: list[Struct], seen: set[str]) -> None:
    for f in st.fields:
        if f.struct is not None:
            _collect_shared(f.struct, out, seen)
            if getattr(f.struct, "_inner", None) is not None and f.struct.name not in seen:
                seen.add(f.struct.name)
                out.append(f.struct)


def _check_tags(ctx: _Ctx, msg: Message, st: Struct, seen: set[int]) -> None:
    if id(st) in seen:
        return
    seen.add(id(st))
    for f in st.fields:
        if f.tag is not None:
            tv = f.tagged_versions.clamp(msg.versions.hi)  # type: ignore[union-attr]
            if msg.flexible is None or not tv.within(msg.flexible):
                raise ctx.err(f.line, f"tagged field {f.name} outside flexible versions")
        if f.struct is not None:
            _check_tags(ctx, msg, f.struct, seen)


def load_tree(root: Path) -> list[SchemaFile]:
    files = sorted(root.rglob("*.sch"))
    return [parse_file(p) for p in files]
