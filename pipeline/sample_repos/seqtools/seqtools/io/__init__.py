from .fasta import parse_fasta_text, read_fasta
from .fastq import parse_fastq_text
