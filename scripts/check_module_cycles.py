#!/usr/bin/env python3
"""Fail when modules inside a crate import each other in a cycle.

Why: a crate whose modules form a cycle cannot be read in any order -- every
file needs another that needs it back -- and cannot be split or tested a
part at a time. tandem's source tree is meant to read as its pipeline
(build -> force -> fuse -> place -> move -> run), so each layer may use the
ones below it and never the ones above.

Granularity (what counts as a cycle):

* Every crate target of every package in the workspace (``src/lib.rs``,
  ``src/main.rs``, ``src/bin/*.rs``, ``src/bin/*/main.rs``) is parsed into its
  module tree (``mod x;``, ``#[path] mod x;`` and inline ``mod x { .. }``).
* Under each parent module P, the nodes are P's child modules (each standing
  for its whole subtree) and one more node, ``P (own items)``, for the items
  P's own file defines that are not modules.
* A reference is a path in code (comments and strings are ignored) that
  starts with ``crate::``, ``super::``, ``self::`` or the name of a child
  module, inside a ``use`` declaration or anywhere else. It is resolved
  through the module tree and through ``use`` re-exports (so naming
  ``crate::Error`` when the crate root re-exports ``error::Error`` names the
  ``error`` module, not the root) to the module whose own item it names.
* A reference from module S to a thing in module T adds, under the lowest
  common ancestor L of S and T, one edge between the two nodes of L that
  contain S and T: the child of L that holds S (or ``L (own items)`` when
  S is L) to the child of L that holds T (or ``L (own items)`` when T is L,
  i.e. a module naming its ancestor's own items, or ``use super::*``).
  References inside one node add nothing.
* The check fails on any strongly connected component of two or more nodes
  under any parent, and prints one reference (file:line) for each edge of it.

So ``graph -> force -> fuse -> graph`` among core's top-level modules is a
cycle, and so is a ``mod.rs`` that calls into its children while they use
helpers that ``mod.rs`` itself defines (put the helpers in a child).

Known cycles (``KNOWN`` below) are reported but do not fail the check,
so CI stops any new cycle while these are being taken apart; a listed
cycle that has gone away fails the check until it is struck from the list.

Usage: scripts/check_module_cycles.py [REPO_ROOT]   (stdlib only)
"""

import os
import re
import sys
from collections import defaultdict

# (crate root, parent module): cycles still to take apart, e.g.
# ("cli/src/main.rs", "crate"). Empty: every crate is free of cycles. Keep
# the mechanism for a cycle that must be let in while it is taken apart
# (with a line here saying why), not as a place to park new ones.
KNOWN = set()

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
ITEM_RE = re.compile(
    r"\b(?:fn|struct|enum|trait|type|const|static|union)\s+(" + IDENT + r")"
    r"|\bmacro_rules!\s*(" + IDENT + r")"
)


def strip(src):
    """Blank comments, string and char literals (keeping newlines, so line
    numbers survive) and return the code that is left."""
    out = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif src.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if src.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif src.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(re.sub(r"[^\n]", " ", src[i:j]))
            i = j
        elif (c == "r" or c == "b") and re.match(r'(?:br|r)#*"', src[i:i + 40]) and not (
            i > 0 and (src[i - 1].isalnum() or src[i - 1] == "_")
        ):
            m = re.match(r'(?:br|r)(#*)"', src[i:])
            end = '"' + m.group(1)
            j = src.find(end, i + m.end())
            j = n if j < 0 else j + len(end)
            out.append(re.sub(r"[^\n]", " ", src[i:j]))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and src[j] != '"':
                j += 2 if src[j] == "\\" else 1
            j += 1
            out.append(re.sub(r"[^\n]", " ", src[i:j]))
            i = j
        elif c == "'":
            # A char literal ('a', '\n', '\u{..}') or a lifetime ('a).
            m = re.match(r"'(?:\\u\{[0-9a-fA-F]+\}|\\.|[^\\'])'", src[i:])
            if m:
                out.append(" " * m.end())
                i += m.end()
            else:
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


class Module:
    def __init__(self, path, file, parent):
        self.path = path  # tuple of names from the crate root
        self.file = file
        self.parent = parent
        self.children = {}  # name -> Module
        self.items = set()  # names of own non-module items
        self.uses = {}  # name -> (absolute path list, line) of crate-internal imports
        self.globs = []  # absolute module paths glob-imported
        self.refs = []  # (absolute path list, line, is_glob)
        self.code = []  # (text, first line) chunks that belong to this module

    def name(self):
        return "::".join(self.path) or "crate"


def find_block_end(code, open_idx):
    depth = 0
    for j in range(open_idx, len(code)):
        if code[j] == "{":
            depth += 1
        elif code[j] == "}":
            depth -= 1
            if depth == 0:
                return j
    return len(code) - 1


MOD_RE = re.compile(
    r"((?:#\[[^\]]*\]\s*)*)(?:pub(?:\([^)]*\))?\s+)?mod\s+(" + IDENT + r")\s*([;{])"
)


