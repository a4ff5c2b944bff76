package io.k3mcp.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The small text formats: cpu lists, natural order, command-line flags, /proc/mounts escapes. */
class ParsingTest {
    @Test
    void cpuListsBothWays() {
        assertEquals(List.of(0, 1, 2, 3, 8, 10, 11), CpuList.parse("0-3,8,10-11\n"));
        assertEquals("0-3,8,10-11", CpuList.format(List.of(11, 10, 8, 3, 2, 1, 0)));
        assertEquals(List.of(), CpuList.parse(""));
        assertEquals("", CpuList.format(List.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CpuList.parse("0-3,a"));
        assertTrue(e.getMessage().contains("\"a\""), e.getMessage());
    }

    @Test
    void naturalOrderComparesNumbersByValue() {
        List<String> names = new ArrayList<>(List.of("hwmon10", "hwmon9", "cpu2", "cpu10", "cpu1", "hwmon09"));
        names.sort(NaturalOrder::compare);
        assertEquals(List.of("cpu1", "cpu2", "cpu10", "hwmon9", "hwmon09", "hwmon10"), names);
    }

    @Test
    void commandLineFlagsOfInterest() {
        assertEquals(Map.of("unaligned_scalar_speed", "fast", "isolcpus", "8-15", "nosmt", ""),
                KernelProbe.flags("root=/dev/sda2 unaligned_scalar_speed=fast quiet isolcpus=8-15 nosmt"));
        assertTrue(KernelProbe.flags(null).isEmpty());
    }

    @Test
    void mountEscapes() {
        assertEquals("/mnt/my disk\\x", StorageProbe.unescape("/mnt/my\\040disk\\134x"));
        assertEquals("/trailing\\04", StorageProbe.unescape("/trailing\\04"));
    }
}
