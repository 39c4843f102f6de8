"""Java harness generation and validation with javac/java (skipped, with the reason recorded,
when no JDK is installed)."""

from __future__ import annotations

import pytest

import harness_fixtures as fx
from pipeline import harness_common as hc
from pipeline import harness_java as hj
from pipeline import harness_run
from pipeline.harness_run import run_tests
from pipeline.records import MARKER, Callee
from pipeline.validate import validate_item, validate_items

needs_jdk = pytest.mark.skipif(not hc.jdk_available(), reason="no JDK (javac/java) on PATH")

STATIC_CONTEXT = f"""
package org.example.seq;

import java.util.*;

public class SeqUtils {{
    {MARKER}
}}
"""
GC_COUNT = """
public static int gcCount(String seq) {
    int n = 0;
    for (int i = 0; i < seq.length(); i++) {
        char c = seq.charAt(i);
        if (c == 'G' || c == 'C') n++;
    }
    return n;
}
"""
INSTANCE_CONTEXT = f"""
package org.example.seq;

import java.util.*;

public class KmerCounter {{
    private int k;
    {MARKER}
}}
"""
KMER_COUNTS = """
public Map<String, Integer> count(String seq) {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i + k <= seq.length(); i++) {
        String kmer = seq.substring(i, i + k);
        counts.merge(kmer, 1, Integer::sum);
    }
    return counts;
}
"""
REVERSE_IN_PLACE = """
public static void reverse(int[] values) {
    for (int i = 0, j = values.length - 1; i < j; i++, j--) {
        int t = values[i];
        values[i] = values[j];
        values[j] = t;
    }
}
"""
CONSTANT = """
public static String version(String seq) {
    return "1.0";
}
"""
CLOCK = """
public static long stamp(String seq) {
    return seq.length() + System.nanoTime() % 1000;
}
"""


def _static(code: str):
    return fx.java_record(code, STATIC_CONTEXT, class_name="org.example.seq.SeqUtils")


def test_program_shape():
    plan = hj.generate(_static(GC_COUNT))
    assert isinstance(plan, hc.HarnessPlan)
    # the package stays (static imports of the unit's own types need it): Main runs as pkg.Main
    assert plan.program.startswith("package org.example.seq;")
    assert harness_run.java_main_class(plan.program) == "org.example.seq.Main"
    assert "public class Main" in plan.program
    assert "public class SeqUtils" not in plan.program and "class SeqUtils" in plan.program
    assert hc.marker_count(plan.program) == 1
    assert 'H.seq(r, "ACGT", 8, 40)' in plan.program  # domain-aware String for `seq`
    assert set(plan.stubs) == {"default_return", "raise"}
    assert plan.stubs["default_return"].endswith("{ return 0; }")


def test_unconstructible_and_unknown_types_are_untestable():
    code = "public static int depth(SAMRecord rec) {\n    return rec.getMappingQuality();\n}\n"
    res = hj.generate(_static(code))
    assert isinstance(res, hc.Untestable) and res.reason == hc.NEEDS_UNCONSTRUCTIBLE_OBJECT
    net = ("public static String fetch(String acc) throws Exception {\n"
           "    return new java.net.URL(\"https://x/\" + acc).openStream().toString();\n}\n")
    res = hj.generate(_static(net))
    assert isinstance(res, hc.Untestable) and res.reason == hc.NEEDS_NETWORK


def test_no_jdk_is_a_recorded_reason(monkeypatch):
    monkeypatch.setattr(hc, "jdk_available", lambda: False)
    out = validate_item(_static(GC_COUNT))
    assert not out.harness_validated and out.harness_reason.startswith(hc.NO_JDK)


