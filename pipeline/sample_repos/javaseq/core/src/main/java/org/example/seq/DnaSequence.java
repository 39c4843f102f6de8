package org.example.seq;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A named DNA sequence with k-mer and translation helpers.
 */
public class DnaSequence implements SequenceOps {

    /** Codons that end translation. */
    public static final String[] STOP_CODONS = {"TAA", "TAG", "TGA"};

    private final String name;
    private final String bases;

    public DnaSequence(String name, String bases) {
        this.name = name;
        this.bases = bases.toUpperCase();
    }

    public DnaSequence(String bases) {
        this("unnamed", bases);
    }

    @Override
    public String bases() {
        return bases;
    }

    public String getName() {
        return name;
    }

    /**
     * Counts every k-mer of the sequence.
     *
     * @param k the k-mer length, at least 1
     * @return a map from k-mer to its number of occurrences
     */
    public Map<String, Integer> kmerCounts(int k) {
        return kmerCounts(bases, k);
    }

    /**
     * Counts every k-mer of a DNA string; k-mers containing N are skipped.
     */
    public static Map<String, Integer> kmerCounts(String seq, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be positive");
        }
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i + k <= seq.length(); i++) {
            String kmer = seq.substring(i, i + k);
            if (kmer.indexOf('N') < 0) {
                counts.merge(kmer, 1, Integer::sum);
            }
        }
        return counts;
    }

    /** Tells whether a codon is one of the three stop codons. */
    public static boolean isStopCodon(String codon) {
        for (String stop : STOP_CODONS) {
            if (stop.equals(codon)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Concatenates several sequences into one, named after the first.
     */
    public static DnaSequence concat(DnaSequence first, DnaSequence... rest) {
        StringBuilder sb = new StringBuilder(first.bases);
        for (DnaSequence s : rest) {
            sb.append(s.bases);
        }
        return new DnaSequence(first.name, sb.toString());
    }

    /**
     * Applies a function to each sequence of a collection and collects the results.
     */
    public static <T> List<T> mapAll(Collection<? extends SequenceOps> seqs, Function<SequenceOps, T> f) {
        List<T> out = new ArrayList<>(seqs.size());
        for (SequenceOps s : seqs) {
            out.add(f.apply(s));
        }
        return out;
    }

    /** Returns a window view over this sequence. */
    public Window window(int start, int length) {
        return new Window(start, length);
    }

    /**
     * A window of the enclosing sequence (an inner class: it reads the outer bases).
     */
    public class Window implements SequenceOps {
        private final int start;
        private final int length;

        Window(int start, int length) {
            this.start = start;
            this.length = length;
        }

        @Override
        public String bases() {
            return bases.substring(start, Math.min(bases.length(), start + length));
        }
    }

    /**
     * Summary statistics of a sequence (a static nested class).
     */
    public static class Stats {
        public final int length;
        public final double gc;

        public Stats(int length, double gc) {
            this.length = length;
            this.gc = gc;
        }

        /** Computes the statistics of a sequence. */
        public static Stats of(SequenceOps seq) {
            return new Stats(seq.length(), seq.gcContent());
        }
    }
}
