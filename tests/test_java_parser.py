"""parsers/java.py: every Java construct yields its methods, with exact spans and metadata."""

from __future__ import annotations

from parsers.java import doc_words, erase, parse_java

SEQ = b'''package org.bio.seq;

import java.util.List;
import java.util.*;
import static java.lang.Math.max;

/** A sequence record. */
@SuppressWarnings("unchecked")
public class SequenceRecord<T extends CharSequence> implements Comparable<SequenceRecord<T>> {
    private final String id;
    private int length = 0, gaps;
    static final String ALPHABET = "ACGT";

    /** Builds a record. */
    public SequenceRecord(String id) { this.id = id; }

    SequenceRecord() { this("anonymous"); }

    /**
     * Global alignment score of two sequences.
     *
     * @param a first
     */
    @Deprecated
    public static int align(String a, String b) { return align(a, b, -1); }

    public static int align(String a, String b, int gap) {
        int s = 0;
        for (int i = 0; i < Math.min(a.length(), b.length()); i++) s += a.charAt(i) == b.charAt(i) ? 1 : gap;
        return max(s, 0);
    }

    public <R extends Number> List<R> scores(final List<? extends R> xs, double... weights) throws java.io.IOException {
        return new ArrayList<>(xs);
    }

    @Override public int compareTo(SequenceRecord<T> o) { return id.compareTo(o.id); }

    static class Builder {
        Builder withId(String id) { return this; }
        class Inner { void touch() { } }
    }

    interface Scorer {
        int score(char a, char b);
        default int gap() { return -2; }
        static Scorer identity() { return (a, b) -> a == b ? 1 : 0; }
    }

    enum Base {
        A('a') { @Override char complement() { return 'T'; } },
        C('c');
        private final char code;
        Base(char code) { this.code = code; }
        char complement() { return 'N'; }
    }

    record Interval(int start, int end) {
        Interval {
            if (end < start) throw new IllegalArgumentException("end < start");
        }
        int length() { return end - start; }
    }

    @interface Experimental { String value() default ""; }

    void runAll() {
        Runnable r = new Runnable() {
            @Override public void run() { System.out.println(id); }
        };
        class Counter { int count(String s) { return s.length(); } }
        r.run();
    }
}
'''

MODERN = b'''package org.bio.vcf;

public sealed interface Variant permits Snp, Indel {
    String chrom();
}

record Snp(String chrom, int pos, char ref, char alt) implements Variant {}

final class Indel implements Variant {
    public String chrom() { return "1"; }
}

class VcfLine {
    static String kind(Variant v) {
        var text = """
            header
            """;
        if (v instanceof Snp s) {
            return s.chrom() + text;
        }
        return switch (v) {
            case Snp s -> "snp";
            default -> { yield "indel"; }
        };
    }
    static int code(int x) {
        return switch (x) { case 1, 2 -> 10; default -> 0; };
    }
}
'''

BROKEN = b'''package org.bio.broken;

public class Parser {
    int good(int x) { return x + 1; }
    int bad(int x) { return x + ; }
    int alsoGood() { return 2; }
}
'''


def by_name(jf):
    out = {}
    for m in jf.methods:
        out.setdefault(m.name, []).append(m)
    return out


def test_every_construct_is_found():
    jf = parse_java("src/main/java/org/bio/seq/SequenceRecord.java", SEQ)
    assert jf.package == "org.bio.seq"
    assert [i.statement for i in jf.imports] == ["import java.util.List;", "import java.util.*;",
                                                 "import static java.lang.Math.max;"]
    assert jf.imports[1].wildcard and jf.imports[2].static
    q = {m.qualified_name: m for m in jf.methods}
    expected = {
        "org.bio.seq.SequenceRecord.SequenceRecord(String)",
        "org.bio.seq.SequenceRecord.SequenceRecord()",
        "org.bio.seq.SequenceRecord.align(String,String)",
        "org.bio.seq.SequenceRecord.align(String,String,int)",
        "org.bio.seq.SequenceRecord.scores(List,double...)",
        "org.bio.seq.SequenceRecord.compareTo(SequenceRecord)",
        "org.bio.seq.SequenceRecord.Builder.withId(String)",
        "org.bio.seq.SequenceRecord.Builder.Inner.touch()",
        "org.bio.seq.SequenceRecord.Scorer.score(char,char)",
        "org.bio.seq.SequenceRecord.Scorer.gap()",
        "org.bio.seq.SequenceRecord.Scorer.identity()",
        "org.bio.seq.SequenceRecord.Base.A.complement()",
        "org.bio.seq.SequenceRecord.Base.Base(char)",
        "org.bio.seq.SequenceRecord.Base.complement()",
        "org.bio.seq.SequenceRecord.Interval.Interval(int,int)",
        "org.bio.seq.SequenceRecord.Interval.length()",
        "org.bio.seq.SequenceRecord.runAll()",
        "org.bio.seq.SequenceRecord$1.run()",
        "org.bio.seq.SequenceRecord$2Counter.count(String)",
    }
    assert set(q) == expected
    assert len(jf.methods) == len(expected)  # annotation elements are not methods
    kinds = {n: q[n].kind for n in q}
    assert kinds["org.bio.seq.SequenceRecord.SequenceRecord(String)"] == "constructor"
    assert kinds["org.bio.seq.SequenceRecord.Interval.Interval(int,int)"] == "compact_constructor"
    assert q["org.bio.seq.SequenceRecord$1.run()"].scope == "anonymous_class"
    assert q["org.bio.seq.SequenceRecord$2Counter.count(String)"].scope == "local_class"
    assert q["org.bio.seq.SequenceRecord.Base.A.complement()"].scope == "anonymous_class"
    assert q["org.bio.seq.SequenceRecord.Scorer.gap()"].modifiers == ["default"]
    assert q["org.bio.seq.SequenceRecord.Scorer.identity()"].modifiers == ["static"]
    assert q["org.bio.seq.SequenceRecord.Scorer.score(char,char)"].body == ""
    kinds_of_types = {t.qualified_name: (t.kind, t.scope) for t in jf.types}
    assert kinds_of_types["org.bio.seq.SequenceRecord.Interval"] == ("record", "member")
    assert kinds_of_types["org.bio.seq.SequenceRecord.Experimental"] == ("annotation", "member")
    assert kinds_of_types["org.bio.seq.SequenceRecord.Base"] == ("enum", "member")
    base = next(t for t in jf.types if t.name == "Base")
    assert base.enum_constant_names == ["A", "C"]


