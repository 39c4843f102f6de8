/* The identifier pass of parsers/python.py, in C: one walk over a py-tree-sitter tree
 * and one sweep of its identifiers over the scopes the Python statement walk found; and the
 * token count of pipeline/context_python.count_tokens for ASCII code.
 *
 * It computes exactly what the pure-Python path does with `_QUERY` (a tree-sitter query) and
 * `_Walker._sweep`; tests/test_python_native.py checks the two agree. The Python path creates a
 * Node object for each of ~300k captures of a 5 MB repository and walks them in Python; here
 * the same walk reads the tree's subtrees in C and makes only the name strings.
 *
 * The tree comes from py-tree-sitter: `scan` reads the TSNode inside its Node object, and this
 * module is compiled against the C core of that same tree-sitter release (setup.py), so both
 * read the tree's memory the same way. `scan` walks tree-sitter's internal subtrees directly
 * (walk_subtrees, as tree_cursor.c does, a quarter of the instructions of a TSTreeCursor walk);
 * `scan_cursor` does the same with the public cursor API, as the tests' oracle for it.
 * `TREE_SITTER_VERSION` names that release; Python uses this module only when the installed
 * tree-sitter is that release.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>
#include <tree_sitter/api.h>

/* tree-sitter internals (src/ of the same release): the walk reads subtrees directly */
#include "language.h"
#include "subtree.h"
#include "tree.h"

#if !defined(PYSCAN_TREE_SITTER_VERSION) || !defined(PYSCAN_SOURCE_SHA256)
#error "build with setup.py: it defines PYSCAN_TREE_SITTER_VERSION and PYSCAN_SOURCE_SHA256"
#endif

/* py-tree-sitter's Node object (tree_sitter/binding/types.h of that release) */
typedef struct {
    PyObject_HEAD
    TSNode node;
    PyObject *children;
    PyObject *tree;
} PyTSNode;

#define SYM_ERROR ((TSSymbol)-1) /* ts_builtin_sym_error (tree_sitter/parser.h) */

/* identifier roles, as in parsers/python.py (a higher role wins where two apply) */
enum { LOAD = 0, BIND = 1, KW = 2, GLOB = 3, ATTR = 4 };

typedef struct {
    const TSLanguage *lang;
    TSSymbol identifier, attribute, keyword_argument, function_definition, class_definition,
        global_statement, nonlocal_statement, assignment, augmented_assignment, pattern_list,
        tuple_pattern, list_pattern, list_splat_pattern, dictionary_splat_pattern, for_statement,
        for_in_clause, as_pattern_target, tuple, list, parameters, lambda_parameters,
        default_parameter, typed_parameter, typed_default_parameter, named_expression, integer,
        import_statement, import_from_statement, future_import_statement, print_statement,
        exec_statement, except_clause, string_start;
    TSFieldId f_attribute, f_name, f_left;
    uint8_t *kind; /* kind_of(the public symbol of s) for every symbol s of the language */
    uint32_t n_kind;
} Grammar;

static Grammar G;

static int sym(const char *name, TSSymbol *out) {
    *out = ts_language_symbol_for_name(G.lang, name, (uint32_t)strlen(name), true);
    if (*out == 0) {
        PyErr_Format(PyExc_RuntimeError, "pyscan: the grammar has no node type %s", name);
        return -1;
    }
    return 0;
}

static int field(const char *name, TSFieldId *out) {
    *out = ts_language_field_id_for_name(G.lang, name, (uint32_t)strlen(name));
    if (*out == 0) {
        PyErr_Format(PyExc_RuntimeError, "pyscan: the grammar has no field %s", name);
        return -1;
    }
    return 0;
}

/* what `visit` does with a node, by its (public) symbol */
enum { K_OTHER = 0, K_IDENTIFIER, K_ATTRIBUTE, K_PATTERN, K_WALK, K_INTEGER, K_STRING_START };

static uint8_t kind_of(TSSymbol s) {
    if (s == G.identifier) return K_IDENTIFIER;
    if (s == G.attribute) return K_ATTRIBUTE;
    if (s == G.pattern_list || s == G.tuple_pattern || s == G.list_pattern) return K_PATTERN;
    if (s == G.function_definition || s == G.class_definition || s == G.import_statement ||
        s == G.import_from_statement || s == G.future_import_statement || s == G.print_statement ||
        s == G.exec_statement || s == G.except_clause || s == SYM_ERROR)
        return K_WALK;
    if (s == G.integer) return K_INTEGER;
    if (s == G.string_start) return K_STRING_START;
    return K_OTHER;
}

