"""Generate a test harness for a Java item.

`Main.java` = the item's context (its package line kept, public top-level types made
package-private, so `Main` is the only public class) followed by `public class Main`: it seeds
a `java.util.Random` with args[0], builds the arguments (primitives, boxed types, String with
domain-aware content chosen by parameter name, arrays, List/Set/Map of those, repository classes
with a no-argument or simple constructor), calls a static method on the class, an instance
method on an instance, or a constructor with `new` (the object is its output), and prints a
canonical rendering: sorted maps and sets, `%.6g` doubles, arrays deep, objects by their fields, and
`raised <Exception>` when the call throws. Arguments and the instance are printed again when the
call changed them. Skeleton fields of simple types get generated values through reflection,
since the context keeps fields without their initialisers; a skeleton left abstract by an
`implements` or `extends` clause without the implementations is instantiated as an anonymous
subclass whose missing methods throw.

Arguments come from one of three generator modes (`JavaGen.mode`): by parameter name; with
the strings and arrays of a call sharing a length; with wide ranges. Validation tries the next
mode when a harness is not validated (`HarnessPlan.retry`): a call whose lengths must agree, or
whose input must hold letters, then gets outputs that vary.

Called methods whose bodies the context stubs run their real source (`expand_callees`); those
javac rejects there (they read members the context left out) go back to their stubs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from parsers.java import ANNOTATION_RE
from pipeline import harness_common as hc
from pipeline.harness_common import HarnessPlan, Untestable
from pipeline.java_jdk import JDK_ABSTRACT_METHODS
from pipeline.records import MARKER, FunctionRecord

_PRIMITIVES = {"int", "long", "short", "byte", "double", "float", "boolean", "char"}
_BOXED = {"Integer": "int", "Long": "long", "Short": "short", "Byte": "byte", "Double": "double", "Float": "float",
          "Boolean": "boolean", "Character": "char"}
_BOX = {v: k for k, v in _BOXED.items()}
_LISTS = {"List", "ArrayList", "Collection", "Iterable", "LinkedList", "AbstractList", "Vector"}
_SETS = {"Set", "HashSet", "LinkedHashSet", "TreeSet", "SortedSet", "NavigableSet"}
_MAPS = {"Map", "HashMap", "LinkedHashMap", "TreeMap", "SortedMap", "NavigableMap", "Hashtable"}

NETWORK_TYPES = re.compile(r"\b(java\.net\.|HttpURLConnection|HttpClient|URLConnection|Socket\b|ServerSocket|"
                           r"openConnection|openStream)")
DATABASE_TYPES = re.compile(r"\b(java\.sql\.|DriverManager|Connection\s+\w+\s*=|ResultSet|PreparedStatement)")
GUI_TYPES = re.compile(r"\b(javax\.swing|java\.awt|javafx\.|JFrame|JPanel|JComponent|JButton|Graphics2D|"
                       r"SwingUtilities|JOptionPane)\b")
EXTERNAL = re.compile(r"\b(ProcessBuilder|Runtime\.getRuntime\(\)\.exec)\b")
THREADS = re.compile(r"\b(ExecutorService|Executors\.|new Thread\b|CompletableFuture|ForkJoinPool)\b")


def _strip_generics(t: str) -> str:
    out, depth = "", 0
    for ch in t:
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
        elif depth == 0:
            out += ch
    return out.strip()


def _type_args(t: str) -> list[str]:
    if "<" not in t:
        return []
    return _split_top_level(t[t.index("<") + 1: t.rindex(">")])


def _simple(t: str) -> str:
    t = re.sub(r"@\w+(\([^)]*\))?\s*", "", t).replace("final ", "").strip()
    t = re.sub(r"\b(java\.util|java\.lang|java\.io)\.", "", t)
    return t


def _tokens(name: str) -> set[str]:
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()
    return {t for t in re.split(r"[_\W\d]+", name) if t}


def _erase_vars(t: str, type_vars: list[str]) -> str:
    """A raw type's members: its own type variables become Object."""
    return _substitute(t, {v: "Object" for v in type_vars})


