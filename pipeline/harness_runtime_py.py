"""Source text embedded in generated Python harnesses: the canonical renderer, the run loop,
and the argument generators. Kept as strings because they become part of each item's
`test_harness` (a self-contained program); `pipeline.harness_python` picks what a harness needs.

Every generator is `_g_<name>(r, a)`: `r` is the harness's own `random.Random(seed)` (the global
`random` is left unseeded, so a function that draws from it is caught as non-deterministic)
and `a` the arguments built so far (a quality string matches the sequence's length, an end
follows a start). Files are written to the run directory under relative names.
"""

from __future__ import annotations

RUNTIME = r'''
# ---------------------------------------------------------------- test harness (generated)
# Builds arguments from the seed in argv[1], calls the function and prints a canonical
# rendering of the result and of any argument the call changed.
import sys as _h_sys
import os as _h_os

# Where this run happens (a fresh directory per run): paths under it are shown relative, so a
# function returning a path it built from its input still prints the same in every run.
_h_rundirs = sorted({_h_os.getcwd(), _h_os.path.realpath(_h_os.getcwd())}, key=len, reverse=True)


class _HTimeout(BaseException):
    pass


import builtins as _h_builtins

_h_real_import = _h_builtins.__import__


def _h_context_import(name, globals=None, locals=None, fromlist=(), level=0):
    """The context is one module standing in for the repository: a repository import inside
    the function (`from ..ops import merge`, or of the repository's own package, which is not
    installed) is served by the context's own definitions when it holds every name imported."""
    try:
        return _h_real_import(name, globals, locals, fromlist, level)
    except ImportError:
        main = _h_sys.modules.get('__main__')
        if fromlist and main is not None and all(n != '*' and hasattr(main, n) for n in fromlist):
            return main
        top = name.partition('.')[0]
        if not fromlist and not level and main is not None and hasattr(main, top):
            return getattr(main, top)  # `import pkg.mod` binds pkg: the context's namespace
        raise


_h_builtins.__import__ = _h_context_import


def _h_float(v):
    if v != v:
        return 'nan'
    if v in (float('inf'), float('-inf')):
        return 'inf' if v > 0 else '-inf'
    s = '%.6g' % v
    return '0' if s == '-0' else s


def _h_render(x, _d=0):
    if _d > 8:
        return '...'
    t = type(x)
    if x is None or t is bool:
        return repr(x)
    if isinstance(x, int) and not isinstance(x, bool):
        return repr(int(x))
    if isinstance(x, float):
        return _h_float(x)
    if isinstance(x, complex):
        return 'complex(%s, %s)' % (_h_float(x.real), _h_float(x.imag))
    if isinstance(x, str):
        for d in _h_rundirs:
            x = x.replace(d, '<rundir>')
        return repr(x if len(x) <= 20000 else x[:20000] + '...')
    if isinstance(x, (bytes, bytearray)):
        return repr(bytes(x[:20000]))
    if isinstance(x, BaseException):
        return 'exception ' + t.__name__
    mod = getattr(t, '__module__', '') or ''
    if mod.startswith('numpy'):
        if hasattr(x, 'shape') and hasattr(x, 'tolist'):
            if getattr(x, 'shape', None) == ():
                return _h_render(x.item(), _d)
            return 'ndarray%s %s' % (list(x.shape), _h_render(x.tolist(), _d + 1))
        if hasattr(x, 'item'):
            return _h_render(x.item(), _d)
    if mod.startswith('pandas'):
        name = t.__name__
        if name == 'DataFrame':
            return 'DataFrame(columns=%s, index=%s, values=%s)' % (
                _h_render(list(x.columns), _d + 1), _h_render(list(x.index), _d + 1),
                _h_render(x.values.tolist(), _d + 1))
        if name == 'Series':
            return 'Series(name=%s, index=%s, values=%s)' % (
                _h_render(x.name, _d + 1), _h_render(list(x.index), _d + 1), _h_render(x.tolist(), _d + 1))
        if hasattr(x, 'tolist'):
            return name + _h_render(x.tolist(), _d + 1)
    if isinstance(x, dict):
        items = sorted((_h_render(k, _d + 1), _h_render(v, _d + 1)) for k, v in list(x.items())[:5000])
        return '{' + ', '.join(k + ': ' + v for k, v in items) + '}'
    if isinstance(x, (set, frozenset)):
        if not x:
            return 'set()'
        return '{' + ', '.join(sorted(_h_render(v, _d + 1) for v in list(x)[:5000])) + '}'
    if isinstance(x, list):
        return '[' + ', '.join(_h_render(v, _d + 1) for v in x[:5000]) + ']'
    if isinstance(x, tuple):
        inner = ', '.join(_h_render(v, _d + 1) for v in x[:5000])
        if hasattr(x, '_fields'):
            return t.__name__ + '(' + inner + ')'
        return '(' + inner + (',)' if len(x) == 1 else ')')
    if isinstance(x, range):
        return repr(x)
    import io as _h_io
    if isinstance(x, _h_io.IOBase):
        return '<file>'
    if hasattr(x, '__next__') and hasattr(x, '__iter__'):
        out = []
        try:
            for i, v in enumerate(x):
                if i >= 1000:
                    out.append('...')
                    break
                out.append(_h_render(v, _d + 1))
        except _HTimeout:
            raise
        except Exception as e:
            out.append('raised ' + type(e).__name__)
        return 'iter[' + ', '.join(out) + ']'
    if mod.startswith('Bio') and hasattr(x, '__str__') and t.__name__ in ('Seq', 'MutableSeq'):
        return t.__name__ + '(' + repr(str(x)) + ')'
    if isinstance(x, type):  # a class made by the function (a namedtuple type): its fields
        return 'class ' + x.__name__ + ('' if not hasattr(x, '_fields') else _h_render(list(x._fields), _d + 1))
    d = getattr(x, '__dict__', None)
    if isinstance(d, dict) and not callable(x):
        fields = sorted((k, v) for k, v in d.items() if not k.startswith('__'))
        return t.__name__ + '(' + ', '.join(k + '=' + _h_render(v, _d + 1) for k, v in fields) + ')'
    slots = getattr(t, '__slots__', None)
    if slots and not callable(x):
        names = [slots] if isinstance(slots, str) else list(slots)
        return t.__name__ + '(' + ', '.join(
            n + '=' + _h_render(getattr(x, n, None), _d + 1) for n in sorted(names)) + ')'
    import re as _h_re
    return t.__name__ + ':' + _h_re.sub(r' at 0x[0-9a-fA-F]+', '', repr(x))[:2000]


def _h_mutable(v):
    import io as _h_io
    if isinstance(v, (list, dict, set, bytearray)):
        return True
    if isinstance(v, _h_io.IOBase) or isinstance(v, type) or callable(v):
        return False
    mod = getattr(type(v), '__module__', '') or ''
    return mod.startswith(('numpy', 'pandas')) and hasattr(v, 'shape') or (
        hasattr(v, '__dict__') and not mod.startswith(('builtins', 'io', '_io')))


def _h_concrete(cls):
    """The context keeps a class without the implementations of its base's abstract methods
    (they are not used): let it be instantiated as the real class can be."""
    if getattr(cls, '__abstractmethods__', None):
        cls.__abstractmethods__ = frozenset()
    return cls


def _h_new(cls):
    """An instance built without __init__ (its attributes are set by the harness)."""
    _h_concrete(cls)
    try:
        return object.__new__(cls)
    except TypeError:
        return cls.__new__(cls)


def _h_once(make_args, make_obj, call, r, out):
    """One run: returns the printed lines; `out` receives them as they come."""
    a = make_args(r)
    obj = make_obj(a)
    before = _h_snapshot(a, obj)
    try:
        shown = 'result: ' + _h_render(call(obj, a))
    except (_HTimeout, KeyboardInterrupt):
        raise
    except BaseException as e:
        shown = 'raised ' + type(e).__name__
    return [shown] + _h_changes(a, obj, before)


def _h_snapshot(a, obj):
    """Renderings of the arguments a call may change (and of the instance)."""
    before = {k: _h_render(v) for k, v in a.items() if _h_mutable(v)}
    if obj is not None:
        before['self'] = _h_render(obj)
    return before


def _h_changes(a, obj, before):
    """`changed k: …` lines for what the call changed, in name order."""
    lines = []
    for k in sorted(before):
        after = _h_render(obj if k == 'self' else a[k])
        if after != before[k]:
            lines.append('changed ' + k + ': ' + after)
    return lines


def _h_main(make_args, make_obj, call, calls=3):
    """A run: `calls` calls on inputs drawn from one seeded stream (more inputs per process,
    so boundary cases such as equal values turn up more often)."""
    import random as _h_random
    r = _h_random.Random(int(_h_sys.argv[1]))
    for _ in range(calls):
        for line in _h_once(make_args, make_obj, call, r, None):
            print(line)
'''