/* ts_language_public_symbol (language.c), inlined */
static inline TSSymbol public_symbol(const TSLanguage *lang, TSSymbol s) {
    return s == ts_builtin_sym_error ? s : lang->public_symbol_map[s];
}

/* the kind of a node whose symbol, before the public symbol map, is `s` */
static inline uint8_t kind_of_raw(TSSymbol s) {
    return s < G.n_kind ? G.kind[s] : kind_of(public_symbol(G.lang, s));
}

static int load_grammar(const TSLanguage *lang) {
    if (G.lang == lang) return 0;
    G.lang = lang;
    PyMem_Free(G.kind);
    G.kind = NULL;
    G.n_kind = 0;
    if (sym("identifier", &G.identifier) || sym("attribute", &G.attribute) ||
        sym("keyword_argument", &G.keyword_argument) || sym("function_definition", &G.function_definition) ||
        sym("class_definition", &G.class_definition) || sym("global_statement", &G.global_statement) ||
        sym("nonlocal_statement", &G.nonlocal_statement) || sym("assignment", &G.assignment) ||
        sym("augmented_assignment", &G.augmented_assignment) || sym("pattern_list", &G.pattern_list) ||
        sym("tuple_pattern", &G.tuple_pattern) || sym("list_pattern", &G.list_pattern) ||
        sym("list_splat_pattern", &G.list_splat_pattern) ||
        sym("dictionary_splat_pattern", &G.dictionary_splat_pattern) || sym("for_statement", &G.for_statement) ||
        sym("for_in_clause", &G.for_in_clause) || sym("as_pattern_target", &G.as_pattern_target) ||
        sym("tuple", &G.tuple) || sym("list", &G.list) || sym("parameters", &G.parameters) ||
        sym("lambda_parameters", &G.lambda_parameters) || sym("default_parameter", &G.default_parameter) ||
        sym("typed_parameter", &G.typed_parameter) || sym("typed_default_parameter", &G.typed_default_parameter) ||
        sym("named_expression", &G.named_expression) || sym("integer", &G.integer) ||
        sym("import_statement", &G.import_statement) || sym("import_from_statement", &G.import_from_statement) ||
        sym("future_import_statement", &G.future_import_statement) || sym("print_statement", &G.print_statement) ||
        sym("exec_statement", &G.exec_statement) || sym("except_clause", &G.except_clause) ||
        sym("string_start", &G.string_start) || field("attribute", &G.f_attribute) || field("name", &G.f_name) ||
        field("left", &G.f_left)) {
        G.lang = NULL;
        return -1;
    }
    uint32_t n = lang->symbol_count + lang->alias_count; /* the symbols public_symbol_map maps */
    G.kind = PyMem_Malloc(n ? n : 1);
    if (G.kind == NULL) {
        G.lang = NULL;
        PyErr_NoMemory();
        return -1;
    }
    for (uint32_t i = 0; i < n; i++) G.kind[i] = kind_of(public_symbol(lang, (TSSymbol)i));
    G.n_kind = n;
    return 0;
}

/* ------------------------------------------------------------------ growable arrays */

typedef struct {
    uint32_t *v;
    size_t n, cap;
} U32s;

/* makes room for `need` items of `size` bytes in *v (capacity *cap), doubling */
static int grow(void **v, size_t *cap, size_t need, size_t size) {
    if (need <= *cap) return 0;
    size_t n = *cap ? *cap : 256;
    while (n < need) n *= 2;
    void *p = PyMem_Realloc(*v, n * size);
    if (p == NULL) return -1;
    *v = p;
    *cap = n;
    return 0;
}

static int push(U32s *a, uint32_t x) {
    if (grow((void **)&a->v, &a->cap, a->n + 1, sizeof(uint32_t))) return -1;
    a->v[a->n++] = x;
    return 0;
}

static PyObject *u32_list(const U32s *a) {
    PyObject *out = PyList_New((Py_ssize_t)a->n);
    if (out == NULL) return NULL;
    for (size_t i = 0; i < a->n; i++) {
        PyObject *x = PyLong_FromUnsignedLong(a->v[i]);
        if (x == NULL) {
            Py_DECREF(out);
            return NULL;
        }
        PyList_SET_ITEM(out, (Py_ssize_t)i, x);
    }
    return out;
}

