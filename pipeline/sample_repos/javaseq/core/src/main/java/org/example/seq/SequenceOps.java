package org.example.seq;

import java.util.Locale;

/**
 * Operations shared by anything that holds a nucleotide string.
 */
public interface SequenceOps {

    /** Returns the bases as an upper-case string. */
    String bases();

    /**
     * Fraction of G and C among all bases; 0.0 for an empty sequence.
     */
    default double gcContent() {
        return gcContent(bases());
    }

    /** Returns the length of the sequence in bases. */
    default int length() {
        return bases().length();
    }

    /**
     * Computes the GC fraction of a sequence string, ignoring case.
     *
     * @param seq a DNA string
     * @return G+C count divided by the length, or 0.0 when empty
     */
    static double gcContent(String seq) {
        if (seq.isEmpty()) {
            return 0.0;
        }
        int gc = 0;
        for (char c : seq.toUpperCase(Locale.ROOT).toCharArray()) {
            if (c == 'G' || c == 'C') {
                gc++;
            }
        }
        return (double) gc / seq.length();
    }

    /**
     * Returns the reverse complement of a DNA string; N stays N.
     */
    static String reverseComplement(String seq) {
        StringBuilder sb = new StringBuilder(seq.length());
        for (int i = seq.length() - 1; i >= 0; i--) {
            char c = Character.toUpperCase(seq.charAt(i));
            sb.append(c == 'N' ? 'N' : Nucleotide.fromChar(c).complement().symbol());
        }
        return sb.toString();
    }
}
