package dev.baton.scaler.drain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The scaler's side of {@code /drain}: the worker's answers ({@code {"stage":0,"state":"draining","running":3}})
 * are read into states, an answer it cannot read is an error, and a stage 0 that does not answer counts as
 * unreachable (not running, so not consuming: the scaler may remove it).
 */
class DrainAnswersAreReadOrCountAsUnreachableTest {

    @Test
    void theWorkersAnswersBecomeStates() throws IOException {
        assertEquals(PipelineDrain.State.SERVING,
                HttpPipelineDrain.parse("{\"stage\":0,\"state\":\"serving\",\"running\":0}"));
        assertEquals(PipelineDrain.State.DRAINING,
                HttpPipelineDrain.parse("{\"stage\":0,\"state\":\"draining\",\"running\":3}"));
        assertEquals(PipelineDrain.State.DRAINED,
                HttpPipelineDrain.parse("{\"stage\":0,\"state\":\"drained\",\"running\":0}"));
        assertThrows(IOException.class, () -> HttpPipelineDrain.parse("{\"stage\":0,\"state\":\"resting\"}"));
        assertThrows(IOException.class, () -> HttpPipelineDrain.parse("{\"error\":\"the stage is still starting\"}"));
        assertThrows(IOException.class, () -> HttpPipelineDrain.parse("<html>"));
    }

    @Test
    void aStageThatDoesNotAnswerIsUnreachable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        HttpPipelineDrain drain = new HttpPipelineDrain(
                ordinal -> URI.create("http://127.0.0.1:" + closedPort + "/drain"), Duration.ofSeconds(2),
                Optional.empty());
        assertEquals(PipelineDrain.State.UNREACHABLE, drain.state(0));
        assertEquals(PipelineDrain.State.UNREACHABLE, drain.drain(0));
        assertEquals(PipelineDrain.State.UNREACHABLE, drain.resume(0));
    }
}
