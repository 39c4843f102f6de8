package org.example.seq;

/**
 * The four DNA bases, each knowing its complement and whether it is a purine.
 */
public enum Nucleotide {
    A('A', true) {
        @Override
        public Nucleotide complement() { return T; }
    },
    C('C', false) {
        @Override
        public Nucleotide complement() { return G; }
    },
    G('G', true) {
        @Override
        public Nucleotide complement() { return C; }
    },
    T('T', false) {
        @Override
        public Nucleotide complement() { return A; }
    };

    private final char symbol;
    private final boolean purine;

    Nucleotide(char symbol, boolean purine) {
        this.symbol = symbol;
        this.purine = purine;
    }

    /** Returns the Watson-Crick complement of this base. */
    public abstract Nucleotide complement();

    /** Returns the one-letter symbol of this base. */
    public char symbol() {
        return symbol;
    }

    /** Returns true for A and G, the two-ring bases. */
    public boolean isPurine() {
        return purine;
    }

    /**
     * Parses a base from its one-letter symbol, in either case.
     *
     * @param c the symbol, e.g. 'a' or 'G'
     * @return the matching nucleotide
     * @throws IllegalArgumentException if c is not A, C, G or T
     */
    public static Nucleotide fromChar(char c) {
        switch (Character.toUpperCase(c)) {
            case 'A': return A;
            case 'C': return C;
            case 'G': return G;
            case 'T': return T;
            default: throw new IllegalArgumentException("not a DNA base: " + c);
        }
    }

    /**
     * Tells whether a substitution between two bases is a transition
     * (purine to purine or pyrimidine to pyrimidine).
     */
    public static boolean isTransition(Nucleotide a, Nucleotide b) {
        return a != b && a.purine == b.purine;
    }
}