@needs_jdk
def test_java_static_and_instance_methods_validate_and_catch_mutants():
    records = [
        _static(GC_COUNT),
        fx.java_record(KMER_COUNTS, INSTANCE_CONTEXT, class_name="org.example.seq.KmerCounter"),
        _static(REVERSE_IN_PLACE),
        _static(CONSTANT),
        _static(CLOCK),
    ]
    gc, kmer, rev, const, clock = validate_items(records, jobs=2)
    for out in (gc, kmer, rev):
        assert out.harness_validated, out.harness_reason
        assert len({r["output"] for r in out.test_runs}) > 1
    assert any("changed values:" in r["output"] for r in rev.test_runs)
    assert const.harness_reason == hc.OUTPUT_IGNORES_INPUTS
    assert clock.harness_reason.startswith(hc.NONDETERMINISTIC)
    mutant = records[0].code.replace("c == 'G' || c == 'C'", "c == 'G' || c == 'T'")
    assert not run_tests("java", gc.test_harness, mutant, gc.test_runs).passed
    off_by_one = records[1].code.replace("i + k <= seq.length()", "i + k < seq.length()")
    assert not run_tests("java", kmer.test_harness, off_by_one, kmer.test_runs).passed


# ---------------------------------------------------------------- instances: constructors and abstract skeletons

CTOR_ONLY_CONTEXT = f"""
package org.example.seq;

public class Trimmer {{
    private final int minQuality;
    private final String adapter;
    public Trimmer(int minQuality, String adapter) {{
        this.minQuality = minQuality;
        this.adapter = adapter;
    }}
    {MARKER}
}}
"""
TRIM = """
public int keep(int[] quals) {
    int n = 0;
    for (int q : quals) if (q >= minQuality) n++;
    return n + adapter.length();
}
"""
# the context keeps `implements` clauses without the implementations: an abstract skeleton
ABSTRACT_CONTEXT = f"""
package org.example.seq;

public abstract class Feature implements Comparable<Feature>, Located {{
    private int start;
    private int end;
    {MARKER}
}}

interface Located {{
    int getStart();
    String describe();
}}
"""
LENGTH = """
public int length(int pad) {
    return end - start + pad;
}
"""


def test_abstract_skeleton_gets_an_anonymous_subclass_with_throwing_stubs():
    rec = fx.java_record(LENGTH, ABSTRACT_CONTEXT, class_name="org.example.seq.Feature")
    plan = hj.generate(rec)
    assert isinstance(plan, hc.HarnessPlan), plan
    assert "public int compareTo(Feature a0) { throw new UnsupportedOperationException(); }" in plan.program
    assert "public int getStart()" in plan.program and "public String describe()" in plan.program
    assert "public int length(" not in plan.program.split("public class Main")[1]  # the item is not stubbed out
    unknown = ABSTRACT_CONTEXT.replace("Comparable<Feature>", "org.other.Thing")
    res = hj.generate(fx.java_record(LENGTH, unknown, class_name="org.example.seq.Feature"))
    assert isinstance(res, hc.Untestable) and res.reason == hc.NEEDS_UNCONSTRUCTIBLE_OBJECT


@needs_jdk
def test_instances_from_parameterised_constructors_and_abstract_skeletons_validate():
    records = [fx.java_record(TRIM, CTOR_ONLY_CONTEXT, class_name="org.example.seq.Trimmer"),
               fx.java_record(LENGTH, ABSTRACT_CONTEXT, class_name="org.example.seq.Feature")]
    plan = hj.generate(records[0])
    assert "new Trimmer(" in plan.program and "Trimmer()" not in plan.program
    trim, length = validate_items(records, jobs=2)
    for out in (trim, length):
        assert out.harness_validated, out.harness_reason
    mutant = records[0].code.replace("q >= minQuality", "q > minQuality")
    assert not run_tests("java", trim.test_harness, mutant, trim.test_runs).passed
    mutant = records[1].code.replace("end - start + pad", "end - start + pad + 1")
    assert not run_tests("java", length.test_harness, mutant, length.test_runs).passed


STATIC_IMPORT_CONTEXT = f"""
package org.example.seq;

import static org.example.seq.Base.*;

class BaseCounter {{
    {MARKER}
}}

enum Base {{
    A, C, G, T;
}}
"""
COUNT_GC_BASES = """
public static int countStrong(String seq) {
    int n = 0;
    for (int i = 0; i < seq.length(); i++) {
        Base b = Base.valueOf(String.valueOf(seq.charAt(i)));
        if (b == G || b == C) n++;
    }
    return n;
}
"""


