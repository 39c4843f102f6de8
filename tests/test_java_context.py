"""pipeline/context_java.py on a multi-module Maven fixture: imports, class context, callees,
dependency levels, context_code (javac-compiled when a JDK is present) and javalang's verdict."""

from __future__ import annotations

import shutil
import subprocess

import pytest

import pipeline.context_java as cj
from pipeline.context_java import insert_method, strict_parse
from pipeline.extract import extract_repo
from pipeline.records import MARKER, records_to_table

FILES = {
    "pom.xml": "<project><modules><module>core</module><module>io</module></modules></project>\n",
    "core/src/main/java/org/bio/core/Sequence.java": '''package org.bio.core;

import java.util.Locale;

/** A nucleotide sequence. */
public class Sequence implements CharSequence {
    public static final String ALPHABET = "ACGTN";
    private final String id;
    private final String residues;
    private int cachedGc = -1;

    public Sequence(String id, String residues) {
        this.id = id;
        this.residues = residues.toUpperCase(Locale.ROOT);
    }

    public String getId() { return id; }

    @Override public int length() { return residues.length(); }
    @Override public char charAt(int i) { return residues.charAt(i); }
    @Override public CharSequence subSequence(int a, int b) { return residues.substring(a, b); }

    /** GC content as a fraction. */
    public double gcContent() {
        int gc = 0;
        for (int i = 0; i < length(); i++) {
            char c = charAt(i);
            if (c == 'G' || c == 'C') gc++;
        }
        cachedGc = gc;
        return length() == 0 ? 0.0 : (double) gc / length();
    }

    static boolean isValid(char c) { return ALPHABET.indexOf(c) >= 0; }
}
''',
    "core/src/main/java/org/bio/core/Scoring.java": '''package org.bio.core;

public final class Scoring {
    private Scoring() { }

    public static int score(char a, char b) { return a == b ? 2 : -1; }

    /** Score of an ungapped alignment. */
    public static int align(String a, String b) { return align(a, b, -2); }

    /** Score with a gap penalty for the length difference. */
    public static int align(String a, String b, int gap) {
        int n = Math.min(a.length(), b.length());
        int s = 0;
        for (int i = 0; i < n; i++) s += score(a.charAt(i), b.charAt(i));
        return s + gap * Math.abs(a.length() - b.length());
    }

    public static int max3(int x, int y, int z) { return Math.max(x, Math.max(y, z)); }
}
''',
    "core/src/main/java/org/bio/core/Strand.java": '''package org.bio.core;

public enum Strand {
    PLUS("+") {
        @Override public Strand reverse() { return MINUS; }
    },
    MINUS("-") {
        @Override public Strand reverse() { return PLUS; }
    };

    private final String symbol;

    Strand(String symbol) { this.symbol = symbol; }

    public abstract Strand reverse();

    public static Strand fromSymbol(String s) {
        for (Strand st : values()) if (st.symbol.equals(s)) return st;
        throw new IllegalArgumentException(s);
    }
}
''',
    "core/src/main/java/org/bio/core/Feature.java": '''package org.bio.core;

public interface Feature {
    int start();
    int end();
    default int length() { return end() - start(); }
    static boolean overlaps(Feature a, Feature b) { return a.start() < b.end() && b.start() < a.end(); }
}
''',
    "core/src/main/java/org/bio/core/Interval.java": '''package org.bio.core;

public record Interval(String contig, int start, int end) implements Feature {
    public Interval {
        if (end < start) throw new IllegalArgumentException("end before start");
    }
    public Interval shift(int by) { return new Interval(contig, start + by, end + by); }
}
''',
    "io/src/main/java/org/bio/io/VcfReader.java": '''package org.bio.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.bio.core.Interval;
import org.bio.core.Scoring;
import org.bio.core.Strand;
import com.google.common.base.Splitter;

/** Reads VCF-like records. */
public class VcfReader {
    private static final char SEP = '\\t';
    private final BufferedReader reader;
    private int lineNo;
    private final List<String> header = new ArrayList<>();

    public VcfReader(BufferedReader reader) { this.reader = reader; }

    /** Splits one data line into its columns. */
    public static String[] columns(String line) {
        return line.split(String.valueOf(SEP));
    }

    /** Reads the next record as an interval, or null at the end. */
    public Interval next() throws IOException {
        String line = reader.readLine();
        lineNo++;
        if (line == null) return null;
        String[] cols = columns(line);
        int pos = Integer.parseInt(cols[1]);
        return new Interval(cols[0], pos - 1, pos - 1 + cols[3].length());
    }

    public int refAltScore(String line) {
        String[] cols = columns(line);
        return Scoring.align(cols[3], cols[4]);
    }

    public Strand strandOf(String s) { return Strand.fromSymbol(s); }

    public List<String> filtered(Predicate<String> keep) {
        List<String> out = new ArrayList<>();
        for (String h : header) if (keep.test(h)) out.add(h);
        return out;
    }

    public Iterable<String> fields(String line) { return Splitter.on(SEP).split(line); }

    static int clamp(int x) { return x < 0 ? 0 : x; }

    static int sum(int... xs) {
        int s = 0;
        for (int x : xs) s += x;
        return s;
    }

    static <T extends Comparable<T>> T best(List<T> xs) {
        T b = null;
        for (T x : xs) if (b == null || x.compareTo(b) > 0) b = x;
        return b;
    }

    String describe(Object o) {
        if (o instanceof Interval iv) {
            return switch (iv.contig()) {
                case "chrM" -> "mito";
                default -> iv.contig() + ":" + iv.start();
            };
        }
        var text = """
            unknown
            """;
        return text.strip();
    }

    Runnable counter() {
        return new Runnable() {
            @Override public void run() { lineNo++; }
        };
    }

    int localHelper(String s) {
        class Counter { int count(String t) { return t.length(); } }
        return new Counter().count(s);
    }

    class Cursor {
        int position() { return lineNo; }
    }
}
''',
    # a local shadowing the field a call goes through (`this.seq.getId()`)
    "core/src/main/java/org/bio/core/Read.java": '''package org.bio.core;

public class Read {
    private Sequence seq;

    public String label() {
        String seq = this.seq == null ? "" : this.seq.getId();
        return seq + "/1";
    }
}
''',
    # a stub constructor's super(...) call must not name the superclass's type parameters
    "core/src/main/java/org/bio/core/Track.java": '''package org.bio.core;

import java.util.ArrayList;
import java.util.List;

abstract class AbstractTrack<C extends CharSequence> {
    protected AbstractTrack(String name, List<C> items) throws java.io.IOException { }
    protected AbstractTrack(StringBuilder name, List<C> items) { }
}

public class Track extends AbstractTrack<String> {
    public Track(String name) throws java.io.IOException { super(name, new ArrayList<String>()); }
    public Track(StringBuilder name) { super(name, new ArrayList<String>()); }

    public int width(int x) { return x + 1; }
}
''',
    # an instantiated class gets the methods its supertypes leave abstract (a repository
    # interface's, the JDK's Iterable.iterator()) from the superclass that implements them
    "core/src/main/java/org/bio/core/Reads.java": '''package org.bio.core;

import java.util.Iterator;
import java.util.List;

interface Sized extends Iterable<String> {
    int size();
}

abstract class AbstractReads implements Sized {
    protected final List<String> names;

    protected AbstractReads(List<String> names) { this.names = names; }

    @Override public int size() { return names.size(); }

    @Override public Iterator<String> iterator() { return names.iterator(); }
}

public class Reads extends AbstractReads {
    public Reads(List<String> names) { super(names); }

    public static int count(List<String> names) {
        Sized reads = new Reads(names);
        return reads.size();
    }
}
''',
    # `new Kmer(seq, 3)`: the two-argument constructor is a callee, and its fields are Kmer's
    "core/src/main/java/org/bio/core/Kmer.java": '''package org.bio.core;

public class Kmer {
    private final String bases;
    private int gc;
    private String label = "kmer";

    public Kmer(String seq, int k) {
        this.bases = seq.substring(0, k);
        for (char c : bases.toCharArray()) if (c == 'G' || c == 'C') gc++;
    }

    public Kmer(String seq) { this(seq, seq.length()); }
}

class Kmers {
    static Kmer first(String seq) { return new Kmer(seq, 3); }
}
''',
    # enum constants through a static wildcard import of a same-package enum
    "core/src/main/java/org/bio/core/Strands.java": '''package org.bio.core;

import static org.bio.core.Strand.*;

public final class Strands {
    static Strand flip(Strand s) { return s == PLUS ? MINUS : PLUS; }
}
''',
    "io/src/main/java/org/bio/io/Broken.java": '''package org.bio.io;

public class Broken {
    int ok(int x) { return x * 2; }
    int bad(int x) { return x + ; }
}
''',
}


