package org.example.seq;

/** Plain assertions, runnable with `java -ea` and no test framework. */
public class DnaSequenceTest {

    static void testGc() {
        assert SequenceOps.gcContent("GGCC") == 1.0;
        assert new DnaSequence("ATGC").gcContent() == 0.5;
    }

    static void testReverseComplement() {
        assert SequenceOps.reverseComplement("AACG").equals("CGTT");
    }

    static void testKmers() {
        assert DnaSequence.kmerCounts("AAAA", 2).get("AA") == 3;
    }

    public static void main(String[] args) {
        testGc();
        testReverseComplement();
        testKmers();
        System.out.println("ok");
    }
}