@needs_jdk
def test_static_import_of_a_same_package_type_compiles_in_the_harness():
    # `import static pkg.Base.*` needs the unit's package: the harness keeps it and runs pkg.Main
    rec = fx.java_record(COUNT_GC_BASES, STATIC_IMPORT_CONTEXT, class_name="org.example.seq.BaseCounter")
    out = validate_item(rec)
    assert out.harness_validated, out.harness_reason
    mutant = rec.code.replace("b == G || b == C", "b == G")
    assert not run_tests("java", out.test_harness, mutant, out.test_runs).passed


STREAM_CONTEXT = f"""
package org.example.io;

import java.io.IOException;
import java.io.InputStream;

abstract class FastqStream extends InputStream {{
    private int pos;
    private String buffer;
    {MARKER}
}}
"""
REMAINING = """
public int remaining() {
    if (buffer == null) return 0;
    return buffer.length() + pos;
}
"""


def _validates_with(rec, snippet: str):
    """The item's plan holds `snippet` and its harness validates; the outcome."""
    plan = hj.generate(rec)
    assert isinstance(plan, hc.HarnessPlan), plan
    assert snippet in plan.program
    out = validate_item(rec)
    assert out.harness_validated, out.harness_reason
    return out


@needs_jdk
def test_abstract_skeleton_of_an_abstract_jdk_class_implements_its_abstract_methods():
    # `extends InputStream`: the anonymous subclass must implement read(), or javac refuses it
    rec = fx.java_record(REMAINING, STREAM_CONTEXT, class_name="org.example.io.FastqStream")
    _validates_with(rec, "public int read() { throw new UnsupportedOperationException(); }")


CODON_CONTEXT = f"""
package org.example.seq;

class Codons {{
    public static String translate(String codon) {{ return null; }}
    public static int weight(String codon) {{ return 0; }}
    {MARKER}
}}
"""
DESCRIBE_CODON = """
public static String describe(String codon) {
    return translate(codon) + ":" + weight(codon);
}
"""
# real callee bodies: `translate` reads a table the context left out, `weight` is whole
TRANSLATE_SOURCE = """public static String translate(String codon) {
        return TABLE.getOrDefault(codon, "X");
    }"""
WEIGHT_SOURCE = """public static int weight(String codon) {
        int w = 0;
        for (char c : codon.toCharArray()) w += (c == 'G' || c == 'C') ? 3 : 2;
        return w;
    }"""


@needs_jdk
def test_callees_whose_real_bodies_do_not_compile_go_back_to_stubs_one_by_one():
    rec = fx.java_record(DESCRIBE_CODON, CODON_CONTEXT, class_name="org.example.seq.Codons")
    rec.callees = [Callee("translate", "org.example.seq.Codons.translate(String)", "Codons.java", "method",
                          TRANSLATE_SOURCE),
                   Callee("weight", "org.example.seq.Codons.weight(String)", "Codons.java", "method", WEIGHT_SOURCE)]
    plan = hj.generate(rec)
    assert "TABLE.getOrDefault" in plan.program and plan.fallback is not None
    repaired = plan.repair("Main.java:%d: error: cannot find symbol\n" % (
        plan.program.split("\n").index("        return TABLE.getOrDefault(codon, \"X\");") + 1))
    assert "TABLE" not in repaired.program and "w += (c == 'G'" in repaired.program
    # validation takes that way: with every callee stubbed the output would not vary ("null:0")
    out = validate_item(rec)
    assert out.harness_validated, out.harness_reason
    assert "w += (c == 'G'" in out.test_harness and "TABLE" not in out.test_harness
    assert {r["output"].split(":")[-1] for r in out.test_runs} != {"0"}


