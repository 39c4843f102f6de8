"""Summary statistics over variant calls."""

TRANSITIONS = set([("A", "G"), ("G", "A"), ("C", "T"), ("T", "C")])


def is_transition(ref, alt):
    """True for a purine-purine or pyrimidine-pyrimidine substitution."""
    return (ref.upper(), alt.upper()) in TRANSITIONS


def ts_tv_ratio(pairs):
    """Transition/transversion ratio of (ref, alt) single-base pairs; 0.0 without transversions."""
    ts = 0
    tv = 0
    for ref, alt in pairs:
        if len(ref) != 1 or len(alt) != 1 or ref == alt:
            continue
        if is_transition(ref, alt):
            ts += 1
        else:
            tv += 1
    if tv == 0:
        return 0.0
    return float(ts) / tv


def allele_frequency(genotypes):
    """ALT allele frequency from a list of diploid genotype strings such as '0/1'."""
    alt = 0
    called = 0
    for gt in genotypes:
        for allele in gt.replace("|", "/").split("/"):
            if allele == ".":
                continue
            called += 1
            if allele != "0":
                alt += 1
    if called == 0:
        return 0.0
    return float(alt) / called


def heterozygosity(genotypes):
    """Fraction of called genotypes that are heterozygous."""
    het = 0
    called = 0
    for gt in genotypes:
        alleles = gt.replace("|", "/").split("/")
        if "." in alleles:
            continue
        called += 1
        if len(set(alleles)) > 1:
            het += 1
    if called == 0:
        return 0.0
    return float(het) / called