/* ------------------------------------------------------------------ scan */

/* Python 2 integer literal: `0[0-7]+[lL]?` (old octal) or `[0-9]+[lL]` (long) */
static int py2_integer(const unsigned char *p, size_t n) {
    if (n == 0) return 0;
    int long_suffix = p[n - 1] == 'l' || p[n - 1] == 'L';
    size_t body = long_suffix ? n - 1 : n;
    if (long_suffix) {
        int digits = body > 0;
        for (size_t i = 0; i < body; i++)
            if (p[i] < '0' || p[i] > '9') digits = 0;
        if (digits) return 1;
    }
    if (body < 2 || p[0] != '0') return 0;
    for (size_t i = 1; i < body; i++)
        if (p[i] < '0' || p[i] > '7') return 0;
    return 1;
}

/* a string start of a backtick repr or a `ur` string */
static int py2_string_start(const unsigned char *p, size_t avail) {
    if (avail >= 1 && p[0] == '`') return 1;
    return avail >= 2 && (p[0] == 'u' || p[0] == 'U') && (p[1] == 'r' || p[1] == 'R');
}

/* the role an identifier gets from its parent (and the parent's parent); see _QUERY_SRC */
static int role_of(TSSymbol parent, TSFieldId fld, TSSymbol grand) {
    int role = LOAD;
    if ((parent == G.assignment || parent == G.augmented_assignment || parent == G.for_statement ||
         parent == G.for_in_clause) && fld == G.f_left)
        role = BIND;
    else if (parent == G.pattern_list || parent == G.tuple_pattern || parent == G.list_pattern ||
             parent == G.list_splat_pattern || parent == G.dictionary_splat_pattern ||
             parent == G.as_pattern_target || parent == G.parameters || parent == G.lambda_parameters ||
             parent == G.typed_parameter)
        role = BIND;
    else if ((parent == G.tuple || parent == G.list) && grand == G.as_pattern_target)
        role = BIND;
    else if ((parent == G.default_parameter || parent == G.typed_default_parameter ||
              parent == G.named_expression) && fld == G.f_name)
        role = BIND;
    if ((parent == G.keyword_argument || parent == G.function_definition || parent == G.class_definition) &&
        fld == G.f_name)
        role = KW;
    if (parent == G.global_statement || parent == G.nonlocal_statement) role = GLOB;
    if (parent == G.attribute && fld == G.f_attribute) role = ATTR;
    return role;
}

typedef struct {
    TSSymbol sym;
    TSFieldId fld;
} Frame;

/* What scan collects while it walks the tree (in the walk's order, which is byte order). */
typedef struct {
    U32s walk, selfattr, ids;
    const unsigned char *data;
    size_t n_data;
    int py2;
} Scan;

/* Whether `visit` needs the field id of a node of this kind (it is 0 for the others). */
static inline int needs_field(uint8_t kind) { return kind == K_IDENTIFIER || kind == K_ATTRIBUTE || kind == K_PATTERN; }

/* One visible node of the walk: its kind and symbol (alias applied, as ts_node_symbol), bytes,
 * field id (ts_tree_cursor_current_field_id; 0 unless needs_field) and its visible ancestors
 * (stack[0..depth-1], the parent last). Returns -1 when out of memory. */
static inline int visit(Scan *sc, const Frame *stack, size_t depth, uint8_t kind, uint32_t start, uint32_t end,
                        TSFieldId fld) {
    if (kind == K_OTHER || kind == K_PATTERN) return 0;
    if (end == 0) {
        /* a zero-width node at the start of the file, such as the `MISSING identifier`
           error recovery puts before a leading `,`: the query captures none (measured;
           elsewhere it captures zero-width nodes), so neither does this pass */
        return 0;
    }
    TSSymbol parent = depth >= 1 ? stack[depth - 1].sym : 0;
    switch (kind) {
    case K_IDENTIFIER: {
        TSSymbol grand = depth >= 2 ? stack[depth - 2].sym : 0;
        if (push(&sc->ids, start) || push(&sc->ids, end) || push(&sc->ids, (uint32_t)role_of(parent, fld, grand)))
            return -1;
        break;
    }
    case K_ATTRIBUTE: {
        /* `self.x = …` and the like: an attribute on the left of an assignment, or in a
           pattern there */
        int target = ((parent == G.assignment || parent == G.augmented_assignment) && fld == G.f_left) ||
                     ((parent == G.pattern_list || parent == G.tuple_pattern || parent == G.list_pattern) &&
                      depth >= 2 && stack[depth - 2].sym == G.assignment && stack[depth - 1].fld == G.f_left);
        if (target && push(&sc->selfattr, start)) return -1;
        break;
    }
    case K_WALK:
        if (push(&sc->walk, start)) return -1;
        break;
    case K_INTEGER:
        if (!sc->py2 && end <= sc->n_data && end > start) sc->py2 = py2_integer(sc->data + start, end - start);
        break;
    case K_STRING_START:
        if (!sc->py2 && start < sc->n_data) sc->py2 = py2_string_start(sc->data + start, sc->n_data - start);
        break;
    }
    return 0;
}

