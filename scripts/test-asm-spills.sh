#!/usr/bin/env bash
# Checks that scripts/asm-spills.sh lists a function that works through the stack, leaves out one that
# does not, and refuses a missing source. x86_64 only (the script reads x86 assembly). Prints "N passed, N failed".
set -uo pipefail
spills="$(cd "$(dirname "$0")" && pwd)/asm-spills.sh"
if [ "$(uname -m)" != "x86_64" ]; then
  echo "asm-spills-tests: skipped (not x86_64)"
  exit 0
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0; failn=0
check() { # name condition...
  local name="$1"; shift
  if "$@"; then pass=$((pass+1)); else failn=$((failn+1)); echo "FAIL: $name"; fi
}
cat > "$tmp/planted.c" <<'C'
#define S4(i) a[i] = i; a[i + 1] = i; a[i + 2] = i; a[i + 3] = i;
void through_stack(void) {
    volatile int a[32];
    S4(0) S4(4) S4(8) S4(12) S4(16) S4(20) S4(24) S4(28)
}
int in_registers(int x) { return x * 3 + 1; }
C
out=$(MIN=20 "$spills" "$tmp/planted.c" 2>&1); rc=$?
check "runs on a planted source" [ "$rc" -eq 0 ]
check "lists the function that stores to the stack" grep -q "through_stack" <<<"$out"
check "leaves out the function that does not" bash -c '! grep -q in_registers <<<"$1"' _ "$out"
out=$("$spills" "$tmp/absent.c" 2>&1); rc=$?
check "a missing source exits 2" [ "$rc" -eq 2 ]
check "a missing source is named" grep -q "absent.c" <<<"$out"

echo "asm-spills-tests: $pass passed, $failn failed"
[ "$failn" -eq 0 ]