class Unsupported(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason, self.detail = reason, detail


@dataclass
class JavaGen:
    """Emits Java expressions (over `r`, a java.util.Random) building values of a type, plus the
    helper methods they need."""

    known_classes: dict[str, "ClassInfo"]
    type_params: set[str]
    implemented: dict[str, set[tuple[str, int]]] = field(default_factory=dict)  # class -> methods added to it (the item)
    helpers: list[str] = field(default_factory=list)
    counter: int = 0
    building: set[str] = field(default_factory=set)  # classes whose constructor arguments are being made
    # 0: values by parameter name; 1: strings and arrays of one call share a length (`H.size`),
    # ints stay below it (indices), bytes are letters; 2: wide ranges (negative ints, any byte,
    # digits and case in strings). Validation tries the next mode when one is not validated.
    mode: int = 0

    def qualify(self, t: str) -> str:
        """Nested repository classes by their path from Main (Outer.Inner)."""
        for info in self.known_classes.values():
            if info.path != info.name:
                t = re.sub(r"(?<![\w.])" + re.escape(info.name) + r"\b", info.path, t)
        return t

    def expr(self, t: str, name: str) -> str:
        t = self.qualify(_simple(t))
        if t.endswith("..."):
            t = t[:-3] + "[]"
        base = _strip_generics(t)
        toks = _tokens(name)
        if base in self.type_params or base in ("Object", "T", "E", "K", "V", "?"):
            raise Unsupported(hc.UNSUPPORTED_TYPE, f"{name}: {t}")
        if base.endswith("[]"):
            elem = t[: t.rindex("[")].strip() if "<" not in t else base[:-2]
            return self._array(elem, name)
        prim = _BOXED.get(base, base)
        if prim in _PRIMITIVES:
            e = self._primitive(prim, toks, name)
            return f"({_BOX[prim]}) {e}" if base in _BOXED and prim in ("short", "byte") else e
        if base in ("String", "CharSequence"):
            return self._string(toks, name)
        if base in ("StringBuilder", "StringBuffer"):
            return f"new {base}({self._string(toks, name)})"
        if base == "File":
            return f"new java.io.File({self._string(toks | {'file'}, name)})"
        if base == "Path":
            return f"java.nio.file.Paths.get({self._string(toks | {'file'}, name)})"
        if base in ("BigInteger", "BigDecimal"):
            return f"java.math.{base}.valueOf(r.nextInt(1000))"
        args = _type_args(t)
        if base in _LISTS:
            impl = f"java.util.{base}" if base in ("LinkedList", "Vector") else "java.util.ArrayList"
            return self._collection(impl, args[0] if args else "Integer", name)
        if base in _SETS:
            impl = "java.util.TreeSet" if base in ("TreeSet", "SortedSet", "NavigableSet") else (
                "java.util.LinkedHashSet" if base == "LinkedHashSet" else "java.util.HashSet")
            return self._collection(impl, args[0] if args else "Integer", name)
        if base in _MAPS:
            impl = "java.util.TreeMap" if base in ("TreeMap", "SortedMap", "NavigableMap") else (
                f"java.util.{base}" if base in ("LinkedHashMap", "Hashtable") else "java.util.HashMap")
            k, v = (args + ["String", "Integer"])[:2] if len(args) != 2 else args
            return self._map(impl, k, v, name)
        simple = base.split(".")[-1]
        info = self.known_classes.get(simple)
        if info is not None and info.path != base and info.name != base:
            info = None
        if info is not None:
            return self.instance(info, name)
        raise Unsupported(hc.NEEDS_UNCONSTRUCTIBLE_OBJECT, f"{name}: {t}")

    def _primitive(self, prim: str, toks: set[str], name: str) -> str:
        low = name.lower()
        if self.mode and prim in ("int", "long", "short", "byte", "char"):
            if prim == "byte" or prim == "char":
                e = "(r.nextBoolean() ? \"ACGTNacgtn\" : \"-.*0123456789\").charAt(r.nextInt(10))" \
                    if self.mode == 1 else ("r.nextInt(256)" if prim == "byte" else "(32 + r.nextInt(95))")
                return f"({prim}) ({e})"
            e = "r.nextInt(H.size + 1)" if self.mode == 1 else "(r.nextInt(201) - 50)"
            return {"int": e, "long": f"(long) {e}", "short": f"(short) {e}"}[prim]
        if prim in ("int", "long", "short", "byte"):
            if low in ("k", "ksize", "n", "w", "window", "width", "size", "step") or toks & {"len", "length", "size",
                                                                                             "count", "num", "k"}:
                e = "(1 + r.nextInt(6))"
            elif toks & {"start", "begin", "pos", "position", "end", "stop", "offset", "coord"}:
                e = "r.nextInt(500)"
            elif low in ("i", "j", "idx", "index") or toks & {"index", "idx"}:
                e = "r.nextInt(5)"
            elif toks & {"qual", "quality", "phred", "q", "mapq"}:
                e = "r.nextInt(42)"
            else:
                e = "r.nextInt(31)"
            return {"int": e, "long": f"(long) {e}", "short": f"(short) {e}", "byte": f"(byte) {e}"}[prim]
        if prim in ("double", "float"):
            if toks & {"prob", "p", "pvalue", "frac", "fraction", "freq", "rate", "alpha", "ratio"}:
                e = "(Math.round(r.nextDouble() * 1000) / 1000.0)"
            else:
                e = "(Math.round(r.nextDouble() * 2000 - 1000) / 100.0)"
            return e if prim == "double" else f"(float) {e}"
        if prim == "boolean":
            return "r.nextBoolean()"
        if toks & {"base", "nt", "nuc", "nucleotide", "c", "ch", "b", "residue"} or not toks:
            return "\"ACGT\".charAt(r.nextInt(4))"
        return "(char) ('a' + r.nextInt(26))"

    def _string(self, toks: set[str], name: str) -> str:
        if toks & {"fasta", "fa", "fna", "genome"}:
            return "H.fastaFile(r)"
        if toks & {"fastq", "fq"}:
            return "H.fastqFile(r)"
        if toks & {"vcf"}:
            return "H.vcfFile(r)"
        if toks & {"bed"}:
            return "H.bedFile(r)"
        if toks & {"sam"}:
            return "H.samFile(r)"
        if toks & {"file", "filename", "path", "fname", "dir", "directory"}:
            raise Unsupported(hc.UNKNOWN_FILE_FORMAT, name)
        if toks & {"cigar"}:
            return "H.cigar(r)"
        if toks & {"qual", "quality", "quals", "qualities"}:
            return "H.qual(r)"
        if toks & {"protein", "peptide", "aa", "prot", "residues"}:
            return "H.seq(r, \"ACDEFGHIKLMNPQRSTVWY\", 5, 30)"
        if toks & {"rna"}:
            return "H.seq(r, \"ACGU\", 8, 40)"
        if toks & {"chrom", "chromosome", "contig", "chr"}:
            return "H.chrom(r)"
        if toks & {"strand"}:
            return "(r.nextBoolean() ? \"+\" : \"-\")"
        if toks & {"codon", "triplet"}:
            return "H.codon(r)"
        if toks & {"region", "interval", "locus"}:
            return "H.region(r)"
        if toks & {"line", "record", "row"}:
            return "H.line(r)"
        if toks & {"header", "title", "description", "defline"}:
            return "H.header(r)"
        if toks & {"kmer", "motif", "pattern", "primer", "adapter", "word"}:
            return "H.seq(r, \"ACGT\", 2, 5)"
        if self.mode == 1:
            return "H.seq(r, \"ACGT\", H.size, H.size)"
        if self.mode == 2:
            return "H.seq(r, \"0123456789ACGTNacgtn-_.\", 0, 12)"
        if toks & {"seq", "sequence", "dna", "read", "s", "str", "nucleotides", "bases", "template", "string", "text"}:
            return "H.seq(r, \"ACGT\", 8, 40)"
        return "H.word(r)"

    def _length(self) -> str:
        return ("r.nextInt(7)", "H.size", "r.nextInt(21)")[self.mode]

    def _helper(self, ret: str, body: str) -> str:
        self.counter += 1
        name = f"gen{self.counter}"
        self.helpers.append(f"    static {ret} {name}(java.util.Random r) {{\n{body}\n    }}")
        return f"{name}(r)"

    def _array(self, elem: str, name: str) -> str:
        elem = _simple(elem)
        inner = self.expr(elem, name.rstrip("s") if name.endswith("s") else name)
        erased = _strip_generics(elem)
        dims = ""
        base_elem = erased
        while base_elem.endswith("[]"):
            base_elem, dims = base_elem[:-2], dims + "[]"
        body = (f"        int n = {self._length()};\n        {erased}[] a = new {base_elem}[n]{dims};\n"
                f"        for (int i = 0; i < n; i++) a[i] = {inner};\n        return a;")
        return self._helper(f"{erased}[]", body)

    def _collection(self, impl: str, elem: str, name: str) -> str:
        elem = _simple(elem).replace("? extends ", "").replace("? super ", "")
        boxed = _BOX.get(elem, elem)
        inner = self.expr(boxed, name.rstrip("s") if name.endswith("s") else name)
        body = (f"        {impl}<{boxed}> c = new {impl}<>();\n        int n = {self._length()};\n"
                f"        for (int i = 0; i < n; i++) c.add({inner});\n        return c;")
        return self._helper(f"{impl}<{boxed}>", body)

    def _map(self, impl: str, k: str, v: str, name: str) -> str:
        k, v = (_BOX.get(_simple(x), _simple(x)).replace("? extends ", "") for x in (k, v))
        ke = self.expr(k, "key" if _strip_generics(k) != "String" else "kmer")
        ve = self.expr(v, "value")
        body = (f"        {impl}<{k}, {v}> m = new {impl}<>();\n        int n = {self._length()};\n"
                f"        for (int i = 0; i < n; i++) m.put({ke}, {ve});\n        return m;")
        return self._helper(f"{impl}<{k}, {v}>", body)

    def subclass_body(self, info: "ClassInfo", name: str) -> str:
        """What follows `new C(...)`: nothing, or for an abstract skeleton an anonymous subclass."""
        if not info.abstract:
            return ""
        if not info.abstract_members:
            return " {}"
        # the skeleton is abstract because it keeps only what the function uses (an `implements`
        # clause without the implementations): an anonymous subclass whose missing methods
        # throw, so a test never passes through them
        try:
            missing = abstract_methods(info, self.known_classes, self.implemented.get(info.name, set()))
        except Unsupported as exc:
            raise Unsupported(exc.reason, f"{name}: {info.kind} {info.path} ({exc.detail})") from None
        return " {" + "".join(
            f" public {self.qualify(_erase_vars(mi.return_type, info.type_params))} {mi.name}("
            + ", ".join(f"{self.qualify(_erase_vars(t, info.type_params))} a{i}" for i, (t, _) in enumerate(mi.params))
            + ") { throw new UnsupportedOperationException(); }" for mi in missing) + " }"

    def instance(self, info: "ClassInfo", name: str) -> str:
        if info.kind == "enum":
            return f"{info.path}.values()[r.nextInt({info.path}.values().length)]"
        if info.kind in ("interface", "annotation"):
            raise Unsupported(hc.NEEDS_UNCONSTRUCTIBLE_OBJECT, f"{name}: {info.kind} {info.path}")
        anonymous = self.subclass_body(info, name)
        if info.private:
            raise Unsupported(hc.NEEDS_UNCONSTRUCTIBLE_OBJECT, f"{name}: private class {info.path}")
        if info.path in self.building:
            # a constructor that needs its own class, directly or through others (`Atom(Group)`,
            # `Group(Atom[])`): an object graph this generator does not build
            raise Unsupported(hc.NEEDS_UNCONSTRUCTIBLE_OBJECT, f"{name}: {info.path} needs itself to be built")
        ctors = info.constructors or [[]]
        for params in sorted(ctors, key=len):
            self.building.add(info.path)
            try:
                args = ", ".join(self.expr(t, n) for t, n in params)
            except Unsupported:
                continue
            finally:
                self.building.discard(info.path)
            if info.inner_of:
                outer = self.known_classes.get(info.inner_of.split(".")[-1])
                if outer is None or outer.constructors and [] not in outer.constructors:
                    raise Unsupported(hc.NEEDS_UNCONSTRUCTIBLE_OBJECT, f"{name}: inner class {info.path}")
                return f"new {info.inner_of}(){self.subclass_body(outer, name)}.new {info.name}({args}){anonymous}"
            return f"new {info.path}({args}){anonymous}"
        raise Unsupported(hc.NEEDS_UNCONSTRUCTIBLE_OBJECT, f"{name}: no usable constructor of {info.path}")


@dataclass
class ClassInfo:
    name: str
    path: str  # Outer.Inner as referenced from Main
    kind: str  # class, interface, enum, record, annotation
    abstract: bool = False
    private: bool = False
    inner_of: str | None = None  # non-static nested class: the outer path
    constructors: list[list[tuple[str, str]]] = field(default_factory=list)  # (type, name) lists
    fields: list[tuple[str, str, bool]] = field(default_factory=list)  # (type, name, static)
    abstract_members: bool = False  # declares abstract methods (an anonymous subclass would not compile)
    type_params: list[str] = field(default_factory=list)  # declared type variables, in order
    supertypes: list[str] = field(default_factory=list)  # extends/implements clauses, as written
    superclass: str | None = None  # a class's `extends` type (also among supertypes)
    methods: list["MethodInfo"] = field(default_factory=list)  # declared methods (signatures)


@dataclass
class MethodInfo:
    name: str
    return_type: str
    params: list[tuple[str, str]]  # (type, name)
    abstract: bool  # no body (interface method without default/static, or `abstract`)


# Abstract methods of JDK supertypes (pipeline.java_jdk.JDK_ABSTRACT_METHODS) as MethodInfo.
# Marker interfaces have none. A supertype not here and not in the context makes the class
# unconstructible, unless it is a superclass (taken as concrete).
JDK_ABSTRACT: dict[str, tuple[list[str], list[MethodInfo]]] = {
    name: (list(tvars), [MethodInfo(m, ret, list(params), True) for m, ret, params in methods])
    for name, (tvars, methods) in JDK_ABSTRACT_METHODS.items()
}


_DECL = re.compile(r"((?:\b(?:public|protected|private|static|final|abstract|sealed|non-sealed|strictfp)\s+)*)"
                   r"\b(class|interface|enum|record|@interface)\s+(\w+)")


def _split_params(s: str) -> list[tuple[str, str]]:
    out, depth, cur = [], 0, ""
    for ch in s:
        depth += ch in "<("
        depth -= ch in ">)"
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur)
    params = []
    for p in out:
        p = re.sub(r"@\w+(\([^)]*\))?\s*", "", p).replace("final ", "").strip()
        parts = p.rsplit(None, 1)
        if len(parts) == 2:
            params.append((parts[0], parts[1]))
    return params


