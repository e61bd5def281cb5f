#!/usr/bin/python3
"""Captures what mccabe (flake8 C901) says about every graph of each file given.

Run with Debian's python3-mccabe:  /usr/bin/python3 scripts/mccabe-capture.py FILE... > out.tsv
Each line: path<TAB>line<TAB>column<TAB>entity<TAB>complexity, the exact values mccabe's
PathGraphingAstVisitor computes (the graphs flake8 --max-complexity=0 would report).
Files that Python cannot parse are reported as: path<TAB>SYNTAX-ERROR.
"""
import ast
import resource
import sys

import mccabe


def main(paths):
    sys.stdout.write("# mccabe %s, Python %s\n" % (mccabe.__version__, sys.version.split()[0]))
    for path in paths:
        code = mccabe._read(path)
        try:
            tree = compile(code, path, "exec", ast.PyCF_ONLY_AST)
        except (SyntaxError, ValueError):
            sys.stdout.write("%s\tSYNTAX-ERROR\n" % path)
            continue
        visitor = mccabe.PathGraphingAstVisitor()
        visitor.preorder(tree, visitor)
        for graph in visitor.graphs.values():
            sys.stdout.write("%s\t%d\t%d\t%s\t%d\n" % (path, graph.lineno, graph.column, graph.entity, graph.complexity()))


if __name__ == "__main__":
    main(sys.argv[1:])
    usage = resource.getrusage(resource.RUSAGE_SELF)
    sys.stderr.write("cpu-seconds %.3f\n" % (usage.ru_utime + usage.ru_stime))
