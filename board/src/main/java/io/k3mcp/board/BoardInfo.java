package io.k3mcp.board;

import java.util.List;

/**
 * What the board is: {@code model} from the device tree, else DMI; {@code soc} is "SpacemiT K3"
 * when K3 detection says so, else the device tree's last root compatible (the SoC by convention).
 */
public record BoardInfo(
        String model,
        String modelSource,
        String vendor,
        List<String> compatible,
        String soc,
        String os,
        String osId,
        String osVersion,
        String hostname,
        Double uptimeS) {
}