def scan_classes(source: str) -> dict[str, ClassInfo]:
    """Types declared in the (marker-free) context, with their nesting, constructors and fields.
    A brace-depth scan: the context is a skeleton, so this is enough."""
    clean = _blank_comments_and_strings(source)
    classes: dict[str, ClassInfo] = {}
    stack: list[tuple[ClassInfo, int]] = []  # (class, depth of its body)
    depth = 0
    i = 0
    pending: ClassInfo | None = None
    while i < len(clean):
        ch = clean[i]
        if ch == "{":
            depth += 1
            if pending is not None:
                stack.append((pending, depth))
                pending = None
            i += 1
            continue
        if ch == "}":
            if stack and stack[-1][1] == depth:
                stack.pop()
            depth -= 1
            i += 1
            continue
        m = _DECL.match(clean, i) if (i == 0 or not (clean[i - 1].isalnum() or clean[i - 1] == "_")) else None
        if m and (not stack or stack[-1][1] == depth):
            mods = m.group(1).split()
            kind = {"@interface": "annotation"}.get(m.group(2), m.group(2))
            outer = stack[-1][0] if stack else None
            path = f"{outer.path}.{m.group(3)}" if outer else m.group(3)
            info = ClassInfo(m.group(3), path, kind, abstract="abstract" in mods, private="private" in mods,
                             inner_of=outer.path if outer and "static" not in mods and kind == "class"
                             and outer.kind not in ("interface", "annotation") else None)
            hdr = clean[m.end(): clean.find("{", m.end())]
            if info.abstract and re.search(r"\b(?:implements|extends)\b", hdr):
                info.abstract_members = True  # inherited abstract methods an anonymous subclass would lack
            info.type_params, info.supertypes = _header_types(hdr)
            if kind == "class" and re.match(r"\s*(?:<.*>)?\s*extends\b", hdr, re.S) and info.supertypes:
                info.superclass = info.supertypes[0]
            if kind == "record":
                if "(" in hdr:
                    info.constructors.append(_split_params(hdr[hdr.index("(") + 1: hdr.rindex(")")]))
            classes.setdefault(info.name, info)
            pending = info
            i = m.end()
            continue
        if stack and stack[-1][1] == depth and (ch.isalpha() or ch == "_"):
            cls = stack[-1][0]
            end = min([x for x in (clean.find(";", i), clean.find("{", i)) if x >= 0] or [len(clean)])
            stmt = clean[i:end]
            cm = re.match(r"((?:\b(?:public|protected|private)\s+)?)" + re.escape(cls.name) + r"\s*\(([^)]*)\)", stmt)
            if cm and clean[end:end + 1] == "{":
                cls.constructors.append(_split_params(cm.group(2)))
                if "private" in cm.group(1):
                    cls.constructors[-1] = [("__private__", "x")]
            elif re.search(r"\babstract\b", stmt):
                cls.abstract_members = True
                _add_method(cls, stmt, abstract=True)
            elif "(" in stmt.split("=")[0]:
                bodiless = clean[end:end + 1] == ";" and not re.search(r"\b(default|static|native)\b", stmt)
                _add_method(cls, stmt, abstract=bodiless and cls.kind == "interface")
            elif clean[end:end + 1] == ";" and "(" not in stmt.split("=")[0]:
                fm = re.match(r"((?:\b(?:public|protected|private|static|final|transient|volatile)\s+)*)"
                              r"([\w.<>\[\], ?]+?)\s+(\w+)\s*(=.*)?$", stmt.strip(), re.S)
                if fm:
                    cls.fields.append((fm.group(2).strip(), fm.group(3), "static" in fm.group(1).split()))
            if clean[end:end + 1] == ";":
                i = end + 1
                continue
            i = end
            continue
        i += 1
    return classes