@pytest.fixture(scope="module")
def repo_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("mvn")
    for rel, text in FILES.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, "utf-8")
    return root


@pytest.fixture(scope="module")
def records(repo_root):
    recs, stats = extract_repo(repo_root, repo="bio/mvn", commit="c0ffee", repo_url="https://github.com/bio/mvn",
                               languages=("java",))
    return {r.qualified_name: r for r in recs}, stats


def test_stats_and_ids(records):
    recs, stats = records
    assert stats.files["java"] == 12 and stats.files_with_errors["java"] == 1
    assert stats.functions["java"] == len(recs)
    r = recs["org.bio.core.Scoring.align(String,String,int)"]
    assert r.language == "java" and r.module == "org.bio.core" and r.class_name == "org.bio.core.Scoring"
    assert r.url == f"https://github.com/bio/mvn/blob/c0ffee/{r.path}#L{r.start_line}-L{r.end_line}"
    assert r.id != recs["org.bio.core.Scoring.align(String,String)"].id
    assert r.docstring.startswith("/** Score with a gap") and r.doc_words == 9
    assert r.n_params == 3 and r.lines == 6 and r.tokens > 20
    assert records_to_table(recs.values()).num_rows == len(recs)


def test_constructs_and_kinds(records):
    recs, _ = records
    assert recs["org.bio.core.Interval.Interval(String,int,int)"].kind == "compact_constructor"
    assert recs["org.bio.core.Sequence.Sequence(String,String)"].kind == "constructor"
    assert recs["org.bio.core.Strand.PLUS.reverse()"].scope == "anonymous_class"
    assert recs["org.bio.io.VcfReader$1.run()"].scope == "anonymous_class"
    assert recs["org.bio.io.VcfReader$2Counter.count(String)"].scope == "local_class"
    assert recs["org.bio.io.VcfReader.sum(int...)"].parameters[0].type == "int..."
    assert recs["org.bio.io.VcfReader.best(List)"].type_parameters == "<T extends Comparable<T>>"
    assert recs["org.bio.core.Feature.length()"].modifiers == ["default"]
    assert recs["org.bio.io.Broken.ok(int)"].has_parse_error is False