KMER_CONTEXT = f"""
package org.example.seq;

public class Kmer {{
    private final String bases;
    private final int gc;
    {MARKER}
}}
"""
KMER_CONSTRUCTOR = """
public Kmer(String seq, int k) {
    this.bases = seq.substring(0, Math.min(k, seq.length()));
    int n = 0;
    for (char c : bases.toCharArray()) if (c == 'G' || c == 'C') n++;
    this.gc = n;
}
"""


@needs_jdk
def test_constructors_are_called_with_new_and_their_object_is_the_output():
    rec = fx.java_record(KMER_CONSTRUCTOR, KMER_CONTEXT, class_name="org.example.seq.Kmer")
    rec.kind, rec.return_type = "constructor", None
    plan = hj.generate(rec)
    assert isinstance(plan, hc.HarnessPlan), plan
    assert "Object res = new Kmer(p0, p1);" in plan.program
    out = validate_item(rec)
    assert out.harness_validated, out.harness_reason
    assert all(r["output"].startswith("result: Kmer(bases=") for r in out.test_runs)
    mutant = rec.code.replace("c == 'G' || c == 'C'", "c == 'G'")
    assert not run_tests("java", out.test_harness, mutant, out.test_runs).passed


MISMATCHES = """
public static int mismatches(String seq1, String seq2) {
    if (seq1.length() != seq2.length()) throw new IllegalArgumentException("lengths differ");
    int n = 0;
    for (int i = 0; i < seq1.length(); i++) if (seq1.charAt(i) != seq2.charAt(i)) n++;
    return n;
}
"""


@needs_jdk
def test_a_harness_whose_output_never_varies_retries_with_the_next_generator_mode():
    # mode 0 draws two sequences of 8-40 bases: their lengths almost never agree, so every seed
    # prints the same exception; mode 1 gives the strings of one call a shared length
    rec = fx.java_record(MISMATCHES, STATIC_CONTEXT, class_name="org.example.seq.SeqUtils")
    plan = hj.generate(rec)
    assert "H.size" not in plan.program and plan.retry is not None
    assert "H.size = 1 + r.nextInt(12);" in plan.retry().program
    out = validate_item(rec)
    assert out.harness_validated, out.harness_reason
    assert "H.seq(r, \"ACGT\", H.size, H.size)" in out.test_harness
    mutant = rec.code.replace("seq1.charAt(i) != seq2.charAt(i)", "seq1.charAt(i) == seq2.charAt(i)")
    assert not run_tests("java", out.test_harness, mutant, out.test_runs).passed


PRIVATE_NESTED_CONTEXT = f"""
package org.example.seq;

public class Reads {{
    private static final class Trimmer {{
        private int minQuality;
        {MARKER}
    }}
}}
"""
TRIM_END = """
int trimEnd(String qual) {
    int end = qual.length();
    while (end > 0 && qual.charAt(end - 1) - 33 < minQuality) end--;
    return end;
}
"""


@needs_jdk
def test_methods_of_private_nested_classes_are_reached_from_main():
    rec = fx.java_record(TRIM_END, PRIVATE_NESTED_CONTEXT, class_name="org.example.seq.Reads.Trimmer")
    _validates_with(rec, "    static final class Trimmer {")
    # an inner class of an abstract skeleton: its outer instance is an anonymous subclass
    inner = fx.java_record("int padded(int n) {\n    return 2 * n + done;\n}\n", f"""
package org.example.seq;

public abstract class Pool implements Comparable<Pool> {{
    private class Worker {{
        private int done;
        {MARKER}
    }}
}}
""", class_name="org.example.seq.Pool.Worker")
    _validates_with(inner, "new Pool() { public int compareTo(Pool a0) { throw new UnsupportedOperationException(); } }"
                           ".new Worker()")


