"""Merging of several VCF files (work in progress, does not parse)."""

from vcfkit.parser import read_vcf


def merge_sorted(paths):
    """Merge VCF files sorted by position into one stream."""
    streams = [read_vcf(p) for p in paths
    heads = []
    for s in streams:
        heads.append(next(s, None)
    return heads


def chrom_order(name:
    return name.lstrip("chr")