PROBE_RUNTIME = r'''

def _h_probe(variants, seeds, limit, first=None):
    """Probing: every variant (argument builders) on every seed in this one process; each call
    bounded by `limit` seconds. Prints one JSON line per (variant, seed)."""
    import contextlib, io, json, random, signal, traceback

    def on_alarm(*_):
        raise _HTimeout()

    signal.signal(signal.SIGALRM, on_alarm)
    timeouts = 0
    for vi, (make_args, make_obj, call) in enumerate(variants):
        if timeouts >= 2:
            break
        for seed in seeds:
            r = random.Random(seed)
            rec = {'v': vi, 'seed': seed}
            buf = io.StringIO()
            signal.setitimer(signal.ITIMER_REAL, limit)
            try:
                try:
                    a = make_args(r)
                except Exception as e:
                    rec.update(s='gen', e=type(e).__name__, m=str(e)[:200])
                    raise StopIteration
                try:
                    obj = make_obj(a)
                except Exception as e:
                    rec.update(s='init', e=type(e).__name__, m=str(e)[:200])
                    raise StopIteration
                if first in a:
                    rec['f'] = 'result: ' + _h_render(a[first])
                # arguments the call changes count as output, as in `_h_once` (an in-place
                # function returns None whatever its inputs); the instance is left out here
                before = _h_snapshot(a, None)
                with contextlib.redirect_stdout(buf):
                    try:
                        res = call(obj, a)
                        shown = 'result: ' + _h_render(res)
                        rec['s'] = 'ok'
                    except (_HTimeout, KeyboardInterrupt):
                        raise
                    except BaseException as e:
                        shown = 'raised ' + type(e).__name__
                        rec.update(s='raised', e=type(e).__name__, m=str(e)[:200],
                                   tb=traceback.format_exc(limit=-1)[-300:])
                rec['o'] = '\n'.join([buf.getvalue() + shown] + _h_changes(a, None, before))
            except StopIteration:
                pass
            except _HTimeout:
                rec.update(s='timeout')
            except BaseException as e:
                rec.update(s='harness', e=type(e).__name__, m=str(e)[:200])
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            _h_sys.__stdout__.write('@@PROBE@@ ' + json.dumps(rec) + '\n')
            _h_sys.__stdout__.flush()
            if rec.get('s') == 'timeout':
                timeouts += 1
                break
'''