/* The walk with the public TSTreeCursor API: the direct walk below must visit the same nodes
 * with the same symbols, bytes and field ids (scan_cursor; tests/test_python_native.py). */
static int walk_cursor(Scan *sc, TSNode root) {
    Frame *stack = NULL;
    size_t stack_cap = 0, depth = 0;
    int rc = -1;
    TSTreeCursor cursor = ts_tree_cursor_new(root);
    for (;;) {
        if (grow((void **)&stack, &stack_cap, depth + 1, sizeof(Frame))) goto done;
        TSNode n = ts_tree_cursor_current_node(&cursor);
        TSSymbol s = ts_node_symbol(n);
        uint8_t kind = kind_of(s);
        TSFieldId fld = needs_field(kind) ? ts_tree_cursor_current_field_id(&cursor) : 0;
        if (visit(sc, stack, depth, kind, ts_node_start_byte(n), ts_node_end_byte(n), fld)) goto done;
        stack[depth].sym = s;
        stack[depth].fld = fld;
        if (ts_tree_cursor_goto_first_child(&cursor)) {
            depth++;
            continue;
        }
        while (!ts_tree_cursor_goto_next_sibling(&cursor)) {
            if (!ts_tree_cursor_goto_parent(&cursor)) {
                rc = 0;
                goto done;
            }
            depth--;
        }
    }
done:
    ts_tree_cursor_delete(&cursor);
    PyMem_Free(stack);
    return rc;
}

/* A subtree whose children the direct walk is going through. */
typedef struct {
    const Subtree *child;        /* the next child */
    const Subtree *end;          /* past the last child */
    const TSSymbol *aliases;     /* the alias sequence of the subtree's production, or NULL */
    uint16_t production;         /* the production of the subtree */
    uint32_t pos;                /* the start byte of the next child, less its padding (modulo 2^32) */
    uint32_t structural;         /* structural index of the next child (extras are not counted) */
    TSFieldId inherited;         /* the field id of a visible child that its own production lacks */
    uint32_t visible;            /* visible nodes that end with it: itself, if visible, and the
                                    ancestors it replaced in `levels` as their last child */
} Level;

/* the field id of the child at this structural index of a production */
static inline TSFieldId field_at(const TSLanguage *lang, uint16_t production, uint32_t structural) {
    const TSFieldMapEntry *m, *end;
    ts_language_field_map(lang, production, &m, &end);
    for (; m < end; m++)
        if (!m->inherited && m->child_index == structural) return m->field_id;
    return 0;
}

/* The walk over tree-sitter's subtrees (tree_cursor.c, done directly): it visits the nodes
 * the cursor walk visits, in the same order and with the same symbols, bytes and field ids.
 * A child is a visible node when its subtree is visible or its parent's production aliases it
 * (extras are never aliased); the walk goes through the children of the other (hidden)
 * subtrees that have visible children, as if they were children of the visible parent. A
 * node's field id is that of its structural index in its parent's production; when there is
 * none and the parent is hidden (and not an extra), that of the parent in its own parent, up
 * to the first visible ancestor; an extra has none. The level being walked is kept in local
 * variables (`l`), the levels above it in `levels`, except those it is the last child of: it
 * replaces them (most hidden subtrees are binary repetitions). */