_METHOD = re.compile(r"^\s*((?:\b(?:public|protected|private|static|final|abstract|synchronized|native|default|"
                     r"strictfp)\s+)*)(<[^()]*>\s+)?([\w.<>\[\], ?]+?)\s+(\w+)\s*\(([^)]*)\)", re.S)


def _add_method(cls: ClassInfo, stmt: str, abstract: bool) -> None:
    m = _METHOD.match(re.sub(r"@\w+(\([^)]*\))?\s*", "", stmt))
    if m and m.group(4) != cls.name:
        cls.methods.append(MethodInfo(m.group(4), m.group(3).strip(), _split_params(m.group(5)), abstract))


def _header_types(hdr: str) -> tuple[list[str], list[str]]:
    """(type parameters, supertypes) of a declaration header `<T> extends A<T> implements B, C`."""
    hdr = hdr.strip()
    params: list[str] = []
    if hdr.startswith("<"):
        depth = 0
        for i, ch in enumerate(hdr):
            depth += (ch == "<") - (ch == ">")
            if depth == 0:
                params = [re.split(r"\s+extends\s+", p.strip())[0] for p in _split_top_level(hdr[1:i])]
                hdr = hdr[i + 1:]
                break
    if "(" in hdr:  # a record's components
        hdr = hdr[hdr.rindex(")") + 1:]
    supers: list[str] = []
    for m in re.finditer(r"\b(extends|implements|permits)\b", hdr):
        if m.group(1) == "permits":
            continue
        rest = hdr[m.end():]
        stop = re.search(r"\b(extends|implements|permits)\b", rest)
        supers += [t for t in _split_top_level(rest[: stop.start()] if stop else rest) if t]
    return params, supers


def _split_top_level(s: str) -> list[str]:
    out, depth, cur = [], 0, ""
    for ch in s:
        depth += (ch == "<") - (ch == ">")
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    return out + ([cur.strip()] if cur.strip() else [])


def _substitute(t: str, mapping: Mapping[str, str]) -> str:
    for var, value in mapping.items():
        t = re.sub(r"(?<![\w.])" + re.escape(var) + r"(?![\w])", value, t)
    return t