def test_overloads_signature_and_spans():
    jf = parse_java("S.java", SEQ)
    aligns = by_name(jf)["align"]
    assert len(aligns) == 2 and aligns[0].qualified_name != aligns[1].qualified_name
    a2 = aligns[0]
    text = SEQ.decode()
    # code starts at the first annotation, the Javadoc stays apart
    assert a2.code.startswith("@Deprecated\n    public static int align(String a, String b)")
    assert a2.docstring.startswith("/**\n     * Global alignment score")
    assert doc_words(a2.docstring) == 6
    assert a2.annotations == ["@Deprecated"] and a2.modifiers == ["public", "static"]
    assert SEQ[a2.start_byte:a2.end_byte].decode() == a2.code
    assert text.splitlines()[a2.start_line - 1].strip() == "@Deprecated"
    assert text.splitlines()[a2.end_line - 1].strip().endswith("}")
    assert a2.indent == "    "
    scores = by_name(jf)["scores"][0]
    assert scores.type_parameters == "<R extends Number>"
    assert scores.parameters == [("List<? extends R>", "xs"), ("double...", "weights")]
    assert scores.return_type == "List<R>"
    assert scores.throws == ["java.io.IOException"]
    assert scores.signature.endswith("throws java.io.IOException")
    ctor = next(m for m in jf.methods if m.qualified_name.endswith("SequenceRecord()"))
    assert ctor.super_call == 'this("anonymous");'


def test_references_of_a_method():
    jf = parse_java("S.java", SEQ)
    align3 = by_name(jf)["align"][1]
    refs = align3.refs
    assert ("Math", "min", 2) in refs.calls and (None, "max", 2) in refs.calls
    assert ("a", "length", 0) in refs.calls
    assert refs.locals["s"] == "int" and refs.locals["gap"] == "int"
    ctor = next(m for m in jf.methods if m.qualified_name.endswith("SequenceRecord(String)"))
    assert ctor.refs.this_fields == {"id"}
    compare = by_name(jf)["compareTo"][0]
    assert "Override" in compare.refs.types  # annotations are references
    assert {"id", "o"} <= compare.refs.names and "id" in compare.refs.member_names


def test_modern_syntax():
    jf = parse_java("Vcf.java", MODERN)
    assert not jf.has_error
    names = {m.qualified_name for m in jf.methods}
    assert names == {"org.bio.vcf.Variant.chrom()", "org.bio.vcf.Indel.chrom()", "org.bio.vcf.VcfLine.kind(Variant)",
                     "org.bio.vcf.VcfLine.code(int)"}
    kind = next(m for m in jf.methods if m.name == "kind")
    assert kind.refs.locals["s"] == "Snp" and kind.refs.locals["text"] == "var"
    variant = next(t for t in jf.types if t.name == "Variant")
    assert "sealed" in variant.modifiers and variant.kind == "interface"
    snp = next(t for t in jf.types if t.name == "Snp")
    assert snp.record_components == "(String chrom, int pos, char ref, char alt)" and snp.interfaces == ["Variant"]


def test_broken_file_keeps_methods_that_parse():
    jf = parse_java("Broken.java", BROKEN)
    assert jf.has_error and jf.error_nodes >= 1
    m = {x.name: x for x in jf.methods}
    assert {"good", "alsoGood"} <= set(m)
    assert not m["good"].has_parse_error and not m["alsoGood"].has_parse_error


def test_non_ascii_offsets_are_bytes():
    src = "class G {\n    // é, ü\n    String name() { return \"Größe\"; }\n}\n".encode()
    jf = parse_java("G.java", src)
    m = jf.methods[0]
    assert src[m.start_byte:m.end_byte].decode() == m.code == 'String name() { return "Größe"; }'


def test_erase():
    assert erase("java.util.Map<K, List<V>>[]") == "Map[]"
    assert erase("@NonNull T...") == "T..."
    assert erase("int") == "int"
