"""seqtools: nucleotide sequence utilities."""

from .core.alphabet import *  # noqa: F401,F403  (re-export the alphabets)
from .core.sequence import Sequence

__version__ = "0.3.0"