def abstract_methods(info: ClassInfo, classes: Mapping[str, ClassInfo], implemented: set[tuple[str, int]]
                     ) -> list[MethodInfo]:
    """The abstract methods a concrete subclass of `info` must implement: declared abstract in
    the class chain or in the (context or JDK) interfaces it implements, minus those implemented
    on the way; type variables replaced by their arguments (raw: Object). Raises Unsupported when
    a supertype is neither in the context nor a known JDK type."""
    found: dict[tuple[str, int], MethodInfo] = {}
    done = set(implemented)
    seen: set[str] = set()

    def visit(name: str, args: list[str], concrete_chain: bool, superclass: bool = False) -> None:
        base = _strip_generics(name).split(".")[-1] if name not in JDK_ABSTRACT else name
        key = base + "<" + ",".join(args) + ">"
        if key in seen:
            return
        seen.add(key)
        cls = classes.get(base)
        if cls is not None:
            mapping = {v: (args[i] if i < len(args) else "Object") for i, v in enumerate(cls.type_params)}
            methods, supers = cls.methods, [_substitute(t, mapping) for t in cls.supertypes]
        elif base in JDK_ABSTRACT or _strip_generics(name) in JDK_ABSTRACT:
            tvars, jdk_methods = JDK_ABSTRACT.get(base) or JDK_ABSTRACT[_strip_generics(name)]
            mapping = {v: (args[i] if i < len(args) else "Object") for i, v in enumerate(tvars)}
            methods, supers = jdk_methods, []
        elif superclass:
            return  # a library class extended: most are concrete (Exception, HashMap, Thread)
        else:
            raise Unsupported(hc.NEEDS_UNCONSTRUCTIBLE_OBJECT, f"supertype {name} not in the context")
        interface = cls is None or cls.kind == "interface"
        for mi in methods:
            k = (mi.name, len(mi.params))
            if not mi.abstract:
                if concrete_chain or not interface:
                    done.add(k)
                continue
            if k not in done and k not in found:
                found[k] = MethodInfo(mi.name, _substitute(mi.return_type, mapping),
                                      [(_substitute(t, mapping), n) for t, n in mi.params], True)
        superclass_of = cls.superclass if cls is not None else None
        for sup in supers:
            visit(sup, [_substitute(a, mapping) for a in _type_args(sup)], concrete_chain and not interface,
                  superclass=superclass_of is not None and sup == _substitute(superclass_of, mapping))

    visit(info.name, [], True)
    return [mi for k, mi in found.items() if k not in done]


def _blank_comments_and_strings(s: str) -> str:
    """Same length, comments and string/char literals replaced by spaces (braces inside them
    must not count)."""
    out = list(s)
    i, n = 0, len(s)
    while i < n:
        if s.startswith("//", i):
            j = s.find("\n", i)
            j = n if j < 0 else j
        elif s.startswith("/*", i):
            j = s.find("*/", i + 2)
            j = n if j < 0 else j + 2
        elif s.startswith('"""', i):
            j = s.find('"""', i + 3)
            j = n if j < 0 else j + 3
        elif s[i] in "\"'":
            q, j = s[i], i + 1
            while j < n and s[j] != q and s[j] != "\n":
                j += 2 if s[j] == "\\" else 1
            j = min(j + 1, n)
        else:
            i += 1
            continue
        for k in range(i, j):
            if out[k] != "\n":
                out[k] = " "
        if s[i] in "\"'":
            out[i] = out[j - 1] = s[i] if j - 1 > i else out[i]
        i = j
    return "".join(out)


# ---------------------------------------------------------------- program assembly

RUNTIME = r'''
    // ---------------------------------------------------------------- canonical rendering
    static String fmt(double v) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        if (v == 0) return "0";
        java.math.BigDecimal b = new java.math.BigDecimal(v).round(new java.math.MathContext(6));
        return b.stripTrailingZeros().toString();
    }

    static String render(Object o) { return render(o, 0); }

    static String render(Object o, int d) {
        if (d > 8) return "...";
        if (o == null) return "null";
        if (o instanceof Double || o instanceof Float) return fmt(((Number) o).doubleValue());
        if (o instanceof Number || o instanceof Boolean) return o.toString();
        if (o instanceof Character) return "'" + o + "'";
        if (o instanceof CharSequence) {
            String s = o.toString();
            return "\"" + (s.length() > 20000 ? s.substring(0, 20000) + "..." : s) + "\"";
        }
        Class<?> c = o.getClass();
        if (c.isArray()) {
            int n = java.lang.reflect.Array.getLength(o);
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < Math.min(n, 5000); i++) {
                if (i > 0) sb.append(", ");
                sb.append(render(java.lang.reflect.Array.get(o, i), d + 1));
            }
            return sb.append("]").toString();
        }
        if (o instanceof java.util.Map) {
            java.util.List<String> parts = new java.util.ArrayList<>();
            for (java.util.Map.Entry<?, ?> e : ((java.util.Map<?, ?>) o).entrySet())
                parts.add(render(e.getKey(), d + 1) + ": " + render(e.getValue(), d + 1));
            java.util.Collections.sort(parts);
            return "{" + String.join(", ", parts) + "}";
        }
        if (o instanceof java.util.Set) {
            java.util.List<String> parts = new java.util.ArrayList<>();
            for (Object e : (java.util.Set<?>) o) parts.add(render(e, d + 1));
            java.util.Collections.sort(parts);
            return "set{" + String.join(", ", parts) + "}";
        }
        if (o instanceof Iterable || o instanceof java.util.Iterator) {
            try {
                java.util.Iterator<?> it = o instanceof Iterable ? ((Iterable<?>) o).iterator() : (java.util.Iterator<?>) o;
                StringBuilder sb = new StringBuilder("[");
                int i = 0;
                while (it.hasNext() && i < 5000) {
                    if (i++ > 0) sb.append(", ");
                    sb.append(render(it.next(), d + 1));
                }
                return sb.append("]").toString();
            } catch (RuntimeException e) {
                if (c.getName().startsWith("java.")) throw e;
                // a repository class whose iteration is not in the skeleton: by its fields below
            }
        }
        if (o instanceof java.util.Optional) {
            java.util.Optional<?> opt = (java.util.Optional<?>) o;
            return opt.isPresent() ? "Optional(" + render(opt.get(), d + 1) + ")" : "Optional.empty";
        }
        if (o instanceof java.util.stream.BaseStream) {
            return render(((java.util.stream.BaseStream<?, ?>) o).iterator(), d);
        }
        if (o instanceof Enum) return ((Enum<?>) o).name();
        if (o instanceof Throwable) return "exception " + c.getSimpleName();
        String name = c.getName();
        if (name.startsWith("java.") || name.startsWith("javax.")) {
            return c.getSimpleName() + ":" + String.valueOf(o).replaceAll("@[0-9a-f]+", "");
        }
        java.util.List<String> fields = new java.util.ArrayList<>();
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            for (java.lang.reflect.Field f : k.getDeclaredFields()) {
                if (java.lang.reflect.Modifier.isStatic(f.getModifiers()) || f.isSynthetic()) continue;
                try {
                    f.setAccessible(true);
                    fields.add(f.getName() + "=" + render(f.get(o), d + 1));
                } catch (Throwable t) {
                    fields.add(f.getName() + "=?");
                }
            }
        }
        java.util.Collections.sort(fields);
        return c.getSimpleName() + "(" + String.join(", ", fields) + ")";
    }

    static void setField(Object obj, String name, Object value) {
        for (Class<?> k = obj.getClass(); k != null; k = k.getSuperclass()) {
            try {
                java.lang.reflect.Field f = k.getDeclaredField(name);
                f.setAccessible(true);
                f.set(obj, value);
                return;
            } catch (NoSuchFieldException e) {
                continue;
            } catch (ReflectiveOperationException e) {
                throw new RuntimeException(e);
            }
        }
        throw new RuntimeException("no field " + name);
    }

    static Throwable cause(Throwable t) {
        while (t instanceof java.lang.reflect.InvocationTargetException && t.getCause() != null) t = t.getCause();
        return t;
    }
'''