static int walk_subtrees(Scan *sc, TSNode root) {
    const TSLanguage *lang = root.tree->language;
    Frame *stack = NULL;
    Level *levels = NULL;
    size_t stack_cap = 0, levels_cap = 0, depth = 0, top = 0;
    int rc = -1;

    const Subtree *rs = (const Subtree *)root.id;
    TSSymbol rsym = public_symbol(lang, root.context[3] ? (TSSymbol)root.context[3] : ts_subtree_symbol(*rs));
    uint32_t rstart = root.context[0];
    if (grow((void **)&stack, &stack_cap, 1, sizeof(Frame))) goto done;
    if (visit(sc, stack, 0, kind_of(rsym), rstart, rstart + ts_subtree_size(*rs).bytes, 0)) goto done;
    if (ts_subtree_visible_child_count(*rs) == 0) {
        rc = 0;
        goto done;
    }
    stack[0] = (Frame){rsym, 0};
    depth = 1;
    Level l;
    Subtree parent = *rs;
    uint32_t pos = rstart;
    TSFieldId inherited = 0;
    uint32_t visible = 1;
    for (;;) { /* enter `parent`, then walk until a child to enter is found */
        uint16_t prod = parent.ptr->production_id;
        l.child = ts_subtree_children(parent);
        l.end = l.child + parent.ptr->child_count;
        l.aliases = ts_language_alias_sequence(lang, prod);
        l.production = prod;
        /* the first child starts where its parent does: its padding is the parent's */
        l.pos = pos - ts_subtree_padding(*l.child).bytes;
        l.structural = 0;
        l.inherited = inherited;
        l.visible = visible;
        for (;;) {
            if (l.child == l.end) {
                depth -= l.visible;
                if (top == 0) {
                    rc = 0;
                    goto done;
                }
                l = levels[--top];
                continue;
            }
            Subtree c = *l.child++;
            uint32_t start = l.pos + ts_subtree_padding(c).bytes;
            uint32_t end = start + ts_subtree_size(c).bytes;
            l.pos = end;
            int extra = ts_subtree_extra(c);
            uint32_t structural = l.structural;
            TSSymbol alias = 0;
            if (!extra) {
                if (l.aliases) alias = l.aliases[structural];
                l.structural++;
            }
            int has_children = ts_subtree_visible_child_count(c) > 0;
            if (alias || ts_subtree_visible(c)) {
                TSSymbol raw = alias ? alias : ts_subtree_symbol(c);
                uint8_t kind = kind_of_raw(raw);
                TSFieldId fld = 0;
                if (!extra && needs_field(kind)) {
                    fld = field_at(lang, l.production, structural);
                    if (!fld) fld = l.inherited;
                }
                if (kind != K_OTHER && visit(sc, stack, depth, kind, start, end, fld)) goto done;
                if (!has_children) continue;
                if (grow((void **)&stack, &stack_cap, depth + 1, sizeof(Frame))) goto done;
                stack[depth++] = (Frame){public_symbol(lang, raw), fld};
                inherited = 0; /* the walk up for a field stops at a visible node */
                visible = 1;
            } else if (has_children) {
                inherited = extra ? 0 : field_at(lang, l.production, structural);
                if (!extra && !inherited) inherited = l.inherited;
                visible = 0;
            } else {
                continue;
            }
            if (l.child == l.end) {
                visible += l.visible; /* a last child: the level it replaces has nothing more */
            } else {
                if (grow((void **)&levels, &levels_cap, top + 1, sizeof(Level))) goto done;
                levels[top++] = l;
            }
            parent = c;
            pos = start;
            break;
        }
    }
done:
    PyMem_Free(stack);
    PyMem_Free(levels);
    return rc;
}

/* scan(root: Node, data: bytes) -> (walk_pos, selfattr_pos, py2_literal, ids)
 * walk_pos / selfattr_pos: start bytes of the @walk / @selfattr captures of _QUERY_SRC;
 * py2_literal: a Python 2 integer or string literal is in the tree;
 * ids: every identifier in byte order, packed as uint32 (start, end, role) triples, where
 * role is the highest role of the identifiers starting at that byte. */