# name -> (source, names of generators it calls)
GENERATORS: dict[str, tuple[str, tuple[str, ...]]] = {}


def _gen(name: str, source: str, deps: tuple[str, ...] = ()) -> None:
    GENERATORS[name] = (source.strip("\n") + "\n", deps)


_gen("pick", '''
def _g_pick(r, a, lo, hi, kind):
    """A number in [lo, hi]; one time in five, one the call already holds (an argument, or an
    element of a list argument) when one is in range: equal values are where comparisons and
    boundaries (`>=` against `>`, off-by-one) show."""
    if r.random() < 0.2:
        seen = [x for k, v in a.items() if k[:1] != '@' for x in (v if isinstance(v, list) else [v])
                if type(x) is kind and lo <= x <= hi]
        if seen:
            return r.choice(seen)
    return r.randint(lo, hi) if kind is int else round(r.uniform(lo, hi), 4)
''')
_gen("int", "def _g_int(r, a):\n    return _g_pick(r, a, 0, 30, int)", ("pick",))
_gen("int_signed", "def _g_int_signed(r, a):\n    return _g_pick(r, a, -50, 50, int)", ("pick",))
_gen("int_small", "def _g_int_small(r, a):\n    return _g_pick(r, a, 1, 6, int)", ("pick",))
_gen("int_pos", "def _g_int_pos(r, a):\n    return _g_pick(r, a, 0, 500, int)", ("pick",))
_gen("int_end", '''
def _g_int_end(r, a):
    start = [v for k, v in a.items() if isinstance(v, int) and any(w in k for w in ('start', 'begin', 'beg', 'first', 'from', 'lo'))]
    return (start[-1] if start else 0) + r.randint(1, 300)
''')
_gen("int_index", '''
def _g_int_index(r, a):
    sized = [len(v) for v in a.values() if (isinstance(v, (str, list, tuple)) or hasattr(v, 'shape'))
             and getattr(v, 'ndim', 1) > 0 and len(v) > 0]
    return r.randint(0, sized[0] - 1) if sized else r.randint(0, 5)
''')
_gen("phred", "def _g_phred(r, a):\n    return r.randint(0, 41)")
_gen("flag", "def _g_flag(r, a):\n    return r.choice([0, 4, 16, 83, 99, 147, 163, 256, 1024, 2048])")
_gen("float", "def _g_float(r, a):\n    return _g_pick(r, a, -10, 10, float)", ("pick",))
_gen("float_pos", "def _g_float_pos(r, a):\n    return _g_pick(r, a, 0.1, 100, float)", ("pick",))
_gen("prob", "def _g_prob(r, a):\n    return _g_pick(r, a, 0.01, 0.99, float)", ("pick",))
_gen("bool", "def _g_bool(r, a):\n    return r.random() < 0.5")
_gen("str", '''
def _g_str(r, a):
    return ''.join(r.choice('abcdefghijklmnopqrstuvwxyz') for _ in range(r.randint(1, 12)))
''')
_gen("num_str", "def _g_num_str(r, a):\n    return str(r.randint(1, 60))")
_gen("word", '''
def _g_word(r, a):
    return r.choice(['alpha', 'beta', 'gamma', 'delta', 'sample', 'gene', 'chr', 'read', 'x', 'id'])
''')
_gen("text", '''
def _g_text(r, a):
    words = ['gene', 'protein', 'the', 'of', 'DNA', 'cell', 'binding', 'site', 'a', 'expression']
    return ' '.join(r.choice(words) for _ in range(r.randint(1, 10)))
''')
_gen("dna", '''
def _g_dna(r, a):
    return ''.join(r.choice('ACGT') for _ in range(r.randint(8, 40)))
''')
_gen("dna_mixed", '''
def _g_dna_mixed(r, a):
    return ''.join(r.choice('ACGTNacgtn') for _ in range(r.randint(8, 40)))
''')
_gen("dna_base", "def _g_dna_base(r, a):\n    return r.choice('ACGT')")
_gen("codon", '''
def _g_codon(r, a):
    if r.random() < 0.4:
        return r.choice(['ATG', 'TAA', 'TAG', 'TGA'])
    return ''.join(r.choice('ACGT') for _ in range(3))
''')
_gen("region", '''
def _g_region(r, a):
    s = r.randint(1, 5000)
    return 'chr%s:%d-%d' % (r.choice('123X'), s, s + r.randint(0, 1000))
''')
_gen("line", '''
def _g_line(r, a):
    k = r.randint(0, 5)
    if k == 0:
        return '#CHROM\\tPOS\\tID\\tREF\\tALT\\tQUAL\\tFILTER\\tINFO'
    if k == 1:
        return '>seq%d %s' % (r.randint(1, 99), r.choice(['gene', 'sample', 'x']))
    if k == 2:
        return ''.join(r.choice('ACGT') for _ in range(r.randint(10, 60)))
    if k == 3:
        s = r.randint(0, 5000)
        return 'chr1\\t%d\\t%d\\tfeat%d' % (s, s + r.randint(1, 500), r.randint(0, 9))
    return 'chr1\\t%d\\t.\\t%s\\t%s\\t%d\\tPASS\\tDP=%d;AF=0.%d' % (
        r.randint(1, 100000), r.choice('ACGT'), r.choice('ACGT'), r.randint(0, 99), r.randint(0, 80), r.randint(0, 9))
''')
_gen("kmer", "def _g_kmer(r, a):\n    return ''.join(r.choice('ACGT') for _ in range(r.randint(2, 5)))")
_gen("rna", '''
def _g_rna(r, a):
    return ''.join(r.choice('ACGU') for _ in range(r.randint(8, 40)))
''')
_gen("protein", '''
def _g_protein(r, a):
    return ''.join(r.choice('ACDEFGHIKLMNPQRSTVWY') for _ in range(r.randint(5, 30)))
''')
_gen("qual_str", '''
def _g_qual_str(r, a):
    seqs = [v for v in a.values() if isinstance(v, str) and v and set(v) <= set('ACGTNacgtn')]
    n = len(seqs[0]) if seqs else r.randint(8, 40)
    return ''.join(chr(33 + r.randint(2, 40)) for _ in range(n))
''')
_gen("cigar", '''
def _g_cigar(r, a):
    ops = [str(r.randint(1, 30)) + 'M']
    for _ in range(r.randint(0, 4)):
        ops.append(str(r.randint(1, 5)) + r.choice('IDNS'))
        ops.append(str(r.randint(1, 30)) + 'M')
    if r.random() < 0.3:
        ops.insert(0, str(r.randint(1, 5)) + 'S')
    return ''.join(ops)
''')
_gen("chrom", '''
def _g_chrom(r, a):
    return 'chr' + r.choice(['1', '2', '3', '7', '11', 'X', 'Y'])
''')
_gen("strand", "def _g_strand(r, a):\n    return r.choice('+-')")
_gen("bytes", "def _g_bytes(r, a):\n    return bytes(r.randint(0, 255) for _ in range(r.randint(0, 16)))")
_gen("size", '''
def _g_size(r, a):
    """One length for the numeric sequences of a call: arrays passed together usually pair up
    (x and y, counts and weights, a table's rows and their labels)."""
    if '@n' not in a:
        a['@n'] = r.randint(2, 8)
    return a['@n']


def _g_list_size(r, a):
    """Lists mostly pair up too, but are sometimes empty or single (edge cases)."""
    return _g_size(r, a) if r.random() < 0.8 else r.randint(0, 1)
''')
_gen("ndarray_float", '''
def _g_ndarray_float(r, a):
    import numpy
    return numpy.array([round(r.uniform(-5, 5), 3) for _ in range(_g_size(r, a))])
''', ("size",))
_gen("ndarray_int", '''
def _g_ndarray_int(r, a):
    import numpy
    return numpy.array([r.randint(0, 20) for _ in range(_g_size(r, a))])
''', ("size",))
_gen("matrix_float", '''
def _g_matrix_float(r, a):
    """Square (n x n, n shared): rows pair up with the call's vectors, and distance-like uses work."""
    import numpy
    n = _g_size(r, a)
    return numpy.array([[round(r.uniform(0, 10), 3) for _ in range(n)] for _ in range(n)])
''', ("size",))
_gen("dataframe", '''
def _g_dataframe(r, a):
    import pandas
    n = r.randint(2, 6)
    return pandas.DataFrame({'a': [r.randint(0, 9) for _ in range(n)], 'b': [round(r.uniform(0, 1), 3) for _ in range(n)],
                             'name': ['s%d' % i for i in range(n)]})
''')
_gen("bedframe", '''
def _g_bedframe(r, a):
    """Genomic intervals as a BED-like frame (chrom, start, end, name, score, strand)."""
    import pandas
    n = r.randint(2, 8)
    starts = [r.randint(0, 5000) for _ in range(n)]
    return pandas.DataFrame({'chrom': [r.choice(['chr1', 'chr2', 'chrX']) for _ in range(n)], 'start': starts,
                             'end': [s + r.randint(1, 800) for s in starts], 'name': ['feat%d' % i for i in range(n)],
                             'score': [r.randint(0, 1000) for _ in range(n)], 'strand': [r.choice('+-') for _ in range(n)]})
''')
_gen("viewframe", '''
def _g_viewframe(r, a):
    """A genomic view (bioframe, cooltools): named intervals that do not overlap, such as
    chromosome arms, sorted by chromosome and start."""
    import pandas
    rows = []
    for chrom in ('chr1', 'chr2', 'chrX'):
        pos = 0
        for part in range(r.randint(1, 2)):
            end = pos + r.randint(500, 3000)
            rows.append((chrom, pos, end, '%s_%s' % (chrom, 'pq'[part])))
            pos = end + r.choice([0, r.randint(1, 200)])
    return pandas.DataFrame(rows, columns=['chrom', 'start', 'end', 'name'])
''')
_gen("aligned_read", '''
def _g_aligned_read(r, a):
    """A mapped read as pysam gives it (needs pysam where the harness runs)."""
    import pysam
    n = r.randint(20, 60)
    clip = r.choice([0, 0, r.randint(1, 5)])
    seg = pysam.AlignedSegment()
    seg.query_name = 'read%d' % r.randint(1, 999)
    seg.query_sequence = ''.join(r.choice('ACGT') for _ in range(n))
    seg.flag = r.choice([0, 16, 99, 147, 83, 163, 4])
    seg.reference_id = 0
    seg.reference_start = r.randint(0, 5000)
    seg.mapping_quality = r.randint(0, 60)
    seg.cigarstring = ('%dS%dM' % (clip, n - clip)) if clip else '%dM' % n
    seg.next_reference_id = 0
    seg.next_reference_start = seg.reference_start + r.randint(-300, 300)
    seg.template_length = r.randint(-500, 500)
    seg.query_qualities = pysam.qualitystring_to_array(''.join(chr(33 + r.randint(2, 40)) for _ in range(n)))
    return seg
''')
_gen("seq_record", '''
def _g_seq_record(r, a):
    """A FASTQ record as dnaio gives it (needs dnaio where the harness runs)."""
    import dnaio
    n = r.randint(8, 40)
    return dnaio.SequenceRecord('read%d' % r.randint(1, 999), ''.join(r.choice('ACGT') for _ in range(n)),
                                ''.join(chr(33 + r.randint(2, 40)) for _ in range(n)))
''')
_gen("keyed", '''
def _g_keyed(r, a, keys):
    """A dict holding, most of the time, each key the function reads (so lookups succeed and
    presence tests vary), and sometimes an extra one."""
    d = {k: r.randint(0, 30) for k in keys if r.random() < 0.8}
    if r.random() < 0.3:
        d['x%d' % r.randint(0, 9)] = r.randint(0, 30)
    return d
''')
_gen("chroms", '''
def _g_chroms(r, a):
    """Chromosome names for a dict keyed by them: those the call's other arguments hold (a
    frame's chrom column, a chrom string, another such dict's keys), so lookups of them succeed,
    and a few more."""
    seen = set()
    for v in a.values():
        if hasattr(v, 'columns') and 'chrom' in v.columns:
            seen.update(str(c) for c in v['chrom'])
        elif isinstance(v, dict):
            seen.update(k for k in v if isinstance(k, str) and k.startswith('chr'))
        elif isinstance(v, str) and v.startswith('chr') and len(v) <= 6:
            seen.add(v)
    seen.update(c for c in ('chr1', 'chr2', 'chr7', 'chrX') if r.random() < 0.5)
    return sorted(seen) or ['chr1']
''')
_gen("frame", '''
def _g_frame(r, a, cols):
    """A BED-like frame plus the columns the function reads, filled by what their names say."""
    df = _g_bedframe(r, a)
    n = len(df)
    for c in cols:
        if c in df.columns:
            continue
        low = c.lower()
        if any(w in low for w in ('start', 'end', 'pos', 'len', 'count', 'size')):
            df[c] = [r.randint(0, 5000) for _ in range(n)]
        elif any(w in low for w in ('name', 'id', 'label', 'gene')):
            df[c] = ['%s%d' % (low[:4], r.randint(0, 99)) for _ in range(n)]
        elif 'chrom' in low:
            df[c] = [r.choice(['chr1', 'chr2', 'chrX']) for _ in range(n)]
        else:
            df[c] = [round(r.uniform(0, 10), 3) for _ in range(n)]
    return df
''', ("bedframe",))
_gen("series", '''
def _g_series(r, a):
    import pandas
    return pandas.Series([round(r.uniform(0, 10), 3) for _ in range(r.randint(2, 8))])
''')
_gen("fname", '''
_h_files = [0]


def _g_fname(ext):
    _h_files[0] += 1
    return 'h_input_%d.%s' % (_h_files[0], ext)
''')
_gen("fasta_path", '''
def _g_fasta_path(r, a):
    path = _g_fname('fasta')
    with open(path, 'w') as fh:
        for i in range(r.randint(1, 4)):
            seq = ''.join(r.choice('ACGT') for _ in range(r.randint(10, 90)))
            fh.write('>seq%d description %d\\n' % (i + 1, r.randint(1, 99)))
            for j in range(0, len(seq), 60):
                fh.write(seq[j:j + 60] + '\\n')
    return path
''', ("fname",))
_gen("fastq_path", '''
def _g_fastq_path(r, a):
    path = _g_fname('fastq')
    with open(path, 'w') as fh:
        for i in range(r.randint(1, 4)):
            n = r.randint(10, 50)
            seq = ''.join(r.choice('ACGT') for _ in range(n))
            qual = ''.join(chr(33 + r.randint(2, 40)) for _ in range(n))
            fh.write('@read%d\\n%s\\n+\\n%s\\n' % (i + 1, seq, qual))
    return path
''', ("fname",))
_gen("bed_path", '''
def _g_bed_path(r, a):
    path = _g_fname('bed')
    with open(path, 'w') as fh:
        for i in range(r.randint(1, 5)):
            start = r.randint(0, 5000)
            fh.write('chr%s\\t%d\\t%d\\tfeat%d\\t%d\\t%s\\n' % (r.choice('123X'), start, start + r.randint(1, 500), i, r.randint(0, 1000), r.choice('+-')))
    return path
''', ("fname",))
_gen("vcf_path", '''
def _g_vcf_path(r, a):
    path = _g_fname('vcf')
    with open(path, 'w') as fh:
        fh.write('##fileformat=VCFv4.2\\n##contig=<ID=chr1,length=100000>\\n')
        fh.write('#CHROM\\tPOS\\tID\\tREF\\tALT\\tQUAL\\tFILTER\\tINFO\\n')
        pos = 0
        for i in range(r.randint(1, 5)):
            pos += r.randint(1, 1000)
            ref = r.choice('ACGT')
            alt = r.choice([b for b in 'ACGT' if b != ref])
            fh.write('chr1\\t%d\\trs%d\\t%s\\t%s\\t%d\\tPASS\\tDP=%d\\n' % (pos, r.randint(1, 10**6), ref, alt, r.randint(10, 99), r.randint(1, 60)))
    return path
''', ("fname",))
_gen("sam_path", '''
def _g_sam_path(r, a):
    path = _g_fname('sam')
    with open(path, 'w') as fh:
        fh.write('@HD\\tVN:1.6\\tSO:unsorted\\n@SQ\\tSN:chr1\\tLN:10000\\n')
        for i in range(r.randint(1, 5)):
            n = r.randint(10, 40)
            seq = ''.join(r.choice('ACGT') for _ in range(n))
            qual = ''.join(chr(33 + r.randint(2, 40)) for _ in range(n))
            fh.write('read%d\\t%d\\tchr1\\t%d\\t%d\\t%dM\\t*\\t0\\t0\\t%s\\t%s\\n' % (i, r.choice([0, 16]), r.randint(1, 9000), r.randint(0, 60), n, seq, qual))
    return path
''', ("fname",))
_gen("bam_path", '''
def _g_bam_path(r, a):
    """A small coordinate-sorted, indexed BAM file (needs pysam)."""
    import pysam
    path = _g_fname('bam')
    chroms = [{'SN': c, 'LN': r.randint(12000, 30000)} for c in ['chr1', 'chr2', 'chrX'][:r.randint(1, 3)]]
    header = {'HD': {'VN': '1.6', 'SO': 'coordinate'}, 'SQ': chroms}
    starts = sorted((r.randrange(len(chroms)), r.randint(0, 11000)) for _ in range(r.randint(5, 30)))
    with pysam.AlignmentFile(path, 'wb', header=header) as out:
        for i, (tid, pos) in enumerate(starts):
            seg = _g_aligned_read(r, a)
            seg.query_name = 'read%d' % i
            seg.flag &= ~4
            seg.reference_id = seg.next_reference_id = tid
            seg.reference_start = pos
            seg.next_reference_start = max(0, pos + r.randint(-300, 300))
            out.write(seg)
    pysam.index(path)
    return path
''', ("fname", "aligned_read"))
_gen("bam_handle", '''
def _g_bam_handle(r, a):
    """An open BAM file, as pysam gives it."""
    import pysam
    return pysam.AlignmentFile(_g_bam_path(r, a), 'rb')
''', ("bam_path",))
_gen("gff_path", '''
def _g_gff_path(r, a):
    path = _g_fname('gff')
    with open(path, 'w') as fh:
        fh.write('##gff-version 3\\n')
        for i in range(r.randint(1, 5)):
            start = r.randint(1, 5000)
            fh.write('chr1\\tsrc\\t%s\\t%d\\t%d\\t.\\t%s\\t.\\tID=g%d;Name=gene%d\\n' % (r.choice(['gene', 'exon', 'CDS']), start, start + r.randint(1, 500), r.choice('+-'), i, i))
    return path
''', ("fname",))
_gen("delimited", '''
def _g_delimited(r, ext, sep):
    path = _g_fname(ext)
    with open(path, 'w') as fh:
        fh.write(sep.join(['name', 'value', 'score']) + '\\n')
        for i in range(r.randint(1, 6)):
            fh.write(sep.join(['s%d' % i, '%d' % r.randint(0, 100), '%.3f' % r.uniform(0, 1)]) + '\\n')
    return path
''', ("fname",))
_gen("tsv_path", "def _g_tsv_path(r, a):\n    return _g_delimited(r, 'tsv', '\\t')", ("delimited",))
_gen("csv_path", "def _g_csv_path(r, a):\n    return _g_delimited(r, 'csv', ',')", ("delimited",))
_gen("txt_path", '''
def _g_txt_path(r, a):
    path = _g_fname('txt')
    with open(path, 'w') as fh:
        for i in range(r.randint(1, 6)):
            fh.write(' '.join(r.choice(['gene', 'ACGT', 'x', '42', 'chr1']) for _ in range(r.randint(1, 5))) + '\\n')
    return path
''', ("fname",))
_gen("out_path", '''
def _g_out_path(r, a):
    return _g_fname('out')
''', ("fname",))

FILE_FORMATS = ("fasta_path", "fastq_path", "bed_path", "vcf_path", "sam_path", "gff_path", "tsv_path", "csv_path",
                "txt_path")