def test_used_imports_and_levels(records):
    recs, _ = records
    nxt = recs["org.bio.io.VcfReader.next()"]
    kinds = {u.module: (u.kind, u.resolved_path) for u in nxt.used_imports}
    assert kinds["java.io.IOException"] == ("jdk", None)
    assert kinds["org.bio.core.Interval"] == ("local", "core/src/main/java/org/bio/core/Interval.java")
    assert "java.util.List" not in kinds and "com.google.common.base.Splitter" not in kinds
    assert nxt.dependency_level == "project"
    fields = recs["org.bio.io.VcfReader.fields(String)"]
    assert [u.kind for u in fields.used_imports] == ["third_party"]
    assert fields.dependency_level == "class"  # uses SEP: class beats third_party
    assert recs["org.bio.io.VcfReader.clamp(int)"].dependency_level == "self_contained"
    assert recs["org.bio.io.VcfReader.sum(int...)"].dependency_level == "self_contained"
    assert recs["org.bio.io.VcfReader.filtered(Predicate)"].dependency_level == "class"
    assert recs["org.bio.core.Scoring.max3(int,int,int)"].dependency_level == "self_contained"
    assert recs["org.bio.core.Scoring.align(String,String,int)"].dependency_level == "class"
    assert recs["org.bio.io.VcfReader.refAltScore(String)"].dependency_level == "project"


