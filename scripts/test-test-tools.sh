#!/usr/bin/env bash
# Checks scripts/test-tools.sh on faked machines: a PATH that lacks tools, a user that is not root
# and has no sudo. Nothing is installed. Prints "N passed, N failed".
set -uo pipefail
tools="$(cd "$(dirname "$0")" && pwd)/test-tools.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0; failn=0
ok() { pass=$((pass+1)); }
fail() { failn=$((failn+1)); echo "FAIL: $1"; }

# A bin folder with the basic utilities the script itself uses, and nothing it checks for.
base="$tmp/base"; mkdir -p "$base"
for t in bash sed env cat; do ln -s "$(command -v $t)" "$base/$t"; done

out=$(PATH="$base" bash "$tools" --check 2>&1); rc=$?
[ "$rc" = 3 ] && ok || fail "--check on a bare PATH exits 3 (got $rc)"
for pkg in clang-19 lld-19 qemu-user gcc-aarch64-linux-gnu nodejs npm prometheus openjdk-17-jdk-headless; do
  [[ "$out" == *"$pkg"* ]] && ok || fail "--check names $pkg (said: $out)"
done
[[ "$out" == *"apt-get install -y"* ]] && ok || fail "--check gives the install command (said: $out)"

# Not root, no sudo: one message with the packages and the command, exit 2, nothing run.
printf '#!/bin/sh\necho 1000\n' > "$base/id"; chmod +x "$base/id"
out=$(PATH="$base" bash "$tools" 2>&1); rc=$?
[ "$rc" = 2 ] && ok || fail "non-root without sudo exits 2 (got $rc)"
[[ "$out" == *"not root and no usable sudo"* && "$out" == *"qemu-user"* ]] && ok || fail "non-root message names the packages (said: $out)"

# Bad argument.
bash "$tools" --bogus >/dev/null 2>&1; rc=$?
[ "$rc" = 2 ] && ok || fail "unknown argument exits 2 (got $rc)"

# This machine, after make test's own set-up step: everything present.
if [ "$(id -u)" = 0 ] || bash "$tools" --check >/dev/null 2>&1; then
  bash "$tools" --check >/dev/null 2>&1 && ok || fail "--check passes on this machine after set-up"
fi

echo "test-tools-tests: $pass passed, $failn failed"
[ "$failn" -eq 0 ]
