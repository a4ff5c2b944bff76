package io.k3mcp.board;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The probes on the machine running the tests: structure only, since values are whatever it has. */
class LiveBoardTest {
    @Test
    void probesTheLiveSystemWithoutFailing() throws Exception {
        BoardProbe probe = new BoardProbe(Path.of("/"));
        BoardStatus status = new BoardSampler(probe, millis -> { }, () -> 0).run(2, 0, (d, t) -> { });
        assertNotNull(status.cpu().architecture());
        assertTrue(status.cpu().countOnline() >= 1);
        assertTrue(status.cpu().countPresent() >= status.cpu().countOnline());
        assertTrue(!status.cpu().clusters().isEmpty());
        status.cpu().clusters().forEach(c -> assertTrue(c.kind().equals("general") || c.kind().equals("ai")));
        assertTrue(status.memory().totalBytes() > 0);
        assertTrue(status.memory().availableBytes() <= status.memory().totalBytes());
        assertNotNull(status.kernel().release());
        assertNotNull(status.thermal());
        assertNotNull(status.fans());
        assertNotNull(status.power());
        assertNotNull(status.storage());
        assertNotNull(status.accelerators().tcm());
        assertNotNull(status.k3().aiFence());
        assertNotNull(status.warnings());
        status.thermal().forEach(z -> assertNotNull(z.zone()));
        status.storage().forEach(d -> assertNotNull(d.name()));
        assertNotNull(status.summary());
    }
}