static PyObject *scan_with(PyObject *args, int (*walk)(Scan *, TSNode)) {
    PyObject *node_obj;
    Py_buffer buf;
    if (!PyArg_ParseTuple(args, "Oy*", &node_obj, &buf)) return NULL;
    PyObject *result = NULL;
    Scan sc = {0};

    if (strcmp(Py_TYPE(node_obj)->tp_name, "tree_sitter.Node") != 0) {
        PyErr_SetString(PyExc_TypeError, "pyscan.scan: expected a tree_sitter.Node");
        goto done;
    }
    TSNode root = ((PyTSNode *)node_obj)->node;
    if (load_grammar(ts_node_language(root)) < 0) goto done;
    sc.data = buf.buf;
    sc.n_data = (size_t)buf.len;
    if (walk(&sc, root) < 0) {
        PyErr_NoMemory();
        goto done;
    }
    /* leaves come in byte order; zero-width (missing) identifiers may share a start with
       another: each identifier of a start gets the highest role among them */
    U32s ids = sc.ids;
    size_t n_ids = ids.n / 3;
    for (size_t i = 1; i < n_ids; i++) {
        if (ids.v[3 * i] < ids.v[3 * (i - 1)]) {
            PyErr_SetString(PyExc_RuntimeError, "pyscan.scan: identifiers out of byte order");
            goto done;
        }
    }
    for (size_t i = 0; i < n_ids;) {
        size_t j = i + 1;
        uint32_t top = ids.v[3 * i + 2];
        while (j < n_ids && ids.v[3 * j] == ids.v[3 * i]) {
            if (ids.v[3 * j + 2] > top) top = ids.v[3 * j + 2];
            j++;
        }
        for (size_t k = i; k < j; k++) ids.v[3 * k + 2] = top;
        i = j;
    }
    {
        PyObject *w = u32_list(&sc.walk), *sa = u32_list(&sc.selfattr);
        PyObject *packed = PyBytes_FromStringAndSize((const char *)ids.v, (Py_ssize_t)(ids.n * sizeof(uint32_t)));
        if (w && sa && packed) result = Py_BuildValue("(OOOO)", w, sa, sc.py2 ? Py_True : Py_False, packed);
        Py_XDECREF(w);
        Py_XDECREF(sa);
        Py_XDECREF(packed);
    }
done:
    PyMem_Free(sc.walk.v);
    PyMem_Free(sc.selfattr.v);
    PyMem_Free(sc.ids.v);
    PyBuffer_Release(&buf);
    return result;
}

static PyObject *scan(PyObject *self, PyObject *args) { return scan_with(args, walk_subtrees); }

static PyObject *scan_cursor(PyObject *self, PyObject *args) { return scan_with(args, walk_cursor); }

/* ------------------------------------------------------------------ sweep */

typedef struct {
    long start, end;
    PyObject *loads, *binds, *globs, *chains; /* borrowed from the scope objects, kept alive by them */
} Scope;

static int get_long_attr(PyObject *o, const char *name, long *out) {
    PyObject *v = PyObject_GetAttrString(o, name);
    if (v == NULL) return -1;
    *out = PyLong_AsLong(v);
    Py_DECREF(v);
    return (*out == -1 && PyErr_Occurred()) ? -1 : 0;
}

static int get_set_attr(PyObject *o, const char *name, PyObject **out) {
    PyObject *v = PyObject_GetAttrString(o, name);
    if (v == NULL) return -1;
    if (!PySet_Check(v)) {
        Py_DECREF(v);
        PyErr_Format(PyExc_TypeError, "pyscan.sweep: scope.%s is not a set", name);
        return -1;
    }
    *out = v;
    Py_DECREF(v); /* the scope object keeps it */
    return 0;
}

static int is_space(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\x0b' || c == '\x0c';
}

/* bytes.strip() of data[a:b] == b"." */
static int only_a_dot(const unsigned char *data, uint32_t a, uint32_t b) {
    while (a < b && is_space(data[a])) a++;
    while (b > a && is_space(data[b - 1])) b--;
    return b - a == 1 && data[a] == '.';
}

static PyObject *name_at(const unsigned char *data, uint32_t s, uint32_t e) {
    return PyUnicode_DecodeUTF8((const char *)data + s, (Py_ssize_t)(e - s), "replace");
}

/* The name at data[s:e], added to `into` (a scope's set, or NULL for none) and, with its start,
 * to `names` and `positions`: a new reference, or NULL with an exception set. */
static PyObject *take_name(const unsigned char *data, uint32_t s, uint32_t e, PyObject *into, PyObject *positions,
                           PyObject *names) {
    PyObject *name = name_at(data, s, e);
    PyObject *pos = name == NULL ? NULL : PyLong_FromUnsignedLong(s);
    int bad = pos == NULL || (into != NULL && PySet_Add(into, name) < 0) || PyList_Append(positions, pos) < 0 ||
              PyList_Append(names, name) < 0;
    Py_XDECREF(pos);
    if (bad) Py_CLEAR(name);
    return name;
}