def test_a_stub_matches_its_real_source_despite_final_annotations_and_a_super_call():
    context = f"""
package org.example.seq;

class Seq {{
    Seq(String id) {{ }}
}}

class Kmer extends Seq {{
    private int k;
    public Kmer(String seq, int k) {{ super((String) null); }}
    public synchronized int size() {{ return 0; }}
    {MARKER}
}}
"""
    ctor = "@Deprecated\npublic Kmer(final String seq, final int k) {\n        super(seq);\n        this.k = k;\n    }"
    size = "@Override\npublic synchronized int size() {\n        return k;\n    }"
    rec = fx.java_record("static int make(String s) {\n    return new Kmer(s, 3).size();\n}\n", context,
                         class_name="org.example.seq.Kmer")
    rec.callees = [Callee("Kmer", "org.example.seq.Kmer.Kmer(String,int)", "Kmer.java", "constructor", ctor),
                   Callee("size", "org.example.seq.Kmer.size()", "Kmer.java", "method", size)]
    expanded = hj.expand_callees(context, rec)
    assert "        super(seq);\n        this.k = k;" in expanded and "super((String) null)" not in expanded
    assert "        return k;" in expanded and "return 0;" not in expanded


# ---------------------------------------------------------------- third-party libraries on CLASSPATH

PHRED_LIB = """
package org.example.qual;

public final class Phred {
    private Phred() {}

    public static int score(char c) {
        return c - 33;
    }
}
"""
LIB_CONTEXT = f"""
package org.example.seq;

import org.example.qual.Phred;

public class QualityStats {{
    {MARKER}
}}
"""
MEAN_QUALITY = """
public static double meanQuality(String qual) {
    if (qual.isEmpty()) return 0.0;
    int total = 0;
    for (int i = 0; i < qual.length(); i++) total += Phred.score(qual.charAt(i));
    return (double) total / qual.length();
}
"""


@needs_jdk
def test_third_party_jars_on_classpath_compile_with_the_harness(monkeypatch, tmp_path):
    import os
    import shutil
    import subprocess
    import tempfile

    # a library jar in a directory every sandbox user can read (pytest's own is private)
    lib = tempfile.mkdtemp(prefix="biocoder-lib-")
    try:
        os.chmod(lib, 0o755)
        src = os.path.join(lib, "src", "org", "example", "qual")
        os.makedirs(src)
        with open(os.path.join(src, "Phred.java"), "w") as f:
            f.write(PHRED_LIB)
        classes = os.path.join(lib, "classes")
        subprocess.run(["javac", "-d", classes, os.path.join(src, "Phred.java")], check=True)
        jar = os.path.join(lib, "phred.jar")
        if shutil.which("jar"):
            subprocess.run(["jar", "cf", jar, "-C", classes, "."], check=True)
            os.chmod(jar, 0o644)
        else:  # a JDK without the jar tool: the class directory stands in for the jar
            jar = classes
        record = fx.java_record(MEAN_QUALITY, LIB_CONTEXT, class_name="org.example.seq.QualityStats")
        monkeypatch.delenv("CLASSPATH", raising=False)
        missing = validate_item(record)
        assert missing.harness_reason.startswith(hc.CONTEXT_BROKEN) and "org.example.qual" in missing.harness_reason
        monkeypatch.setenv("CLASSPATH", jar)
        found = validate_item(record)
        assert found.harness_validated, found.harness_reason
    finally:
        shutil.rmtree(lib, ignore_errors=True)


RECURSIVE_CONTEXT = f"""
package org.example.tree;

public class Trees {{
    {MARKER}
}}

class Node {{
    Node parent;

    public Node(Node parent) {{
        this.parent = parent;
    }}
}}
"""
DEPTH = """
public static int depth(Node node) {
    int d = 0;
    while (node != null) {
        d++;
        node = node.parent;
    }
    return d;
}
"""


def test_a_constructor_needing_its_own_class_is_an_unconstructible_object():
    # biojava's Atom/Group graph made the generator recurse without end (a RecursionError)
    plan = hj.generate(fx.java_record(DEPTH, RECURSIVE_CONTEXT, class_name="org.example.tree.Trees"))
    assert isinstance(plan, hc.Untestable) and plan.reason == hc.NEEDS_UNCONSTRUCTIBLE_OBJECT
    assert "Node" in plan.detail
