package org.example.seq;

/**
 * A half-open genomic interval [start, end) on a named contig.
 */
public record Interval(String contig, long start, long end) {

    /** Validates that the interval is not inverted. */
    public Interval {
        if (end < start) {
            throw new IllegalArgumentException("end before start: " + start + " > " + end);
        }
    }

    /** Returns the number of bases covered. */
    public long length() {
        return end - start;
    }

    /**
     * Tells whether two intervals share at least one base (same contig required).
     */
    public boolean overlaps(Interval other) {
        return contig.equals(other.contig) && start < other.end && other.start < end;
    }

    /**
     * Parses a region string such as {@code chr1:100-200} (1-based, inclusive) into an interval.
     */
    public static Interval parseRegion(String region) {
        int colon = region.lastIndexOf(':');
        int dash = region.indexOf('-', colon);
        if (colon < 0 || dash < 0) {
            throw new IllegalArgumentException("expected contig:start-end, got " + region);
        }
        long s = Long.parseLong(region.substring(colon + 1, dash).replace(",", ""));
        long e = Long.parseLong(region.substring(dash + 1).replace(",", ""));
        return new Interval(region.substring(0, colon), s - 1, e);
    }
}
