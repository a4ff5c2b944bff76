package io.k3mcp.tools.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * {@code --cores}: a cpu list ("0-3,6") or, on a SpacemiT K3, "x100" / "a100" resolved from the
 * model names /proc/cpuinfo gives each processor ("Spacemit(R) X100" / "Spacemit(R) A100").
 */
public final class CpuList {
    private CpuList() {
    }

    /** The cpus named by {@code spec}, ascending; null or blank means "not pinned" (empty array). */
    public static int[] resolve(String spec, Path cpuinfo) {
        if (spec == null || spec.isBlank()) {
            return new int[0];
        }
        String s = spec.trim().toLowerCase(java.util.Locale.ROOT);
        if (s.equals("x100") || s.equals("a100")) {
            return coreKind(s.toUpperCase(java.util.Locale.ROOT), cpuinfo);
        }
        TreeSet<Integer> cpus = new TreeSet<>();
        for (String part : s.split(",")) {
            String p = part.trim();
            try {
                int dash = p.indexOf('-');
                int lo = Integer.parseInt(dash < 0 ? p : p.substring(0, dash));
                int hi = dash < 0 ? lo : Integer.parseInt(p.substring(dash + 1));
                if (lo < 0 || hi < lo || hi > 1023) {
                    throw new IllegalArgumentException("cores: range '" + p + "' must be ascending cpu ids within 0..1023");
                }
                for (int c = lo; c <= hi; c++) {
                    cpus.add(c);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("cores: '" + p + "' is not a cpu id or range (expected e.g. 0-3,6, x100 or a100)", e);
            }
        }
        return cpus.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] coreKind(String kind, Path cpuinfo) {
        List<Integer> found = new ArrayList<>();
        int processor = -1;
        try {
            for (String line : Files.readAllLines(cpuinfo)) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String key = line.substring(0, colon).trim();
                String value = line.substring(colon + 1).trim();
                if (key.equals("processor")) {
                    processor = Integer.parseInt(value);
                } else if (key.equals("model name") && processor >= 0 && value.contains(kind)) {
                    found.add(processor);
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new IllegalArgumentException("cores: cannot resolve " + kind.toLowerCase(java.util.Locale.ROOT)
                    + " from " + cpuinfo + ": " + e.getMessage(), e);
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException("cores: no " + kind + " cores in " + cpuinfo
                    + " (x100 and a100 name the two core kinds of a SpacemiT K3)");
        }
        return found.stream().mapToInt(Integer::intValue).toArray();
    }

    /** "0-3,6" form of a sorted list. */
    public static String format(int[] cpus) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cpus.length; i++) {
            int j = i;
            while (j + 1 < cpus.length && cpus[j + 1] == cpus[j] + 1) {
                j++;
            }
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(cpus[i]);
            if (j > i) {
                sb.append('-').append(cpus[j]);
            }
            i = j;
        }
        return sb.toString();
    }
}