def load(module, code, line0, file_dir, mod_dir, modules):
    """Split `code` (of `module`) into its own text and its child modules."""
    own = []
    pos = 0
    for m in MOD_RE.finditer(code):
        if m.start() < pos:
            continue
        attrs, name, kind = m.group(1), m.group(2), m.group(3)
        child = Module(module.path + (name,), module.file, module)
        module.children[name] = child
        modules.append(child)
        if kind == "{":
            end = find_block_end(code, m.end() - 1)
            own.append((code[pos:m.start()], line0 + code.count("\n", 0, pos)))
            inner = code[m.end():end]
            load(child, inner, line0 + code.count("\n", 0, m.end()), file_dir,
                 os.path.join(mod_dir, name), modules)
            pos = end + 1
            continue
        pm = re.search(r'#\[path\s*=\s*"([^"]*)"\]', attrs)
        if pm:
            f = os.path.normpath(os.path.join(file_dir, pm.group(1)))
        else:
            f = os.path.join(mod_dir, name + ".rs")
            if not os.path.exists(f):
                f = os.path.join(mod_dir, name, "mod.rs")
        if not os.path.exists(f):
            continue  # a module that does not exist on this platform/checkout
        load_file(child, f, modules)
    own.append((code[pos:], line0 + code.count("\n", 0, pos)))
    module.code.extend(own)


def load_file(module, f, modules):
    module.file = f
    with open(f, encoding="utf-8") as fh:
        code = strip(fh.read())
    base = os.path.basename(f)
    fdir = os.path.dirname(f)
    if base in ("lib.rs", "main.rs", "mod.rs") or module.parent is None:
        mdir = fdir
    else:
        mdir = os.path.join(fdir, base[:-3])
    load(module, code, 1, fdir, mdir, modules)


def parse_use_tree(s):
    """Parse a use tree into (segments, alias_or_None, is_glob) leaves."""
    s = re.sub(r"\s+", "", s)
    leaves = []

    def rec(prefix, t):
        # split top-level prefix::{...}
        if t.endswith("}") and "{" in t:
            k = t.index("{")
            head = t[:k].rstrip(":")
            body = t[k + 1:-1]
            pre = prefix + ([x for x in head.split("::") if x] if head else [])
            depth, start = 0, 0
            for j, ch in enumerate(body + ","):
                if ch == "{":
                    depth += 1
                elif ch == "}":
                    depth -= 1
                elif ch == "," and depth == 0:
                    part = body[start:j]
                    if part:
                        rec(pre, part)
                    start = j + 1
            return
        segs = [x for x in t.split("::") if x]
        leaves.append((prefix + segs, None, segs[-1:] == ["*"]))

    rec([], s)
    return leaves


USE_RE = re.compile(r"\buse\s+([^;]*);")


def resolve_start(module, segs):
    """Turn a path's leading crate/super/self/child-module segments into an
    absolute module path; None if the path is external."""
    if not segs:
        return None
    cur = module
    i = 0
    if segs[0] == "crate":
        while cur.parent is not None:
            cur = cur.parent
        i = 1
    elif segs[0] in ("super", "self"):
        while i < len(segs) and segs[i] in ("super", "self"):
            if segs[i] == "super":
                if cur.parent is None:
                    return None
                cur = cur.parent
            i += 1
    elif segs[0] in module.children:
        pass
    elif segs[0] in module.uses:
        target, _ = module.uses[segs[0]]
        return list(target) + list(segs[1:])
    else:
        return None
    return list(cur.path) + list(segs[i:])


def collect(modules):
    for mod in modules:
        text_all = "".join(t for t, _ in mod.code)
        for m in ITEM_RE.finditer(text_all):
            mod.items.add(m.group(1) or m.group(2))
        # uses
        for text, line0 in mod.code:
            for m in USE_RE.finditer(text):
                raw = m.group(1)
                line = line0 + text.count("\n", 0, m.start())
                aliased = re.sub(r"\s+as\s+(" + IDENT + r")", r"@\1", raw)
                for segs, _, glob in parse_use_tree(aliased):
                    alias = None
                    if segs and "@" in segs[-1]:
                        last, alias = segs[-1].split("@")
                        segs = segs[:-1] + [last]
                    if segs and segs[-1] == "self":
                        segs = segs[:-1]
                    if segs and segs[0] == "::":
                        continue
                    if not segs or segs[0] not in ("crate", "super", "self") and segs[0] not in mod.children:
                        continue
                    absolute = resolve_start(mod, segs)
                    if absolute is None:
                        continue
                    if glob:
                        mod.globs.append(absolute[:-1])
                        mod.refs.append((absolute[:-1], line, True))
                    else:
                        name = alias or absolute[-1]
                        if name != "_":
                            mod.uses[name] = (absolute, line)
                        mod.refs.append((absolute, line, False))
    # Paths in code (after the use maps exist, so child-module and imported
    # module prefixes resolve).
    path_re = re.compile(r"(?<![A-Za-z0-9_:])(" + IDENT + r")((?:\s*::\s*" + IDENT + r")+)")
    for mod in modules:
        for text, line0 in mod.code:
            no_use = USE_RE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
            for m in path_re.finditer(no_use):
                first = m.group(1)
                if first not in ("crate", "super", "self") and first not in mod.children:
                    continue
                segs = [first] + [s.strip() for s in m.group(2).split("::") if s.strip()]
                absolute = resolve_start(mod, segs)
                if absolute is not None:
                    line = line0 + no_use.count("\n", 0, m.start())
                    mod.refs.append((absolute, line, False))


