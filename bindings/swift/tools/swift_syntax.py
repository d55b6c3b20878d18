"""Parses Swift files with tree-sitter-swift and reports syntax errors.

No Swift compiler runs on Linux CI; this catches a generated file (or an app
source) that is not even Swift. tree-sitter-swift rejects two constructs that
UniFFI emits and swiftc accepts; error nodes whose source text is one of them
are ignored:

- `@_documentation(visibility: private)` (an underscored attribute),
- `{ () }` (a closure returning the empty tuple).

Usage: swift_syntax.py FILE...  (exit 1 on any error, 2 if the parser fails
its own self-test).
"""

import sys

import tree_sitter
import tree_sitter_swift

KNOWN_FALSE_POSITIVES = (b"@_documentation(visibility: private)",)


def parser():
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_swift.language()))


def is_known_false_positive(src, node):
    text = src[node.start_byte : node.end_byte].strip()
    if text in KNOWN_FALSE_POSITIVES:
        return True
    # `{ () }`: the error node is the `()` inside the braces.
    if text == b"()":
        before = src[: node.start_byte].rstrip(b" \t")
        after = src[node.end_byte :].lstrip(b" \t")
        return before.endswith(b"{") and after.startswith(b"}")
    return False


def errors(p, src):
    out = []
    stack = [p.parse(src).root_node]
    while stack:
        node = stack.pop()
        if node.is_missing:
            out.append((node, f"missing {node.type}"))
        elif node.is_error:
            if not is_known_false_positive(src, node):
                out.append((node, "syntax error"))
            continue  # the error node covers its children
        if node.has_error:
            stack.extend(reversed(node.children))
    return out


def self_test(p):
    """The parser must accept plain Swift and reject broken Swift, and the
    filter must not hide errors elsewhere."""
    good = b"import Foundation\nstruct A { let x: Int; func f() async throws -> [String: Int]? { nil } }\n"
    bad = b"struct A { func f( -> Int { }\n"
    known = b"#if swift(>=5.8)\n@_documentation(visibility: private)\n#endif\npublic struct B {}\nlet r = { () }\n"
    return not errors(p, good) and errors(p, bad) and not errors(p, known)


def main(paths):
    p = parser()
    if not self_test(p):
        print("swift_syntax: tree-sitter-swift failed its self-test", file=sys.stderr)
        return 2
    failed = 0
    for path in paths:
        with open(path, "rb") as f:
            src = f.read()
        found = errors(p, src)
        for node, what in found[:20]:
            row, col = node.start_point
            line = src.split(b"\n")[row].decode("utf-8", "replace").strip()
            print(f"{path}:{row + 1}:{col + 1}: {what}: {line[:120]}", file=sys.stderr)
        if found:
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
