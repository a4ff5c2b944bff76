package io.k3mcp.board;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** /sys/class/thermal: zones (millidegrees C in sysfs, degrees here), trips and cooling devices. */
final class ThermalProbe {
    private final SysTree tree;

    ThermalProbe(SysTree tree) {
        this.tree = tree;
    }

    List<ThermalZone> read() {
        List<ThermalZone> zones = new ArrayList<>();
        for (Path zone : zoneDirs()) {
            zones.add(new ThermalZone(zone.getFileName().toString(), tree.text(zone.resolve("type")),
                    celsius(zone.resolve("temp")), tree.text(zone.resolve("mode")),
                    tree.text(zone.resolve("policy")), trips(zone), cooling(zone)));
        }
        return zones;
    }

    /** Temperature of every zone keyed by its type (or zone name when types repeat), for sampling. */
    Map<String, Double> temperatures() {
        List<Path> dirs = zoneDirs();
        List<String> types = new ArrayList<>();
        for (Path zone : dirs) {
            types.add(tree.text(zone.resolve("type")));
        }
        Map<String, Double> temps = new LinkedHashMap<>();
        for (int i = 0; i < dirs.size(); i++) {
            String type = types.get(i);
            boolean unique = type != null && types.indexOf(type) == types.lastIndexOf(type);
            Double temp = celsius(dirs.get(i).resolve("temp"));
            if (temp != null) {
                temps.put(unique ? type : dirs.get(i).getFileName().toString(), temp);
            }
        }
        return temps;
    }

    private List<Path> zoneDirs() {
        return tree.list(tree.path("/sys/class/thermal"), "thermal_zone");
    }

    private List<ThermalZone.Trip> trips(Path zone) {
        List<ThermalZone.Trip> trips = new ArrayList<>();
        for (Path file : tree.list(zone, "trip_point_")) {
            String name = file.getFileName().toString();
            if (!name.matches("trip_point_\\d+_type")) {
                continue;
            }
            String index = name.substring("trip_point_".length(), name.length() - "_type".length());
            trips.add(new ThermalZone.Trip(Integer.parseInt(index), tree.text(file),
                    celsius(zone.resolve("trip_point_" + index + "_temp")),
                    celsius(zone.resolve("trip_point_" + index + "_hyst"))));
        }
        return trips;
    }

    private List<ThermalZone.Cooling> cooling(Path zone) {
        List<ThermalZone.Cooling> bound = new ArrayList<>();
        for (Path link : tree.list(zone, "cdev")) {
            String name = link.getFileName().toString();
            if (!name.matches("cdev\\d+")) {
                continue;
            }
            Long trip = tree.number(zone.resolve(name + "_trip_point"));
            bound.add(new ThermalZone.Cooling(tree.linkName(link), tree.text(link.resolve("type")),
                    tree.number(link.resolve("cur_state")), tree.number(link.resolve("max_state")),
                    trip == null ? null : Math.toIntExact(trip), tree.number(zone.resolve(name + "_weight"))));
        }
        return bound;
    }

    private Double celsius(Path file) {
        Long milli = tree.number(file);
        return milli == null ? null : milli / 1000.0;
    }
}