HELPERS = r'''
class H {
    static int files = 0;
    static int size = 8;  // the shared length of generator mode 1

    static String seq(java.util.Random r, String alphabet, int min, int max) {
        int n = min + r.nextInt(max - min + 1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        return sb.toString();
    }

    static String word(java.util.Random r) {
        String[] w = {"alpha", "beta", "gamma", "delta", "sample", "gene", "chr", "read", "x", "id"};
        return w[r.nextInt(w.length)];
    }

    static String qual(java.util.Random r) {
        StringBuilder sb = new StringBuilder();
        int n = 8 + r.nextInt(33);
        for (int i = 0; i < n; i++) sb.append((char) (33 + 2 + r.nextInt(39)));
        return sb.toString();
    }

    static String cigar(java.util.Random r) {
        StringBuilder sb = new StringBuilder();
        sb.append(1 + r.nextInt(30)).append('M');
        int k = r.nextInt(5);
        for (int i = 0; i < k; i++) {
            sb.append(1 + r.nextInt(5)).append("IDNS".charAt(r.nextInt(4)));
            sb.append(1 + r.nextInt(30)).append('M');
        }
        return sb.toString();
    }

    static String codon(java.util.Random r) {
        String[] special = {"ATG", "TAA", "TAG", "TGA"};
        return r.nextInt(10) < 4 ? special[r.nextInt(4)] : seq(r, "ACGT", 3, 3);
    }

    static String region(java.util.Random r) {
        int s = 1 + r.nextInt(5000);
        return chrom(r) + ":" + s + "-" + (s + r.nextInt(1000));
    }

    static String header(java.util.Random r) {
        String[] p = {">", "@", "#", ""};
        return p[r.nextInt(p.length)] + word(r) + (r.nextBoolean() ? " " + word(r) + r.nextInt(100) : "");
    }

    static String line(java.util.Random r) {
        switch (r.nextInt(6)) {
            case 0: return "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO";
            case 1: return ">" + word(r) + r.nextInt(100) + " " + word(r);
            case 2: return seq(r, "ACGT", 10, 60);
            case 3: return chrom(r) + "\t" + (1 + r.nextInt(5000)) + "\t" + (5000 + r.nextInt(5000)) + "\t" + word(r);
            default: return chrom(r) + "\t" + (1 + r.nextInt(100000)) + "\t.\t" + "ACGT".charAt(r.nextInt(4)) + "\t"
                + "ACGT".charAt(r.nextInt(4)) + "\t" + r.nextInt(100) + "\tPASS\tDP=" + r.nextInt(80) + ";AF=0." + r.nextInt(10);
        }
    }

    static String chrom(java.util.Random r) {
        String[] c = {"1", "2", "3", "7", "11", "X", "Y"};
        return "chr" + c[r.nextInt(c.length)];
    }

    static String write(String ext, String text) {
        String name = "h_input_" + (++files) + "." + ext;
        try {
            java.nio.file.Files.write(java.nio.file.Paths.get(name), text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new RuntimeException(e);
        }
        return name;
    }

    static String fastaFile(java.util.Random r) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) sb.append(">seq").append(i + 1).append('\n').append(seq(r, "ACGT", 10, 90)).append('\n');
        return write("fasta", sb.toString());
    }

    static String fastqFile(java.util.Random r) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
            String s = seq(r, "ACGT", 10, 50);
            StringBuilder q = new StringBuilder();
            for (int j = 0; j < s.length(); j++) q.append((char) (35 + r.nextInt(39)));
            sb.append("@read").append(i + 1).append('\n').append(s).append("\n+\n").append(q).append('\n');
        }
        return write("fastq", sb.toString());
    }

    static String bedFile(java.util.Random r) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + r.nextInt(5);
        for (int i = 0; i < n; i++) {
            int s = r.nextInt(5000);
            sb.append(chrom(r)).append('\t').append(s).append('\t').append(s + 1 + r.nextInt(500)).append("\tfeat").append(i).append('\n');
        }
        return write("bed", sb.toString());
    }

    static String vcfFile(java.util.Random r) {
        StringBuilder sb = new StringBuilder("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n");
        int n = 1 + r.nextInt(5), pos = 0;
        for (int i = 0; i < n; i++) {
            pos += 1 + r.nextInt(1000);
            sb.append("chr1\t").append(pos).append("\t.\t").append("ACGT".charAt(r.nextInt(4))).append('\t')
              .append("ACGT".charAt(r.nextInt(4))).append("\t50\tPASS\tDP=").append(1 + r.nextInt(60)).append('\n');
        }
        return write("vcf", sb.toString());
    }

    static String samFile(java.util.Random r) {
        StringBuilder sb = new StringBuilder("@HD\tVN:1.6\n@SQ\tSN:chr1\tLN:10000\n");
        int n = 1 + r.nextInt(5);
        for (int i = 0; i < n; i++) {
            String s = seq(r, "ACGT", 10, 40);
            sb.append("read").append(i).append("\t0\tchr1\t").append(1 + r.nextInt(9000)).append("\t60\t")
              .append(s.length()).append("M\t*\t0\t0\t").append(s).append("\t*\n");
        }
        return write("sam", sb.toString());
    }
}
'''


