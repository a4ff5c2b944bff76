package io.k3mcp.board;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** /proc/cpuinfo as one key/value map per "processor" block (x86, arm64 and riscv layouts). */
final class CpuInfoFile {
    private static final Map<String, String> ARM_PARTS = armParts();

    private final Map<Integer, Map<String, String>> byCpu = new LinkedHashMap<>();
    private final Map<String, String> shared = new HashMap<>();

    CpuInfoFile(String text) {
        if (text == null) {
            return;
        }
        Map<String, String> block = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (line.isBlank()) {
                store(block);
                block = new LinkedHashMap<>();
            } else if (colon > 0) {
                block.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
        }
        store(block);
    }

    private void store(Map<String, String> block) {
        String processor = block.get("processor");
        if (processor != null && processor.matches("\\d+")) {
            byCpu.put(Integer.parseInt(processor), block);
        } else {
            shared.putAll(block); // arm64's trailing "Hardware"/"Model" lines
        }
    }

    String field(int cpu, String key) {
        Map<String, String> block = byCpu.get(cpu);
        return block == null ? null : block.get(key);
    }

    /** "model name", or for arm64 the core name from implementer/part ("Cortex-A76"). */
    String modelName(int cpu) {
        String name = field(cpu, "model name");
        if (name != null) {
            return name;
        }
        String implementer = field(cpu, "CPU implementer");
        String part = field(cpu, "CPU part");
        if (implementer == null || part == null) {
            return null;
        }
        String known = "0x41".equals(implementer) ? ARM_PARTS.get(part.toLowerCase()) : null;
        return known != null ? known : "implementer " + implementer + " part " + part;
    }

    /** x86's "cpu MHz" (the frequency when the file was read); null where absent or malformed. */
    Double mhz(int cpu) {
        String value = field(cpu, "cpu MHz");
        if (value == null || !value.matches("\\d+(\\.\\d+)?")) {
            return null;
        }
        return Double.parseDouble(value);
    }

    /** The RISC-V ISA string; null elsewhere. */
    String isa(int cpu) {
        return field(cpu, "isa");
    }

    /** Widest vector register the feature flags announce; null when the tree does not say. */
    Integer vlenBits(int cpu) {
        String flags = field(cpu, "flags");
        if (flags != null) {
            String padded = " " + flags + " ";
            if (padded.contains(" avx512f ")) {
                return 512;
            }
            if (padded.contains(" avx ")) {
                return 256;
            }
            return padded.contains(" sse2 ") ? 128 : null;
        }
        String features = field(cpu, "Features");
        if (features != null) {
            String padded = " " + features + " ";
            // SVE's length is chosen by the hardware and not written in cpuinfo.
            return padded.contains(" sve ") ? null : padded.contains(" asimd ") ? 128 : null;
        }
        return null;
    }

    /** The architecture cpuinfo implies (used when /proc/sys/kernel/arch is absent). */
    String architecture() {
        for (Map<String, String> block : byCpu.values()) {
            String isa = block.get("isa");
            if (isa != null && isa.startsWith("rv64")) {
                return "riscv64";
            }
            if (isa != null && isa.startsWith("rv32")) {
                return "riscv32";
            }
            if (block.containsKey("flags")) {
                return (" " + block.get("flags") + " ").contains(" lm ") ? "x86_64" : "i686";
            }
            if ("8".equals(block.get("CPU architecture"))) {
                return "aarch64";
            }
        }
        return null;
    }

    private static Map<String, String> armParts() {
        Map<String, String> parts = new HashMap<>();
        String[][] table = {{"0xd03", "Cortex-A53"}, {"0xd04", "Cortex-A35"}, {"0xd05", "Cortex-A55"},
            {"0xd07", "Cortex-A57"}, {"0xd08", "Cortex-A72"}, {"0xd09", "Cortex-A73"}, {"0xd0a", "Cortex-A75"},
            {"0xd0b", "Cortex-A76"}, {"0xd0c", "Neoverse-N1"}, {"0xd0d", "Cortex-A77"}, {"0xd40", "Neoverse-V1"},
            {"0xd41", "Cortex-A78"}, {"0xd44", "Cortex-X1"}, {"0xd46", "Cortex-A510"}, {"0xd47", "Cortex-A710"},
            {"0xd48", "Cortex-X2"}, {"0xd49", "Neoverse-N2"}, {"0xd4f", "Neoverse-V2"}};
        for (String[] row : table) {
            parts.put(row[0], row[1]);
        }
        return parts;
    }
}
