"""Writes C++ for parsed schema files: one .h/.cc pair per file, all_messages.h, registry.cc.

Each struct gets read(reader&, v), write(writer&, v), size(v), for_each_field(v, f) and ==.
Version checks are emitted as runtime conditions on `v`; `flex` is whether v is flexible.
"""
from __future__ import annotations

from pathlib import Path

from schema import PRIMITIVES, Field, Message, SchemaFile, Struct, Versions

FIXED_WRITE = {
    "bool": "bool", "int8": "int8", "int16": "int16", "int32": "int32", "int64": "int64",
    "uint16": "uint16", "uint32": "uint32", "float64": "float64", "uuid": "uuid",
}
ID_TYPES = {"offset", "partition_id", "node_id", "producer_id", "producer_epoch", "leader_epoch"}


def file_stem(sf: SchemaFile, schemas_root: Path) -> str:
    rel = sf.path.resolve().relative_to(schemas_root)
    parts = list(rel.parent.parts) + [rel.stem]
    return "_".join(parts)


class Emitter:
    def __init__(self, msg: Message):
        self.msg = msg
        self.hi = msg.versions.hi
        self.lo = msg.versions.lo
        names: set[str] = set()
        self._collect_field_names(msg.root, names, set())
        self.cpp_struct_names: dict[int, str] = {}
        for st in msg.structs:
            n = st.name
            if n in names or n == msg.name or n in PRIMITIVES:
                n = n + "_t"
            self.cpp_struct_names[id(st)] = n

    def _collect_field_names(self, st: Struct, out: set[str], seen: set[int]) -> None:
        if id(st) in seen:
            return
        seen.add(id(st))
        for f in st.fields:
            out.add(f.cpp_name)
            if f.struct is not None:
                self._collect_field_names(f.struct, out, seen)

    # ---- helpers -------------------------------------------------------------------------
    def flex_init(self) -> str:
        fl = self.msg.flexible
        if fl is None:
            return "[[maybe_unused]] constexpr bool flex = false;"
        return f"[[maybe_unused]] const bool flex = v >= {fl.lo};"

    def vcond(self, vr: Versions) -> str:
        vr = vr.clamp(self.hi)
        conds = []
        if vr.lo > self.lo:
            conds.append(f"v >= {vr.lo}")
        if vr.hi is not None and vr.hi < self.hi:
            conds.append(f"v <= {vr.hi}")
        return " && ".join(conds) if conds else "true"

    def regular_cond(self, f: Field) -> str:
        """Versions in which f is encoded as a regular (untagged) field."""
        base = self.vcond(f.versions)
        if f.tag is None:
            return base
        tv = f.tagged_versions.clamp(self.hi)
        if tv.clamp(self.hi) == f.versions.clamp(self.hi):
            return "false"
        # encoded regularly where it exists but is not tagged
        return f"({base}) && !({self.vcond(tv)} && flex)"

    def tagged_cond(self, f: Field) -> str:
        return f"({self.vcond(f.tagged_versions)}) && flex"

    def null_ok(self, f: Field) -> str:
        if f.nullable is None:
            return "false"
        nv = f.nullable.clamp(self.hi)
        fv = f.versions.clamp(self.hi)
        if nv.lo <= fv.lo and (nv.hi is None or (fv.hi is not None and nv.hi >= fv.hi)):
            return "true"
        return self.vcond(nv)

    def struct_name(self, st: Struct) -> str:
        return self.cpp_struct_names[id(st)]

    def elem_type(self, f: Field) -> str:
        if f.struct is not None:
            return self.struct_name(f.struct)
        return PRIMITIVES[f.type_name][1]

    def cpp_type(self, f: Field) -> str:
        t = self.elem_type(f)
        if f.is_array:
            t = f"std::vector<{t}>"
        if f.nullable is not None:
            t = f"std::optional<{t}>"
        return t

    def init(self, f: Field) -> str:
        d = f.default
        if f.nullable is not None:
            if d == "null":
                return "{}"
            if f.struct is not None and not f.is_array:
                return "{}"  # nullable structs default to null
            if d is not None and d.startswith('"'):
                return f"{{std::string({d})}}"
            return "{std::in_place}"
        if d is None or f.is_array or f.struct is not None:
            return "{}"
        wire = PRIMITIVES[f.type_name][0]
        if wire == "string":
            return f"{{{d}}}"
        if f.type_name in ID_TYPES or f.type_name == "error_code":
            return f"{{{PRIMITIVES[f.type_name][1]}{{{d}}}}}"
        if wire == "float64":
            return f"{{{float(d)!r}}}"
        return f"{{{d}}}"

    # ---- per-element statements ------------------------------------------------------------
    def read_scalar(self, f: Field, target: str, rd: str, flex: str, null_ok: str, nullable: bool) -> list[str]:
        t = f.type_name
        if f.struct is not None:
            return [f"{target}.read({rd}, v);"]
        wire, cpp, _ = PRIMITIVES[t]
        if t in ID_TYPES:
            return [f"{target} = {cpp}{{{rd}.read_{wire}()}};"]
        if t == "error_code":
            return [f"{target} = static_cast<{cpp}>({rd}.read_int16());"]
        if wire in FIXED_WRITE:
            return [f"{target} = {rd}.read_{wire}();"]
        if nullable:
            return [f"{rd}.read_nullable_{wire}({target}, {flex}, {null_ok});"]
        return [f"{rd}.read_{wire}({target}, {flex});"]

    def write_scalar(self, f: Field, src: str, flex: str, nullable: bool) -> list[str]:
        t = f.type_name
        if f.struct is not None:
            return [f"{src}.write(w, v);"]
        wire, cpp, _ = PRIMITIVES[t]
        if t in ID_TYPES:
            return [f"w.write_{wire}({src}.value());"]
        if t == "error_code":
            return [f"w.write_int16(static_cast<int16_t>({src}));"]
        if wire in FIXED_WRITE:
            return [f"w.write_{wire}({src});"]
        if nullable:
            return [f"w.write_nullable_{wire}({src}, {flex});"]
        return [f"w.write_{wire}({src}, {flex});"]

    def size_scalar(self, f: Field, src: str, flex: str, nullable: bool, acc: str) -> list[str]:
        t = f.type_name
        if f.struct is not None:
            return [f"{acc} += {src}.size(v);"]
        wire, _, fixed = PRIMITIVES[t]
        if fixed is not None:
            return [f"{acc} += {fixed};"]
        if nullable:
            return [f"{acc} += wire_size::nullable_{wire}({src}, {flex});"]
        return [f"{acc} += wire_size::{wire}({src}, {flex});"]

    # ---- whole-field statements ------------------------------------------------------------
    def field_flex(self, f: Field, tagged: bool) -> str:
        if tagged:
            return "true"
        return "false" if f.noflex else "flex"

    def read_field(self, f: Field, rd: str, tagged: bool) -> list[str]:
        flex = self.field_flex(f, tagged)
        x = f.cpp_name
        nok = self.null_ok(f)
        nullable = f.nullable is not None
        if f.is_array:
            et = self.elem_type(f)
            out = [f"{{ int32_t n = {rd}.read_array_length({flex});",
                   "  if (n < 0) {"]
            if nullable:
                out += [f"    if (!({nok})) {rd}.fail();", f"    {x}.reset();"]
            else:
                out += [f"    {rd}.fail();"]
            out += ["  } else {"]
            arr = f"{x}.emplace()" if nullable else x
            out += [f"    auto& a = {arr};", "    a.clear();",
                    "    a.reserve(std::min<size_t>(static_cast<size_t>(n), 1024));",
                    f"    for (int32_t i = 0; i < n && !{rd}.failed(); ++i) {{",
                    f"      {et}& e = a.emplace_back();"]
            out += ["      " + s for s in self.read_scalar(f, "e", rd, flex, "false", False)]
            out += ["    }", "  }", "}"]
            return out
        if f.struct is not None:
            if nullable:
                return [f"if ({nok}) {{",
                        f"  if ({rd}.read_struct_presence()) {x}.emplace().read({rd}, v); else {x}.reset();",
                        f"}} else {{ {x}.emplace().read({rd}, v); }}"]
            return [f"{x}.read({rd}, v);"]
        return self.read_scalar(f, x, rd, flex, nok, nullable)

    def write_field(self, f: Field, tagged: bool) -> list[str]:
        flex = self.field_flex(f, tagged)
        x = f.cpp_name
        nullable = f.nullable is not None
        if f.is_array:
            et = self.elem_type(f)
            out = ["{"]
            if nullable:
                out += [f"  if (!{x}) {{ w.write_array_length(-1, {flex}); }} else {{",
                        f"  const std::vector<{et}>& a = *{x};"]
            else:
                out += [f"  const std::vector<{et}>& a = {x};"]
            out += [f"  w.write_array_length(static_cast<int32_t>(a.size()), {flex});",
                    f"  for (const {et}& e : a) {{"]
            out += ["    " + s for s in self.write_scalar(f, "e", flex, False)]
            out += ["  }"]
            if nullable:
                out += ["  }"]
            out += ["}"]
            return out
        if f.struct is not None:
            if nullable:
                nok = self.null_ok(f)
                st = self.struct_name(f.struct)
                return [f"if ({nok}) {{",
                        f"  w.write_struct_presence({x}.has_value());",
                        f"  if ({x}) {x}->write(w, v);",
                        f"}} else {{ ({x} ? *{x} : {st}{{}}).write(w, v); }}"]
            return [f"{x}.write(w, v);"]
        return self.write_scalar(f, x, flex, nullable)

    def size_field(self, f: Field, tagged: bool, acc: str) -> list[str]:
        flex = self.field_flex(f, tagged)
        x = f.cpp_name
        nullable = f.nullable is not None
        if f.is_array:
            et = self.elem_type(f)
            out = ["{"]
            if nullable:
                out += [f"  if (!{x}) {{ {acc} += wire_size::array_length(0, {flex}); }} else {{",
                        f"  const std::vector<{et}>& a = *{x};"]
            else:
                out += [f"  const std::vector<{et}>& a = {x};"]
            out += [f"  {acc} += wire_size::array_length(a.size(), {flex});"]
            fixed = None if f.struct is not None else PRIMITIVES[f.type_name][2]
            if fixed is not None:
                out += [f"  {acc} += a.size() * {fixed};"]
            else:
                out += [f"  for (const {et}& e : a) {{"]
                out += ["    " + s for s in self.size_scalar(f, "e", flex, False, acc)]
                out += ["  }"]
            if nullable:
                out += ["  }"]
            out += ["}"]
            return out
        if f.struct is not None:
            if nullable:
                nok = self.null_ok(f)
                st = self.struct_name(f.struct)
                return [f"if ({nok}) {{ {acc} += 1; if ({x}) {acc} += {x}->size(v); }}",
                        f"else {{ {acc} += ({x} ? *{x} : {st}{{}}).size(v); }}"]
            return [f"{acc} += {x}.size(v);"]
        return self.size_scalar(f, x, flex, nullable, acc)

    def default_check(self, f: Field) -> str:
        """An expression true when f holds its default value (tagged fields are then omitted)."""
        return f"({f.cpp_name} == {self.cpp_type(f)}{self.init(f)})"

    # ---- struct emission -------------------------------------------------------------------
    def declare_struct(self, st: Struct, name: str, is_root: bool, aliases: list[str]) -> list[str]:
        m = self.msg
        out = [f"struct {name} {{"]
        if is_root:
            if m.api_key is not None:
                out.append(f"    static constexpr int16_t api_key = {m.api_key};")
            out += [f"    static constexpr int16_t min_version = {m.versions.lo};",
                    f"    static constexpr int16_t max_version = {m.versions.hi};",
                    f"    static constexpr int16_t first_flexible_version = {m.flexible.lo if m.flexible else -1};",
                    f'    static constexpr const char* message_name = "{m.name}";']
        out += ["    " + a for a in aliases]
        for f in st.fields:
            out.append(f"    {self.cpp_type(f)} {f.cpp_name}{self.init(f)};")
        out += ["    tagged_fields unknown_tagged_fields;",
                "",
                "    void read(reader& r, int16_t v);",
                "    void write(writer& w, int16_t v) const;",
                "    size_t size(int16_t v) const;",
                "    template <typename F> void for_each_field(int16_t v, F&& f) { visit(*this, v, f); }",
                "    template <typename F> void for_each_field(int16_t v, F&& f) const { visit(*this, v, f); }",
                f"    bool operator==(const {name}&) const = default;"]
        if is_root:
            out += ["    // Decodes a whole message body; false when it is malformed.",
                    "    bool decode(byte_view body, int16_t v) { reader r(body); read(r, v); return !r.failed(); }",
                    "    bytes_value encode(int16_t v) const { bytes_value b; b.reserve(size(v)); writer w(b); write(w, v); return b; }",
                    "    std::string to_json(int16_t v) const;"]
        out += ["", "private:", "    template <typename Self, typename F>",
                "    static void visit(Self& self, int16_t v, F& f) {",
                "        " + self.flex_init()]
        for fld in st.fields:
            cond = self.vcond(fld.versions)
            tagged = "false" if fld.tag is None else f"({self.tagged_cond(fld)})"
            out.append(f'        if ({cond}) f(field_meta{{"{fld.name}", {self.null_ok(fld)}, {tagged}}}, self.{fld.cpp_name});')
        out += ["    }", "};"]
        return out

    def define_struct(self, st: Struct, qual: str) -> list[str]:
        tagged = sorted((f for f in st.fields if f.tag is not None), key=lambda f: f.tag)
        out = [f"void {qual}::read(reader& r, int16_t v) {{", "    " + self.flex_init()]
        for f in st.fields:
            cond = self.regular_cond(f)
            if cond == "false":
                continue
            body = self.read_field(f, "r", False)
            out += self.wrap(cond, body)
        if tagged:
            out += ["    if (flex) {", "        r.read_tagged_fields([&](uint32_t tag, reader& tr) -> bool {",
                    "            switch (tag) {"]
            for f in tagged:
                out += [f"            case {f.tag}:", f"                if (!({self.tagged_cond(f)})) return false;"]
                out += ["                " + s for s in self.read_field(f, "tr", True)]
                out += ["                return true;"]
            out += ["            default: return false;", "            }", "        }, unknown_tagged_fields);", "    }"]
        elif self.msg.flexible is not None:
            out += ["    if (flex) r.read_tagged_fields([](uint32_t, reader&) { return false; }, unknown_tagged_fields);"]
        out += ["}", ""]

        out += [f"void {qual}::write(writer& w, int16_t v) const {{", "    " + self.flex_init()]
        for f in st.fields:
            cond = self.regular_cond(f)
            if cond == "false":
                continue
            out += self.wrap(cond, self.write_field(f, False))
        if self.msg.flexible is not None:
            out += ["    if (flex) {", "        size_t count = unknown_tagged_fields.size();"]
            for f in tagged:
                out += [f"        const bool has_{f.tag} = ({self.tagged_cond(f)}) && !{self.default_check(f)};",
                        f"        count += has_{f.tag};"]
            out += ["        w.write_uvarint(static_cast<uint32_t>(count));"]
            if tagged:
                out += ["        size_t u = 0;"]
                for f in tagged:
                    out += [f"        u = w.write_unknown_tags_before(unknown_tagged_fields, u, {f.tag});",
                            f"        if (has_{f.tag}) {{",
                            "            size_t fs = 0;"]
                    out += ["            " + s for s in self.size_field(f, True, "fs")]
                    out += [f"            w.write_uvarint({f.tag});",
                            "            w.write_uvarint(static_cast<uint32_t>(fs));"]
                    out += ["            " + s for s in self.write_field(f, True)]
                    out += ["        }"]
                out += ["        w.write_unknown_tags_before(unknown_tagged_fields, u, UINT64_MAX);"]
            else:
                out += ["        w.write_unknown_tags_before(unknown_tagged_fields, 0, UINT64_MAX);"]
            out += ["    }"]
        out += ["}", ""]

        out += [f"size_t {qual}::size(int16_t v) const {{", "    " + self.flex_init(), "    size_t s = 0;"]
        for f in st.fields:
            cond = self.regular_cond(f)
            if cond == "false":
                continue
            out += self.wrap(cond, self.size_field(f, False, "s"))
        if self.msg.flexible is not None:
            out += ["    if (flex) {", "        size_t count = unknown_tagged_fields.size();"]
            for f in tagged:
                out += [f"        if (({self.tagged_cond(f)}) && !{self.default_check(f)}) {{",
                        "            ++count;", "            size_t fs = 0;"]
                out += ["            " + s for s in self.size_field(f, True, "fs")]
                out += [f"            s += wire_size::tagged_field({f.tag}, fs);", "        }"]
            out += ["        s += wire_size::uvarint(count) + wire_size::unknown_tags(unknown_tagged_fields);", "    }"]
        out += ["    return s;", "}", ""]
        return out

    @staticmethod
    def wrap(cond: str, body: list[str]) -> list[str]:
        if cond == "true":
            return ["    " + s for s in body]
        return [f"    if ({cond}) {{"] + ["        " + s for s in body] + ["    }"]

    # Nested structs live in a namespace of their own (<message>_types) and are aliased into
    # the message, so each is complete before the message uses it in std::optional (clang
    # rejects optional<T>::emplace() of a nested T with member initializers otherwise).
    def types_ns(self) -> str:
        return f"{self.msg.name}_types"

    def header(self) -> list[str]:
        out: list[str] = []
        if self.msg.structs:
            out.append(f"namespace {self.types_ns()} {{")
            for st in self.msg.structs:
                out += self.declare_struct(st, self.struct_name(st), False, [])
            out += [f"}} // namespace {self.types_ns()}", ""]
        aliases = [f"using {self.struct_name(st)} = {self.types_ns()}::{self.struct_name(st)};"
                   for st in self.msg.structs]
        return out + self.declare_struct(self.msg.root, self.msg.name, True, aliases)

    def source(self) -> list[str]:
        out = []
        for st in self.msg.structs:
            out += self.define_struct(st, f"{self.types_ns()}::{self.struct_name(st)}")
        out += self.define_struct(self.msg.root, self.msg.name)
        out += [f"std::string {self.msg.name}::to_json(int16_t v) const {{ return message_to_json(*this, v); }}", ""]
        return out


