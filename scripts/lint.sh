#!/usr/bin/env bash
# Project lint: fails on the habits DESIGN.md forbids.
#  1. empty catch blocks (an empty catch is a bug: log, rethrow or handle)
#  2. System.out outside CLI code (stdout belongs to the MCP stdio transport)
# Usage: scripts/lint.sh [DIR]   (default: the repository root)
set -uo pipefail
root="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
fail=0

# A catch whose body holds nothing but whitespace and comments, on one line or spread over several.
empty=$(find "$root" -name '*.java' -not -path '*/target/*' -print0 | xargs -0 -r perl -0777 -ne '
  while (/catch\s*\([^)]*\)\s*\{((?:\s|\/\/[^\n]*\n|\/\*.*?\*\/)*)\}/sg) {
    my $pre = substr($_, 0, $-[0]); my $line = ($pre =~ tr/\n//) + 1;
    print "$ARGV:$line: empty catch block\n";
  }')
if [ -n "$empty" ]; then
  echo "lint: empty catch blocks (log, rethrow or handle the exception):"; echo "$empty"; fail=1
fi

# System.out is allowed in the CLI package (it prints the --json document) and in tests.
out=$(grep -rn --include='*.java' 'System\.out' "$root" 2>/dev/null | grep -v '/target/' | grep -v '/src/test/' \
  | grep -v '/io/k3mcp/server/cli/')
if [ -n "$out" ]; then
  echo "lint: System.out outside CLI code (stdout belongs to the MCP stdio transport):"; echo "$out"; fail=1
fi

[ $fail -eq 0 ] && echo "lint: ok"
exit $fail
