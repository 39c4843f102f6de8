# -*- coding: latin-1 -*-
"""Filtres de variants -- filters for VCF records (written by a team in Lyon).

Qualité minimale, profondeur minimale : the thresholds come from the lab's protocol.
"""

MIN_QUAL = 30.0
MIN_DEPTH = 8
# « Faible couverture » = low coverage; µ = mean depth
LOW_COVERAGE_LABEL = "Faible_couverture_à_vérifier"


def depth_of(record):
    """Read depth of a record from its INFO field DP, or 0 (profondeur absente)."""
    try:
        return int(record.info.get("DP", 0))
    except (TypeError, ValueError), e:
        return 0


def passes_quality(qual, min_qual=MIN_QUAL):
    """True when a QUAL value is known and at least min_qual (qualité suffisante)."""
    if qual is None:
        return False
    return qual >= min_qual


def passes_depth(depth, min_depth=MIN_DEPTH):
    """True when a read depth reaches min_depth."""
    return depth >= min_depth


def allele_balance(ref_reads, alt_reads):
    """Fraction of reads supporting the ALT allele; 0.0 without reads (équilibre allélique)."""
    total = ref_reads + alt_reads
    if total == 0:
        return 0.0
    return float(alt_reads) / total


def filter_label(qual, depth):
    """FILTER column value for a call: PASS, LowQual or the low-coverage label."""
    if not passes_quality(qual):
        return "LowQual"
    if not passes_depth(depth):
        return LOW_COVERAGE_LABEL
    return "PASS"


def apply_filters(records):
    """Yield (record, label) for each record; prints a summary in French at the end."""
    kept = 0
    for record in records:
        label = filter_label(record.qual, depth_of(record))
        if label == "PASS":
            kept += 1
        yield record, label
    print "%d variants retenus (qualité >= %s)" % (kept, MIN_QUAL)