def test_class_context_and_callees(records):
    recs, _ = records
    gc = recs["org.bio.core.Sequence.gcContent()"]
    cc = gc.class_context
    assert cc.header == "public class Sequence implements CharSequence {"
    members = {(m.name, m.kind) for m in cc.members}
    assert members == {("cachedGc", "field"), ("length", "method"), ("charAt", "method")}
    assert "residues" not in gc.context_code  # only what it uses
    ras = recs["org.bio.io.VcfReader.refAltScore(String)"]
    callees = {(c.kind, c.qualified_name) for c in ras.callees}
    assert ("class", "org.bio.core.Scoring") in callees
    assert ("method", "org.bio.core.Scoring.align(String,String)") in callees
    assert ("method", "org.bio.io.VcfReader.columns(String)") in callees
    skeleton = next(c.source for c in ras.callees if c.kind == "class")
    assert "public static int align(String a, String b, int gap);" in skeleton and "return" not in skeleton
    assert not ras.unresolved


def test_a_constructor_called_with_new_is_a_callee_with_its_fields(records):
    recs, _ = records
    r = recs["org.bio.core.Kmers.first(String)"]
    ctors = [c for c in r.callees if c.kind == "constructor"]
    assert [c.qualified_name for c in ctors] == ["org.bio.core.Kmer.Kmer(String,int)"]
    assert ctors[0].source.startswith("public Kmer(String seq, int k) {")
    # the fields that constructor assigns, not the others
    assert "String bases;" in r.context_code and "int gc;" in r.context_code and "label" not in r.context_code


@pytest.mark.skipif(shutil.which("javac") is None, reason="javac (a JDK) is not installed")
def test_the_harness_runs_the_real_constructor_of_what_the_method_builds(records):
    from pipeline.validate import validate_item

    out = validate_item(records[0]["org.bio.core.Kmers.first(String)"])
    assert out.harness_validated, out.harness_reason
    # the stub `{ }` would leave every Kmer empty (bases=null, gc=0): the output would not vary
    assert all(run["output"].startswith('result: Kmer(bases="') for run in out.test_runs)


def test_unresolved_listed_apart(tmp_path):
    (tmp_path / "A.java").write_text("class A { int f() { return helper(missing); } }\n")
    recs, _ = extract_repo(tmp_path, languages=("java",))
    assert recs[0].unresolved == ["helper()", "missing"]


def test_context_code_shape(records):
    recs, _ = records
    r = recs["org.bio.io.VcfReader.Cursor.position()"]
    lines = r.context_code.splitlines()
    assert lines[0] == "package org.bio.io;"
    marker = next(line for line in lines if MARKER in line)
    assert marker == "        " + MARKER  # the method's own indentation, inside Cursor
    assert "private int lineNo;" in r.context_code and "class Cursor {" in r.context_code
    enum = recs["org.bio.core.Strand.fromSymbol(String)"].context_code
    assert "PLUS, MINUS;" in enum and "private String symbol;" in enum


def test_strict_parse_off_by_default(records):
    recs, _ = records
    assert all(r.strict_parse is None for r in recs.values())


