package org.example.align;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Scores ungapped and gapped alignments with a match/mismatch/gap scheme.
 */
public class AlignmentScorer {

    private final int match;
    private final int mismatch;
    private final int gap;

    public AlignmentScorer(int match, int mismatch, int gap) {
        this.match = match;
        this.mismatch = mismatch;
        this.gap = gap;
    }

    /** A scorer with match +1, mismatch -1 and gap -2. */
    public AlignmentScorer() {
        this(1, -1, -2);
    }

    /** Scores a pair of characters; '-' on either side counts as a gap. */
    public int score(char a, char b) {
        if (a == '-' || b == '-') {
            return gap;
        }
        return a == b ? match : mismatch;
    }

    /**
     * Scores two gapped rows of equal length column by column.
     *
     * @throws IllegalArgumentException if the rows differ in length
     */
    public int score(String top, String bottom) {
        if (top.length() != bottom.length()) {
            throw new IllegalArgumentException("rows differ in length");
        }
        int total = 0;
        for (int i = 0; i < top.length(); i++) {
            total += score(top.charAt(i), bottom.charAt(i));
        }
        return total;
    }

    /** Scores a gapped alignment held as a two-row {@link Alignment}. */
    public int score(Alignment alignment) {
        return score(alignment.top, alignment.bottom);
    }

    /**
     * Global alignment score of two sequences (Needleman-Wunsch, linear gaps).
     */
    public int globalScore(String a, String b) {
        int[] prev = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j * gap;
        }
        for (int i = 1; i <= a.length(); i++) {
            int[] cur = new int[b.length() + 1];
            cur[0] = i * gap;
            for (int j = 1; j <= b.length(); j++) {
                int diag = prev[j - 1] + score(a.charAt(i - 1), b.charAt(j - 1));
                cur[j] = Math.max(diag, Math.max(prev[j] + gap, cur[j - 1] + gap));
            }
            prev = cur;
        }
        return prev[b.length()];
    }

    /**
     * Sorts candidate alignments best score first, breaking ties by shorter length.
     */
    public List<Alignment> rank(List<Alignment> candidates) {
        List<Alignment> sorted = new ArrayList<>(candidates);
        sorted.sort(new Comparator<Alignment>() {
            @Override
            public int compare(Alignment x, Alignment y) {
                int byScore = Integer.compare(score(y), score(x));
                return byScore != 0 ? byScore : Integer.compare(x.top.length(), y.top.length());
            }
        });
        return sorted;
    }

    /**
     * Percentage identity over aligned columns that contain no gap.
     */
    public static double percentIdentity(String top, String bottom) {
        int same = 0;
        int columns = 0;
        for (int i = 0; i < Math.min(top.length(), bottom.length()); i++) {
            char a = top.charAt(i);
            char b = bottom.charAt(i);
            if (a != '-' && b != '-') {
                columns++;
                if (a == b) {
                    same++;
                }
            }
        }
        return columns == 0 ? 0.0 : 100.0 * same / columns;
    }

    /** Two gapped rows of a pairwise alignment. */
    public static final class Alignment {
        final String top;
        final String bottom;

        public Alignment(String top, String bottom) {
            this.top = top;
            this.bottom = bottom;
        }
    }
}