def _prepare_context(context: str) -> str:
    """Make public top-level types package-private (Main is the public one), and private nested
    types package-private (Main must reach them; access does not change what code computes).
    The package line stays: static imports of the unit's own types (`import static pkg.Enum.*`)
    need it."""
    out = []
    for line in context.split("\n"):
        m = re.match(r"^((?:@\w+(?:\([^)]*\))?\s+)*)public\s+" + _TYPE_DECL, line) \
            or re.match(r"^(\s+(?:@\w+(?:\([^)]*\))?\s+)*)private\s+" + _TYPE_DECL, line)
        if m:
            line = m.group(1) + m.group(2) + line[m.end():]
        out.append(line)
    return "\n".join(out)


_TYPE_DECL = r"((?:(?:abstract|final|sealed|non-sealed|strictfp|static)\s+)*(?:class|interface|enum|record|@interface)\b)"


# a context stub's body: empty, a default return, or (a constructor) the call to a super constructor
_STUB_BODY = re.compile(r"\{\s*(return\s+[^;{}]*;|super\([^;{}]*\);)?\s*\}\s*$")


def expand_callees(context: str, record: FunctionRecord, skip: frozenset[int] = frozenset()) -> str:
    """Replace stubbed bodies (`{ return null; }`) of methods the function calls with their real
    source from `record.callees` (but those whose index is in `skip`), so the reference does not
    run against placeholders."""
    lines = context.split("\n")
    stubs = {i: _signature_key(line) for i, line in enumerate(lines) if _STUB_BODY.search(line)}
    for ci, callee in enumerate(record.callees):
        if callee.kind not in ("method", "constructor") or "{" not in callee.source or ci in skip:
            continue
        key = _signature_key(callee.source)
        for i, stub in stubs.items():
            if stub == key:
                indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
                lines[i] = indent + callee.source.strip()
                del stubs[i]
                break
    return "\n".join(lines)


def _signature_key(declaration: str) -> str:
    """A method's text before its body without annotations, the modifiers a stub drops and
    layout, on which a context stub and the real source agree."""
    text = ANNOTATION_RE.sub("", declaration)
    head = text[: text.index("{")] if "{" in text else text
    head = re.sub(r"\b(?:final|synchronized|native|strictfp)\s+", "", head)
    return " ".join(re.sub(r"([(),<>\[\]])", r" \1 ", head).split())


def _class_path(record: FunctionRecord, classes: Mapping[str, ClassInfo]) -> ClassInfo | None:
    qualified = record.class_name or ""
    if record.module and qualified.startswith(record.module + "."):
        qualified = qualified[len(record.module) + 1:]
    parts = qualified.split(".")
    for i in range(len(parts)):
        name = parts[-1]
        info = classes.get(name)
        if info is not None and info.path == ".".join(parts[i:]):
            return info
    return classes.get(parts[-1]) if parts else None


def _default_return(rtype: str) -> str:
    t = _simple(rtype)
    if t == "void":
        return ""
    if t == "boolean":
        return "return false;"
    if t in ("int", "long", "short", "byte", "double", "float", "char"):
        return "return 0;"
    return "return null;"


def stubs_for(record: FunctionRecord) -> dict[str, str]:
    rtype = record.return_type or "void"
    statements = {"default_return": _default_return(rtype), "raise": "throw new UnsupportedOperationException();"}
    if record.parameters:
        p0 = record.parameters[0]
        if p0.type and re.sub(r"\s+", "", _simple(p0.type)) == re.sub(r"\s+", "", _simple(rtype)):
            statements["return_first_arg"] = f"return {p0.name};"
    body = record.body
    out = {}
    for name, stmt in statements.items():
        new_body = "{ " + stmt + " }" if body.lstrip().startswith("{") else stmt
        out[name] = hc.replace_body(record.code, body, new_body)
    return out


def needs(record: FunctionRecord) -> tuple[str, str] | None:
    text = record.code + "\n" + "\n".join(c.source for c in record.callees) + "\n" + "\n".join(
        u.statement for u in record.used_imports)
    for reason, pattern in ((hc.NEEDS_NETWORK, NETWORK_TYPES), (hc.NEEDS_DATABASE, DATABASE_TYPES),
                            (hc.NEEDS_GUI, GUI_TYPES), (hc.NEEDS_EXTERNAL_PROGRAM, EXTERNAL)):
        m = pattern.search(text)
        if m:
            return reason, m.group(0)
    if THREADS.search(record.code):
        return hc.UNSUPPORTED_KIND, "threads"
    if re.search(r"\bSystem\.in\b|\bScanner\s*\(\s*System\.in", record.code):
        return hc.UNSUPPORTED_KIND, "reads stdin"
    return None


GENERATOR_MODES = 3  # JavaGen.mode


def generate(record_or_row: FunctionRecord | Mapping[str, Any], mode: int = 0) -> HarnessPlan | Untestable:
    """A Main.java harness for one Java method, or why none can be made. When the context has
    stubbed callees, the plan uses their real source and falls back to the plain context if
    that does not compile. A plan not validated retries with the next generator mode."""
    record = hc.as_record(record_or_row)
    plain = _generate(record, expand=False, mode=mode)
    expanded_context = expand_callees(record.context_code or "", record)
    if expanded_context == (record.context_code or "") or not isinstance(plain, HarnessPlan):
        plan = plain
    else:
        plan = _expanded(record, frozenset(), plain, mode) or plain
    if isinstance(plan, HarnessPlan) and mode + 1 < GENERATOR_MODES:
        plan.retry = lambda: generate(record, mode + 1)
    return plan


def _expanded(record: FunctionRecord, skip: frozenset[int], plain: HarnessPlan, mode: int) -> HarnessPlan | None:
    """The plan with callees expanded (but `skip`). A callee's real body may read members the
    context left out (`return domainId;`): `repair` puts the callees that javac's errors point
    at back to their stubs and keeps the others real."""
    plan = _generate(record, expand=True, skip=skip, mode=mode)
    if not isinstance(plan, HarnessPlan):
        return None
    plan.fallback = plain

    def repair(stderr: str) -> HarnessPlan | None:
        compiled = hc.insert_solution(plan.program, plan.reference, "java").split("\n")
        bad = {compiled[int(n) - 1].strip() for n in re.findall(r"^Main\.java:(\d+): error:", stderr, re.M)
               if int(n) <= len(compiled)} - {"", "{", "}", "};"}
        more = {ci for ci, c in enumerate(record.callees) if ci not in skip
                and bad & {line.strip() for line in c.source.split("\n")}}
        return _expanded(record, skip | more, plain, mode) if more else None

    plan.repair = repair
    return plan


