"""Parsing of VCF 4.x header and data lines."""
import sys
import gzip

VCF_COLUMNS = ["CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO"]
MISSING = "."


class VcfParseError(Exception):
    pass


class VcfRecord(object):
    """One data line of a VCF file."""

    def __init__(self, chrom, pos, ident, ref, alts, qual, filters, info, samples=None):
        self.chrom = chrom
        self.pos = pos
        self.id = ident
        self.ref = ref
        self.alts = alts
        self.qual = qual
        self.filters = filters
        self.info = info
        self.samples = samples or {}

    def is_snp(self):
        """True when REF and every ALT allele are single bases."""
        if len(self.ref) != 1:
            return False
        for alt in self.alts:
            if len(alt) != 1 or alt == MISSING:
                return False
        return True

    def is_indel(self):
        """True when any ALT allele differs in length from REF."""
        for alt in self.alts:
            if len(alt) != len(self.ref):
                return True
        return False

    def passed(self):
        """True when the FILTER column is PASS or missing."""
        return self.filters == [] or self.filters == ["PASS"]

    def __str__(self):
        return "%s:%d %s>%s" % (self.chrom, self.pos, self.ref, ",".join(self.alts))


def parse_info(field):
    """Parse an INFO column into a dict; flags map to True, lists stay strings split on commas."""
    info = {}
    if field == MISSING:
        return info
    for item in field.split(";"):
        if "=" in item:
            key, value = item.split("=", 1)
            if "," in value:
                info[key] = value.split(",")
            else:
                info[key] = value
        else:
            info[item] = True
    return info


def parse_meta_line(line):
    """Parse a '##key=value' or '##key=<ID=..,..>' header line into (key, value or dict)."""
    if not line.startswith("##"):
        raise VcfParseError("not a meta line: %r" % line)
    key, value = line[2:].rstrip("\n").split("=", 1)
    if value.startswith("<") and value.endswith(">"):
        fields = {}
        for part in value[1:-1].split(","):
            if "=" in part:
                k, v = part.split("=", 1)
                fields[k] = v.strip('"')
        return key, fields
    return key, value


def parse_record(line, sample_names=None):
    """Parse a VCF data line into a VcfRecord."""
    cols = line.rstrip("\n").split("\t")
    if len(cols) < 8:
        raise VcfParseError, "expected at least 8 columns, got %d" % len(cols)
    try:
        pos = int(cols[1])
    except ValueError, e:
        raise VcfParseError("bad POS %r: %s" % (cols[1], e))
    if cols[5] == MISSING:
        qual = None
    else:
        qual = float(cols[5])
    if cols[6] in (MISSING, ""):
        filters = []
    else:
        filters = cols[6].split(";")
    samples = {}
    if sample_names and len(cols) > 9:
        keys = cols[8].split(":")
        for name, value in zip(sample_names, cols[9:]):
            samples[name] = dict(zip(keys, value.split(":")))
    return VcfRecord(cols[0], pos, cols[2], cols[3], cols[4].split(","), qual, filters,
                     parse_info(cols[7]), samples)


def read_vcf(path):
    """Yield VcfRecords of a (possibly gzipped) VCF file."""
    if path.endswith(".gz"):
        handle = gzip.open(path)
    else:
        handle = open(path)
    sample_names = None
    for line in handle:
        if line.startswith("##"):
            continue
        if line.startswith("#CHROM"):
            sample_names = line.rstrip("\n").split("\t")[9:]
            continue
        yield parse_record(line, sample_names)
    handle.close()


def main(argv):
    if len(argv) < 2:
        print >>sys.stderr, "usage: parser.py FILE.vcf"
        return 2
    n = 0
    for record in read_vcf(argv[1]):
        n += 1
        if record.info.has_key("DP"):
            print record, record.info["DP"]
        else:
            print record
    print "%d records" % n
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
