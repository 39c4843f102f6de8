"""vcfkit: VCF parsing for Python 2."""
__version__ = "0.9.2"
