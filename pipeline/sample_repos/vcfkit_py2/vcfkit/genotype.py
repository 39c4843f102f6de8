"""Genotype (GT) field helpers."""


def parse_gt(gt):
	"""Split a GT string such as '0/1' or '1|1' into (alleles, phased); missing alleles are None."""
	phased = "|" in gt
	alleles = []
	for a in gt.replace("|", "/").split("/"):
		if a == ".":
			alleles.append(None)
		else:
			alleles.append(int(a))
	return alleles, phased


def is_het(gt):
	"""True when the called alleles of a genotype differ."""
	alleles, _ = parse_gt(gt)
	called = [a for a in alleles if a is not None]
	return len(set(called)) > 1


def dosage(gt):
	"""Number of non-reference alleles in a genotype (missing alleles count 0)."""
	alleles, _ = parse_gt(gt)
	n = 0
	for a in alleles:
		if a:
			n += 1
	return n


def genotype_counts(gts):
	"""Count hom-ref, het, hom-alt and missing genotypes, in that order, as a dict."""
	counts = {"hom_ref": 0, "het": 0, "hom_alt": 0, "missing": 0}
	for gt in gts:
		alleles, _ = parse_gt(gt)
		if None in alleles:
			counts["missing"] += 1
		elif is_het(gt):
			counts["het"] += 1
		elif alleles[0] == 0:
			counts["hom_ref"] += 1
		else:
			counts["hom_alt"] += 1
	return counts
