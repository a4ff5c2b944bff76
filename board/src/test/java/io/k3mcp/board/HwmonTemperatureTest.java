package io.k3mcp.board;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** hwmon tempN_input in degrees, with labels; missing or broken inputs are left out. */
class HwmonTemperatureTest {
    @Test
    void theK3sThermalZonesAreAlsoHwmonChips() {
        List<HwmonTemperature> temps = new BoardProbe(Fixtures.tree("k3-jupiter2")).hwmonTemperatures();
        assertEquals(7, temps.size());
        HwmonTemperature first = temps.get(0);
        assertEquals("thermal_cluster0", first.chip());
        assertEquals("hwmon0", first.hwmon());
        assertEquals(1, first.channel());
        assertEquals(67.2, first.celsius());
        assertEquals("/sys/devices/virtual/thermal/thermal_zone0", first.device());
        assertEquals(List.of(67.2, 66.8, 64.5, 65.1, 62.3, 63.7, 62.0),
                temps.stream().map(HwmonTemperature::celsius).toList());
    }

    @Test
    void coretempCarriesItsLabel() {
        List<HwmonTemperature> temps = new BoardProbe(Fixtures.tree("x86-server")).hwmonTemperatures();
        assertEquals(List.of(new HwmonTemperature("coretemp", "hwmon0", "/sys/devices/platform/coretemp.0", 1,
                "Package id 0", 48.0)), temps);
    }

    @Test
    void anUnreadableInputIsLeftOut(@TempDir Path root) throws Exception {
        Path chip = Files.createDirectories(root.resolve("sys/class/hwmon/hwmon0"));
        Files.writeString(chip.resolve("name"), "acpitz\n");
        Files.writeString(chip.resolve("temp1_input"), "not a number\n");
        Files.writeString(chip.resolve("temp2_input"), "41000\n");
        List<HwmonTemperature> temps = new BoardProbe(root).hwmonTemperatures();
        assertEquals(1, temps.size());
        assertEquals(2, temps.get(0).channel());
        assertEquals(41.0, temps.get(0).celsius());
    }

    @Test
    void everyChipsDevicePathIsKnownByItsHwmonName() {
        Map<String, String> devices = new BoardProbe(Fixtures.tree("x86-server")).hwmonDevices();
        assertEquals(Map.of("hwmon0", "/sys/devices/platform/coretemp.0",
                "hwmon1", "/sys/devices/platform/nct6775.656",
                "hwmon2", "/sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI000D:00"), devices);
    }
}