def test_strict_parse_verdicts(repo_root, monkeypatch):
    monkeypatch.setattr(cj, "STRICT_PARSE", True)
    strict = {r.qualified_name: r for r in extract_repo(repo_root, languages=("java",))[0]}
    assert strict["org.bio.io.VcfReader.clamp(int)"].strict_parse == "ok"
    # the method alone is judged: a record's method in Java 8 syntax passes …
    assert strict["org.bio.core.Interval.shift(int)"].strict_parse == "ok"
    # … Java 16 syntax in the method (`o instanceof Interval iv`) fails, at its line in the file
    describe = strict["org.bio.io.VcfReader.describe(Object)"]
    assert describe.strict_parse.startswith("failed: JavaSyntaxError at ") \
        and f" line {describe.start_line + 1}: " in describe.strict_parse, describe.strict_parse
    assert strict_parse("class A { void f( }").startswith("failed")


def test_strict_parse_method_cross_checks_parameters():
    from parsers.java import parse_java

    src = b"class A {\n  <T> void f(final java.util.Map<String, T>[] m, int n[], @Deprecated String... rest) { }\n" \
          b"  void g() { Runnable r = () -> { }; int[][] a = new int[2][]; }\n" \
          b"  Object[] h(java.util.List<String> l) { return l.stream().toArray(Object[]::new); }\n}\n"
    ms = {m.name: m for m in parse_java("A.java", src).methods}
    assert cj.strict_parse_method(ms["f"]) == "ok"
    assert cj.strict_parse_method(ms["g"]) == "ok"
    # an array constructor reference is Java 8, but javalang's grammar lacks it
    assert cj.strict_parse_method(ms["h"]).startswith("failed: JavaSyntaxError at 'new' line 4")
    ms["f"].parameters[0] = ("Set", "m")  # a wrong tree-sitter reading is caught
    assert cj.strict_parse_method(ms["f"]).startswith("failed: parameters differ")


COMPILE = [
    "org.bio.core.Sequence.gcContent()",
    "org.bio.core.Sequence.Sequence(String,String)",
    "org.bio.core.Scoring.align(String,String)",
    "org.bio.core.Scoring.align(String,String,int)",
    "org.bio.core.Strand.fromSymbol(String)",
    "org.bio.core.Strand.PLUS.reverse()",
    "org.bio.core.Feature.overlaps(Feature,Feature)",
    "org.bio.core.Interval.Interval(String,int,int)",
    "org.bio.core.Interval.shift(int)",
    "org.bio.core.Read.label()",
    "org.bio.core.Track.width(int)",
    "org.bio.core.Strands.flip(Strand)",
    "org.bio.core.Reads.count(List)",
    "org.bio.core.Kmers.first(String)",
    "org.bio.io.VcfReader.next()",
    "org.bio.io.VcfReader.refAltScore(String)",
    "org.bio.io.VcfReader.strandOf(String)",
    "org.bio.io.VcfReader.filtered(Predicate)",
    "org.bio.io.VcfReader.sum(int...)",
    "org.bio.io.VcfReader.best(List)",
    "org.bio.io.VcfReader.describe(Object)",
    "org.bio.io.VcfReader$1.run()",
    "org.bio.io.VcfReader$2Counter.count(String)",
    "org.bio.io.VcfReader.Cursor.position()",
]


@pytest.mark.skipif(shutil.which("javac") is None, reason="javac (a JDK) is not installed")
def test_context_code_compiles_with_javac(records, tmp_path):
    recs, _ = records
    files = []
    for i, qn in enumerate(COMPILE):
        r = recs[qn]
        unit = insert_method(r.context_code, r.code)
        # one package per unit so a single javac run compiles them all
        unit = unit.replace(f"package {r.module};", f"package u{i}.{r.module};").replace(
            f"import {r.module}.", f"import u{i}.{r.module}.").replace(
            f"import static {r.module}.", f"import static u{i}.{r.module}.")
        d = tmp_path / f"u{i}"
        d.mkdir()
        (d / "Unit.java").write_text(unit)
        files.append(str(d / "Unit.java"))
    proc = subprocess.run(["javac", "-proc:none", "-nowarn", "-d", str(tmp_path / "out"), *files],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