/* sweep(ids, data, scopes, imports) -> (load_pos, load_names, bind_pos, bind_names)
 * `_Walker._sweep`: gives each identifier of `ids` (from scan) outside the import spans
 * `imports` (sorted (start, end) pairs) to its innermost scope of `scopes` (sorted by start,
 * then by end descending) as a load, bind or global, and adds the dotted chains read there. */
static PyObject *sweep(PyObject *self, PyObject *args) {
    Py_buffer idbuf, databuf;
    PyObject *scope_list, *import_list;
    if (!PyArg_ParseTuple(args, "y*y*O!O!", &idbuf, &databuf, &PyList_Type, &scope_list, &PyList_Type,
                          &import_list))
        return NULL;
    PyObject *result = NULL, *load_pos = NULL, *load_names = NULL, *bind_pos = NULL, *bind_names = NULL;
    PyObject *chain = NULL;
    Scope *scopes = NULL;
    long *imports = NULL;
    Py_ssize_t *stack = NULL;
    const uint32_t *ids = idbuf.buf;
    size_t n_ids = (size_t)idbuf.len / (3 * sizeof(uint32_t));
    const unsigned char *data = databuf.buf;
    const long inf = (long)databuf.len + 1;

    Py_ssize_t n_scopes = PyList_GET_SIZE(scope_list);
    scopes = PyMem_Calloc((size_t)n_scopes + 1, sizeof(Scope));
    stack = PyMem_Calloc((size_t)n_scopes + 1, sizeof(Py_ssize_t));
    Py_ssize_t n_imports = PyList_GET_SIZE(import_list);
    imports = PyMem_Calloc(2 * ((size_t)n_imports + 1), sizeof(long));
    if (scopes == NULL || stack == NULL || imports == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n_scopes; i++) {
        PyObject *o = PyList_GET_ITEM(scope_list, i);
        Scope *sc = &scopes[i];
        if (get_long_attr(o, "start", &sc->start) || get_long_attr(o, "end", &sc->end) ||
            get_set_attr(o, "loads", &sc->loads) || get_set_attr(o, "binds", &sc->binds) ||
            get_set_attr(o, "globs", &sc->globs) || get_set_attr(o, "chains", &sc->chains))
            goto done;
    }
    for (Py_ssize_t i = 0; i < n_imports; i++) {
        if (!PyArg_ParseTuple(PyList_GET_ITEM(import_list, i), "ll", &imports[2 * i], &imports[2 * i + 1])) goto done;
    }
    imports[2 * n_imports] = imports[2 * n_imports + 1] = inf;
    load_pos = PyList_New(0);
    load_names = PyList_New(0);
    bind_pos = PyList_New(0);
    bind_names = PyList_New(0);
    if (!load_pos || !load_names || !bind_pos || !bind_names) goto done;

    Py_ssize_t ii = 0, si = 0, depth = 0;
    long imp_start = imports[0], imp_end = imports[1];
    long next_start = n_scopes ? scopes[0].start : inf;
    Py_ssize_t cur = -1, chain_scope = -1;
    long cur_end = inf;
    uint32_t prev_end = 0;
    for (size_t k = 0; k < n_ids; k++) {
        uint32_t s = ids[3 * k], e = ids[3 * k + 1], role = ids[3 * k + 2];
        if (e < s || (Py_ssize_t)e > databuf.len) { /* every read below stays inside data */
            PyErr_SetString(PyExc_ValueError, "pyscan.sweep: identifier offsets outside the data");
            goto done;
        }
        if ((long)s >= imp_start) { /* identifiers of import statements are handled by the walk */
            while ((long)s >= imp_end) {
                ii++;
                imp_start = imports[2 * ii];
                imp_end = imports[2 * ii + 1];
            }
            if ((long)s >= imp_start) continue;
        }
        if ((long)s >= cur_end || (long)s >= next_start) {
            while (depth && scopes[stack[depth - 1]].end <= (long)s) depth--;
            while (si < n_scopes && scopes[si].start <= (long)s) {
                if (scopes[si].end > (long)s) stack[depth++] = si;
                si++;
            }
            cur = depth ? stack[depth - 1] : -1;
            cur_end = depth ? scopes[cur].end : inf;
            next_start = si < n_scopes ? scopes[si].start : inf;
        }
        if (role == LOAD) {
            PyObject *name = take_name(data, s, e, cur >= 0 ? scopes[cur].loads : NULL, load_pos, load_names);
            Py_XSETREF(chain, name == NULL ? NULL : PyTuple_Pack(1, name));
            Py_XDECREF(name);
            if (chain == NULL) goto done;
            chain_scope = cur;
            prev_end = e;
        } else if (role == ATTR) {
            if (chain == NULL) continue;
            /* `a.b`, else a dot between spaces or line breaks */
            if (chain_scope == cur && ((s == prev_end + 1 && data[prev_end] == '.') || only_a_dot(data, prev_end, s))) {
                Py_ssize_t n = PyTuple_GET_SIZE(chain);
                PyObject *longer = PyTuple_New(n + 1);
                if (longer == NULL) goto done;
                for (Py_ssize_t i = 0; i < n; i++) {
                    PyObject *x = PyTuple_GET_ITEM(chain, i);
                    Py_INCREF(x);
                    PyTuple_SET_ITEM(longer, i, x);
                }
                PyObject *attr = name_at(data, s, e);
                if (attr == NULL) {
                    Py_DECREF(longer);
                    goto done;
                }
                PyTuple_SET_ITEM(longer, n, attr);
                Py_SETREF(chain, longer);
                prev_end = e;
                if (cur >= 0 && PySet_Add(scopes[cur].chains, chain) < 0) goto done;
            } else {
                Py_CLEAR(chain);
            }
        } else {
            Py_CLEAR(chain);
            if (role == BIND) {
                PyObject *name = take_name(data, s, e, cur >= 0 ? scopes[cur].binds : NULL, bind_pos, bind_names);
                if (name == NULL) goto done;
                Py_DECREF(name);
            } else if (role == GLOB && cur >= 0) {
                PyObject *name = name_at(data, s, e);
                int bad = name == NULL || PySet_Add(scopes[cur].globs, name) < 0;
                Py_XDECREF(name);
                if (bad) goto done;
            }
        }
    }
    result = PyTuple_Pack(4, load_pos, load_names, bind_pos, bind_names);
done:
    Py_XDECREF(chain);
    Py_XDECREF(load_pos);
    Py_XDECREF(load_names);
    Py_XDECREF(bind_pos);
    Py_XDECREF(bind_names);
    PyMem_Free(scopes);
    PyMem_Free(stack);
    PyMem_Free(imports);
    PyBuffer_Release(&idbuf);
    PyBuffer_Release(&databuf);
    return result;
}

