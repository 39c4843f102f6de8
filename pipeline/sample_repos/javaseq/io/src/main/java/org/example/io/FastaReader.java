package org.example.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

import org.example.seq.DnaSequence;

/**
 * Reads FASTA records into {@link DnaSequence} objects.
 */
public class FastaReader {

    private final BufferedReader reader;

    public FastaReader(Reader in) {
        this.reader = new BufferedReader(in);
    }

    /**
     * Reads every record of the input.
     *
     * @return the sequences in input order
     * @throws IOException when reading fails
     */
    public List<DnaSequence> readAll() throws IOException {
        List<DnaSequence> out = new ArrayList<>();
        String name = null;
        StringBuilder seq = new StringBuilder();
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.startsWith(">")) {
                if (name != null) {
                    out.add(new DnaSequence(name, seq.toString()));
                }
                name = headerName(line);
                seq.setLength(0);
            } else {
                seq.append(line.trim());
            }
        }
        if (name != null) {
            out.add(new DnaSequence(name, seq.toString()));
        }
        return out;
    }

    /**
     * Extracts the record name from a header line: the first word after '>'.
     */
    public static String headerName(String header) {
        String body = header.startsWith(">") ? header.substring(1) : header;
        int space = body.indexOf(' ');
        return space < 0 ? body.trim() : body.substring(0, space);
    }

    /**
     * Wraps a sequence into lines of at most {@code width} characters.
     */
    public static String wrap(String seq, int width) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < seq.length(); i += width) {
            sb.append(seq, i, Math.min(seq.length(), i + width)).append('\n');
        }
        return sb.toString();
    }
}