HEADER_PRELUDE = """// Generated by tools/codegen from {src}. Do not edit.
#pragma once
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/wire.h"

namespace sluice::protocol::msg {{
"""


def write_all(files: list[SchemaFile], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    schemas_root = _common_root([f.path for f in files])
    stems = []
    all_msgs: list[tuple[str, Message]] = []
    for sf in files:
        stem = file_stem(sf, schemas_root)
        stems.append(stem)
        h = [HEADER_PRELUDE.format(src=sf.path.resolve().relative_to(schemas_root.parent))]
        cc = [f"// Generated by tools/codegen from {sf.path.resolve().relative_to(schemas_root.parent)}. Do not edit.",
              f'#include "protocol/generated/{stem}.h"', '#include "protocol/message_json.h"', "",
              "namespace sluice::protocol::msg {", ""]
        for m in sf.messages:
            e = Emitter(m)
            h += e.header() + [""]
            cc += e.source()
            all_msgs.append((stem, m))
        h += ["} // namespace sluice::protocol::msg", ""]
        cc += ["} // namespace sluice::protocol::msg", ""]
        _write_if_changed(out / f"{stem}.h", "\n".join(h))
        _write_if_changed(out / f"{stem}.cc", "\n".join(cc))

    agg = ["// Generated by tools/codegen. Do not edit.", "#pragma once"]
    agg += [f'#include "protocol/generated/{s}.h"' for s in stems]
    agg += ["", "// X(message_type) for every generated message."]
    agg += ["#define SLUICE_FOR_EACH_MESSAGE(X) \\"]
    agg += [f"    X({m.name}) \\" for _, m in all_msgs]
    agg += ["", ""]
    # The same list in four parts, so that tests instantiating templates per message can be
    # spread over several translation units.
    parts = 4
    for k in range(parts):
        agg += [f"#define SLUICE_FOR_EACH_MESSAGE_PART_{k}(X) \\"]
        agg += [f"    X({m.name}) \\" for i, (_, m) in enumerate(all_msgs) if i % parts == k]
        agg += ["", ""]
    _write_if_changed(out / "all_messages.h", "\n".join(agg))
    _write_if_changed(out / "registry.cc", "\n".join(_registry(all_msgs, schemas_root)))


def _registry(all_msgs: list[tuple[str, Message]], schemas_root: Path) -> list[str]:
    advertised = _read_advertised(schemas_root / "api_versions.txt")
    requests = {m.api_key: m for _, m in all_msgs if m.kind == "request"}
    responses = {m.api_key: m for _, m in all_msgs if m.kind == "response"}
    out = ["// Generated by tools/codegen from schemas/. Do not edit.",
           '#include "protocol/api_table.h"', '#include "protocol/registry.h"', '#include "protocol/generated/all_messages.h"', "",
           "namespace sluice::protocol {", "",
           "namespace {", "constexpr api_info table[] = {"]
    for key in sorted(requests):
        rq, rs = requests[key], responses.get(key)
        if rs is None:
            raise SystemExit(f"api key {key}: request without response")
        adv = advertised.get(key)
        amin, amax = (adv if adv else (rq.versions.lo, rq.versions.hi))
        for m in (rq, rs):
            if amin < m.versions.lo or amax > m.versions.hi:
                raise SystemExit(f"api key {key}: advertised {amin}-{amax} outside {m.name} versions "
                                 f"{m.versions.lo}-{m.versions.hi} (schemas/api_versions.txt)")
        api_name = rq.name[: -len("_request")]
        out.append(f'    {{{key}, "{api_name}", {rq.versions.lo}, {rq.versions.hi}, {amin}, {amax}, '
                   f'{rq.flexible.lo if rq.flexible else -1}, {rs.flexible.lo if rs.flexible else -1}, '
                   f'{"true" if adv else "false"}}},')
    out += ["};", "} // namespace", "",
            "std::span<const api_info> all_apis() noexcept { return table; }", ""]
    # generic decode/roundtrip by key
    for role, table in (("request", requests), ("response", responses)):
        out += [f"static bool dispatch_{role}(int16_t key, int16_t version, byte_view body, std::string* json, bool* same, bytes_value* reencoded) {{",
                "    switch (key) {"]
        for key in sorted(table):
            m = table[key]
            out += [f"    case {key}: {{",
                    f"        if (version < msg::{m.name}::min_version || version > msg::{m.name}::max_version) return false;",
                    f"        msg::{m.name} m;",
                    "        if (!m.decode(body, version)) return false;",
                    "        if (json) *json = m.to_json(version);",
                    "        if (same || reencoded) {",
                    "            auto b = m.encode(version);",
                    "            if (same) *same = b.size() == body.size() && std::equal(b.begin(), b.end(), body.begin());",
                    "            if (reencoded) *reencoded = std::move(b);",
                    "        }",
                    "        return true;", "    }"]
        out += ["    default: return false;", "    }", "}", ""]
    out += ["bool decode_message(int16_t api_key, message_role role, int16_t version, byte_view body,",
            "                    std::string* json, bool* reencodes_identically) {",
            "    return role == message_role::request",
            "        ? dispatch_request(api_key, version, body, json, reencodes_identically, nullptr)",
            "        : dispatch_response(api_key, version, body, json, reencodes_identically, nullptr);",
            "}", "",
            "std::optional<bytes_value> reencode_message(int16_t api_key, message_role role, int16_t version, byte_view body) {",
            "    bytes_value out;",
            "    bool ok = role == message_role::request",
            "        ? dispatch_request(api_key, version, body, nullptr, nullptr, &out)",
            "        : dispatch_response(api_key, version, body, nullptr, nullptr, &out);",
            "    if (!ok) return std::nullopt;",
            "    return out;",
            "}", "", "} // namespace sluice::protocol", ""]
    return out


def _read_advertised(path: Path) -> dict[int, tuple[int, int]]:
    result: dict[int, tuple[int, int]] = {}
    if not path.exists():
        return result
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        key, rng = int(parts[0]), parts[-1]
        lo, hi = rng.split("-")
        result[key] = (int(lo), int(hi))
    return result


def _common_root(paths: list[Path]) -> Path:
    # every path lies under <root>/schemas/...; find the 'schemas' directory
    p = paths[0].resolve()
    for parent in p.parents:
        if parent.name == "schemas":
            return parent
    return p.parent


def _write_if_changed(path: Path, text: str) -> None:
    if path.exists() and path.read_text() == text:
        return
    path.write_text(text)