def _generate(record: FunctionRecord, expand: bool, skip: frozenset[int] = frozenset(), mode: int = 0
              ) -> HarnessPlan | Untestable:
    context = record.context_code or ""
    if hc.marker_count(context) != 1:
        return Untestable(hc.NO_MARKER, f"{hc.marker_count(context)} marker lines")
    if record.kind not in ("method", "constructor"):
        return Untestable(hc.UNSUPPORTED_KIND, record.kind)
    if "abstract" in record.modifiers or not record.body.strip().startswith("{") and record.body.strip() in ("", ";"):
        return Untestable(hc.UNSUPPORTED_KIND, "abstract method")
    need = needs(record)
    if need:
        return Untestable(*need)
    prepared = _prepare_context(expand_callees(context, record, skip) if expand else context)
    classes = scan_classes(prepared.replace(MARKER, ""))
    if "Main" in classes or "H" in classes:
        return Untestable(hc.CONTEXT_BROKEN, "the context declares a class named Main or H")
    owner = _class_path(record, classes)
    if owner is None:
        return Untestable(hc.CONTEXT_BROKEN, f"class {record.class_name} not found in the context")
    type_params = set(re.findall(r"\b([A-Z]\w*)\b", record.type_parameters or ""))
    gen = JavaGen(classes, type_params, {owner.name: {(record.name, len(record.parameters))}}, mode=mode)
    ctor = record.kind == "constructor"
    if ctor and (owner.kind != "class" or owner.inner_of or "private" in record.modifiers or record.type_parameters):
        return Untestable(hc.UNSUPPORTED_KIND, f"constructor of {owner.kind} {owner.path}")
    # a constructor is called with `new` and its object is the output
    static = ctor or "static" in record.modifiers or owner.kind == "interface" and "default" not in record.modifiers
    lines: list[str] = []
    try:
        subclass = gen.subclass_body(owner, "this") if ctor else ""
        if not static:
            lines.append(f"        {owner.path} obj = {gen.instance(owner, 'this')};")
            for ftype, fname, fstatic in owner.fields:
                if fstatic:
                    continue
                try:
                    value = gen.expr(ftype, fname)
                except Unsupported:
                    continue
                prim = _BOXED.get(_simple(ftype), _simple(ftype))
                cast = f"({_BOX[prim]}) " if prim in _PRIMITIVES else "(Object) "
                lines.append(f'        setField(obj, "{fname}", {cast}{value});')
        for i, p in enumerate(record.parameters):
            if not p.type:
                return Untestable(hc.UNSUPPORTED_TYPE, f"{p.name}: no type")
            t = _simple(p.type)
            decl = gen.qualify(t[:-3] + "[]" if t.endswith("...") else t)
            lines.append(f"        {decl} p{i} = {gen.expr(decl, p.name)};")
    except Unsupported as exc:
        return Untestable(exc.reason, exc.detail)
    args = ", ".join(f"p{i}" for i in range(len(record.parameters)))
    target = "obj" if not static else owner.path
    rtype = _simple(record.return_type or "void")
    private = "private" in record.modifiers
    show = '"result: void"' if rtype == "void" and not ctor else '"result: " + render(res)'
    if ctor:
        call = f"Object res = new {owner.path}({args}){subclass};"
    elif private:
        erased = ", ".join(_erasure(_simple(p.type or "Object"), type_params) + ".class" for p in record.parameters)
        call = (f"java.lang.reflect.Method m = {owner.path}.class.getDeclaredMethod(\"{record.name}\""
                f"{', ' + erased if erased else ''});\n            m.setAccessible(true);\n"
                f"            Object res = m.invoke({'obj' if not static else 'null'}{', ' + args if args else ''});")
    elif rtype == "void":
        call = f"{target}.{record.name}({args});"
    else:
        call = f"Object res = {target}.{record.name}({args});"
    watched = [f"p{i}" for i, p in enumerate(record.parameters) if _mutable(_simple(p.type or ""), classes)]
    if not static:
        watched.append("obj")
    before = "\n".join(f"        String before_{w} = render({w});" for w in watched)
    after = "\n".join(
        f"        if (!render({w}).equals(before_{w})) System.out.println(\"changed {_label(w, record)}: \" + render({w}));"
        for w in watched)
    main = f"""public class Main {{
    public static void main(String[] args) throws Exception {{
        // consecutive small seeds give near-identical first draws in java.util.Random: spread them
        java.util.Random r = new java.util.Random(Long.parseLong(args[0]) * 0x9E3779B97F4A7C15L + 0x5DEECE66DL);
        r.nextLong();
{"        H.size = 1 + r.nextInt(12);" + chr(10) if mode == 1 else ""}{chr(10).join(lines)}
{before}
        String shown;
        try {{
            {call}
            shown = {show};
        }} catch (Throwable t) {{
            shown = "raised " + cause(t).getClass().getSimpleName();
        }}
        System.out.println(shown);
{after}
    }}
{chr(10).join(gen.helpers)}
{RUNTIME}}}
"""
    program = prepared.rstrip("\n") + "\n\n" + HELPERS.strip("\n") + "\n\n" + main
    has_inputs = bool(record.parameters) or any(not s for _, _, s in owner.fields) and not static
    return HarnessPlan(language="java", program=program, reference=record.code, stubs=stubs_for(record),
                       has_inputs=has_inputs, generators={p.name: p.type or "" for p in record.parameters})


def _label(w: str, record: FunctionRecord) -> str:
    if w == "obj":
        return "this"
    return record.parameters[int(w[1:])].name


def _mutable(t: str, classes: Mapping[str, ClassInfo]) -> bool:
    base = _strip_generics(t)
    return base.endswith(("[]", "...")) or base in _LISTS | _SETS | _MAPS or base in (
        "StringBuilder", "StringBuffer") or base.split(".")[-1] in classes


def _erasure(t: str, type_params: set[str]) -> str:
    base = _strip_generics(t)
    if base.endswith("..."):
        base = base[:-3] + "[]"
    core = base.rstrip("[]")
    dims = base[len(core):]
    if core in type_params:
        core = "Object"
    if core in _LISTS | _SETS | _MAPS or core in ("String", "Integer", "Long", "Double", "Float", "Boolean",
                                                     "Character", "Short", "Byte", "Object", "StringBuilder"):
        prefix = "java.util." if core in _LISTS | _SETS | _MAPS else ""
        return prefix + core + dims
    return core + dims
