#!/usr/bin/env bash
# Where a decode step spends its time, by native kernel: `perf record` over `k3mcp bench` decoding MODEL
# (default the 6-layer qwen3-30b-a3b Q4_K_M synthetic file), started DELAY_MS after launch so model load and
# packing stay out of it, then the samples of the JNA-extracted kernel library mapped to its symbols (perf
# cannot: the extracted copy is deleted) and summed per function; JVM, kernel and libc samples per library.
#
#   scripts/profile-decode.sh [MODEL] [THREADS]        (env: DELAY_MS=30000 REPS=6 PP=0 TG=64 TOP=25; PP=512 TG=0 profiles prefill)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model="${1:-${XDG_CACHE_HOME:-$HOME/.cache}/k3mcp/synthetic/qwen3-30b-a3b-6l-q4_k_m.gguf}"
threads="${2:-2}"
lib="$(ls "$root"/kernels-native/target/classes/linux-*/libk3kernels.so | head -1)"
command -v perf >/dev/null || { echo "profile-decode: perf is not installed" >&2; exit 2; }
[ -f "$model" ] || { echo "profile-decode: no model at $model" >&2; exit 2; }
"$root/k3mcp" --version >/dev/null # rebuilds the jar when stale, outside the profile
data="$(mktemp)"
report="$(mktemp)"
trap 'rm -f "$data" "$report"' EXIT
perf record -q -D "${DELAY_MS:-30000}" -F 1999 -o "$data" -- java -jar "$root/mcp-server/target/k3mcp.jar" bench \
  --model "$model" -t "$threads" -p "${PP:-0}" -n "${TG:-64}" -r "${REPS:-6}" --no-record 2>/dev/null | tail -1
perf report -i "$data" --sort dso,sym --stdio 2>/dev/null | grep -v '^#' > "$report"
python3 - "$lib" "$report" "${TOP:-25}" <<'PY'
import bisect, re, subprocess, sys
syms = []
for line in subprocess.run(["nm", "-n", "--defined-only", sys.argv[1]], capture_output=True, text=True).stdout.splitlines():
    p = line.split()
    if len(p) == 3 and p[1] in "tTwW":
        syms.append((int(p[0], 16), p[2]))
addrs = [a for a, _ in syms]
total = {}
for line in open(sys.argv[2]):
    m = re.match(r"\s*([\d.]+)%\s+(\S+)\s+\[(.)\]\s+(\S+)", line)
    if not m:
        continue
    pct, dso, kind, sym = float(m.group(1)), m.group(2), m.group(3), m.group(4)
    if dso.startswith("jna") and sym.startswith("0x"):  # the extracted libk3kernels.so
        i = bisect.bisect_right(addrs, int(sym, 16)) - 1
        name = syms[i][1] if i >= 0 else sym
    else:
        name = dso + (" (kernel)" if kind == "k" else "")
    total[name] = total.get(name, 0.0) + pct
print("% of decode samples, per kernel function (or library)")
for name, pct in sorted(total.items(), key=lambda x: -x[1])[: int(sys.argv[3])]:
    print(f"{pct:6.2f}  {name}")
PY
