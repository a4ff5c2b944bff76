package io.k3mcp.board;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** The kernel's cpu list format ("0-3,8,10-11"), both ways. */
public final class CpuList {
    private CpuList() {
    }

    /** The cpus named by {@code text}; an empty list for null, blank or malformed text. */
    public static List<Integer> parse(String text) {
        TreeSet<Integer> cpus = new TreeSet<>();
        if (text == null || text.isBlank()) {
            return List.of();
        }
        for (String part : text.trim().split(",")) {
            String[] range = part.trim().split("-");
            try {
                int first = Integer.parseInt(range[0].trim());
                int last = range.length > 1 ? Integer.parseInt(range[1].trim()) : first;
                for (int cpu = first; cpu <= last; cpu++) {
                    cpus.add(cpu);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("malformed cpu list \"" + text + "\" at \"" + part + "\"", e);
            }
        }
        return new ArrayList<>(cpus);
    }

    /** The shortest list text for {@code cpus} (sorted, ranges collapsed). */
    public static String format(List<Integer> cpus) {
        List<Integer> sorted = new ArrayList<>(new TreeSet<>(cpus));
        StringBuilder text = new StringBuilder();
        int i = 0;
        while (i < sorted.size()) {
            int j = i;
            while (j + 1 < sorted.size() && sorted.get(j + 1) == sorted.get(j) + 1) {
                j++;
            }
            if (text.length() > 0) {
                text.append(',');
            }
            text.append(sorted.get(i));
            if (j > i) {
                text.append('-').append(sorted.get(j));
            }
            i = j + 1;
        }
        return text.toString();
    }
}