def resolve(root, path, seen=None):
    """The module that owns what `path` names (a module names itself)."""
    seen = seen or set()
    cur = root
    for k, seg in enumerate(path):
        if seg in cur.children:
            cur = cur.children[seg]
            continue
        if seg in cur.items:
            return cur
        key = (cur.path, seg)
        if seg in cur.uses and key not in seen:
            seen.add(key)
            target, _ = cur.uses[seg]
            return resolve(root, list(target) + list(path[k + 1:]), seen)
        for g in cur.globs:
            key = (tuple(g), seg)
            if key in seen:
                continue
            seen.add(key)
            gm = resolve(root, list(g), seen)
            if gm is not None and (seg in gm.items or seg in gm.children or seg in gm.uses):
                return resolve(root, list(g) + list(path[k:]), seen)
        return cur
    return cur


def check_crate(root_file, repo):
    root = Module((), root_file, None)
    modules = [root]
    load_file(root, root_file, modules)
    collect(modules)
    # edges[parent_path][(a, b)] = example "file:line"
    edges = defaultdict(dict)
    SELF = "(own items)"
    for mod in modules:
        for path, line, glob in mod.refs:
            tgt = resolve(root, path)
            if tgt is None:
                continue
            s, t = mod.path, tgt.path
            names_module_itself = (not glob) and tuple(path) == t and tgt is not root
            k = 0
            while k < len(s) and k < len(t) and s[k] == t[k]:
                k += 1
            if k == len(s) and k == len(t):
                continue  # own items
            lca = s[:k]
            if k == len(s):
                a = SELF  # S is the ancestor
            else:
                a = s[k]
            if k == len(t):
                if names_module_itself:
                    continue  # naming an ancestor module is not naming its items
                b = SELF
            else:
                b = t[k]
            if a == b:
                continue
            where = "%s:%d" % (os.path.relpath(mod.file, repo), line)
            edges[lca].setdefault((a, b), where)
    failures = []
    seen_known = set()
    for parent, es in sorted(edges.items()):
        graph = defaultdict(set)
        for a, b in es:
            graph[a].add(b)
        for comp in sccs(graph):
            if len(comp) < 2:
                continue
            pname = "::".join(parent) or "crate"
            known = (os.path.relpath(root_file, repo), pname) in KNOWN
            seen_known.add(pname) if known else None
            lines = ["  under %s: %s%s" % (pname, " <-> ".join(sorted(comp)),
                                          " (known, see KNOWN)" if known else "")]
            for (a, b), where in sorted(es.items()):
                if a in comp and b in comp:
                    lines.append("    %s -> %s   (%s)" % (a, b, where))
            failures.append((known, "\n".join(lines)))
    rel = os.path.relpath(root_file, repo)
    for crate, pname in sorted(KNOWN):
        if crate == rel and pname not in seen_known:
            failures.append((False, "  under %s: no cycle any more: strike it from KNOWN" % pname))
    return failures, len(modules)


def sccs(graph):
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]
    nodes = set(graph) | {b for bs in graph.values() for b in bs}

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(comp)

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def crate_roots(repo):
    roots = []
    for dirpath, dirnames, filenames in os.walk(repo):
        dirnames[:] = [d for d in dirnames if d not in ("target", ".git", "node_modules")]
        if "Cargo.toml" not in filenames:
            continue
        src = os.path.join(dirpath, "src")
        for f in ("lib.rs", "main.rs"):
            if os.path.exists(os.path.join(src, f)):
                roots.append(os.path.join(src, f))
        bindir = os.path.join(src, "bin")
        if os.path.isdir(bindir):
            for e in sorted(os.listdir(bindir)):
                p = os.path.join(bindir, e)
                if e.endswith(".rs"):
                    roots.append(p)
                elif os.path.exists(os.path.join(p, "main.rs")):
                    roots.append(os.path.join(p, "main.rs"))
    return sorted(roots)


def main():
    repo = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                           os.path.join(os.path.dirname(__file__), ".."))
    sys.setrecursionlimit(10000)
    bad = False
    for root_file in crate_roots(repo):
        failures, n = check_crate(root_file, repo)
        rel = os.path.relpath(root_file, repo)
        if failures:
            bad = bad or not all(known for known, _ in failures)
            print("%s: module cycles (%d modules)" % (rel, n))
            for _, f in failures:
                print(f)
        else:
            print("%s: no module cycles (%d modules)" % (rel, n))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