/* ------------------------------------------------------------------ token count */

/* count_ascii_tokens(code: str) -> int | None
 * `len(re.findall(r"\w+|[^\w\s]", code))` for ASCII text (None otherwise): the runs of word
 * characters plus every other character that is not white space (as str.isspace: \x1c-\x1f too). */
static PyObject *count_ascii_tokens(PyObject *self, PyObject *arg) {
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "count_ascii_tokens: expected a str");
        return NULL;
    }
    if (!PyUnicode_IS_ASCII(arg)) Py_RETURN_NONE;
    const unsigned char *p = PyUnicode_1BYTE_DATA(arg);
    Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
    long count = 0;
    int in_word = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') {
            count += !in_word;
            in_word = 1;
            continue;
        }
        in_word = 0;
        if (!(c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f))) count++;
    }
    return PyLong_FromLong(count);
}

static PyMethodDef methods[] = {
    {"scan", scan, METH_VARARGS, "scan(root, data) -> (walk_pos, selfattr_pos, py2_literal, ids)"},
    {"scan_cursor", scan_cursor, METH_VARARGS, "scan with the TSTreeCursor walk (a test oracle)"},
    {"sweep", sweep, METH_VARARGS, "sweep(ids, data, scopes, imports) -> (load_pos, load_names, bind_pos, bind_names)"},
    {"count_ascii_tokens", count_ascii_tokens, METH_O, "count_ascii_tokens(code) -> int | None"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_pyscan",
                                    "The identifier pass of parsers.python, in C.", -1, methods};

PyMODINIT_FUNC PyInit__pyscan(void) {
    PyObject *m = PyModule_Create(&module);
    if (m != NULL && (PyModule_AddStringConstant(m, "TREE_SITTER_VERSION", PYSCAN_TREE_SITTER_VERSION) < 0 ||
                      PyModule_AddStringConstant(m, "SOURCE_SHA256", PYSCAN_SOURCE_SHA256) < 0)) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
