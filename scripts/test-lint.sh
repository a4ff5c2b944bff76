#!/usr/bin/env bash
# Checks that scripts/lint.sh catches what it must (and passes clean code): planted faults in a
# scratch tree. Prints "N passed, N failed".
set -uo pipefail
lint="$(cd "$(dirname "$0")" && pwd)/lint.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0; failn=0
expect() { # name expected-status dir
  "$lint" "$3" >/dev/null 2>&1; rc=$?
  if [ "$rc" -eq "$2" ]; then pass=$((pass+1)); else failn=$((failn+1)); echo "FAIL: $1 (lint exit $rc, expected $2)"; fi
}
mk() { mkdir -p "$(dirname "$1")"; printf '%s\n' "$2" > "$1"; }

mk "$tmp/clean/src/main/java/A.java" 'class A { void f() { try { g(); } catch (Exception e) { throw new IllegalStateException(e); } } }'
expect "clean code passes" 0 "$tmp/clean"
mk "$tmp/one/src/main/java/A.java" 'class A { void f() { try { g(); } catch (Exception e) {} } }'
expect "one-line empty catch" 1 "$tmp/one"
mk "$tmp/multi/src/main/java/A.java" $'class A { void f() {\n try { g(); }\n catch (java.io.IOException | RuntimeException e) {\n   // ignored\n }\n} }'
expect "multi-line catch with only a comment" 1 "$tmp/multi"
mk "$tmp/out/src/main/java/io/k3mcp/engine/B.java" 'class B { void f() { System.out.println("x"); } }'
expect "System.out outside the CLI" 1 "$tmp/out"
mk "$tmp/cli/src/main/java/io/k3mcp/server/cli/C.java" 'class C { void f() { System.out.println("x"); } }'
expect "System.out in the CLI is allowed" 0 "$tmp/cli"

echo "lint-tests: $pass passed, $failn failed"
[ "$failn" -eq 0 ]
