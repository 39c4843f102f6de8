package org.example.io;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the tab-separated data lines of a VCF file.
 */
public final class VcfLineParser {

    private VcfLineParser() {
    }

    /** One variant: position, alleles, quality and INFO fields. */
    public static final class Variant {
        public final String chrom;
        public final long pos;
        public final String ref;
        public final List<String> alts;
        public final Double qual;
        public final Map<String, String> info;

        Variant(String chrom, long pos, String ref, List<String> alts, Double qual, Map<String, String> info) {
            this.chrom = chrom;
            this.pos = pos;
            this.ref = ref;
            this.alts = alts;
            this.qual = qual;
            this.info = info;
        }

        /** True when REF and every ALT are single bases. */
        public boolean isSnp() {
            if (ref.length() != 1) {
                return false;
            }
            for (String alt : alts) {
                if (alt.length() != 1) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Parses one VCF data line.
     *
     * @param line a tab-separated line with at least 8 columns
     * @return the variant
     * @throws IllegalArgumentException on a short line or a bad POS
     */
    public static Variant parse(String line) {
        String[] cols = line.split("\t");
        if (cols.length < 8) {
            throw new IllegalArgumentException("expected 8 columns, got " + cols.length);
        }
        long pos;
        try {
            pos = Long.parseLong(cols[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad POS: " + cols[1], e);
        }
        Double qual = ".".equals(cols[5]) ? null : Double.valueOf(cols[5]);
        return new Variant(cols[0], pos, cols[3], Arrays.asList(cols[4].split(",")), qual, parseInfo(cols[7]));
    }

    /**
     * Parses an INFO column into an ordered map; flags map to "true", "." gives an empty map.
     */
    public static Map<String, String> parseInfo(String info) {
        if (".".equals(info)) {
            return Collections.emptyMap();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String item : info.split(";")) {
            int eq = item.indexOf('=');
            if (eq < 0) {
                out.put(item, "true");
            } else {
                out.put(item.substring(0, eq), item.substring(eq + 1));
            }
        }
        return out;
    }

    /**
     * Reads the read depth (INFO DP) of a line, or -1 when absent or not a number.
     */
    public static int depth(String line) {
        String dp = parse(line).info.get("DP");
        if (dp == null) {
            return -1;
        }
        try {
            return Integer.parseInt(dp);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Tells whether a line is a header or meta-information line. */
    public static boolean isHeader(String line) {
        return line.startsWith("#");
    }
}
