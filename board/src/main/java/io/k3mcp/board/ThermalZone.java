package io.k3mcp.board;

import java.util.List;

/** One /sys/class/thermal/thermal_zoneN: its type, temperature, trip points and bound cooling devices. */
public record ThermalZone(
        String zone,
        String type,
        Double tempC,
        String mode,
        String policy,
        List<Trip> trips,
        List<Cooling> cooling) {

    /** trip_point_N_*: the temperature at which {@code type} ("passive", "active", "hot", "critical") acts. */
    public record Trip(int index, String type, Double tempC, Double hystC) {
    }

    /** A cdevN link: the cooling device, its state now and at most, and the trip it serves. */
    public record Cooling(String device, String type, Long curState, Long maxState, Integer tripPoint, Long weight) {
    }
}
