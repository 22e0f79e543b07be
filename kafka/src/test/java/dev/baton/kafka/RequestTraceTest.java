package dev.baton.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RequestTraceTest {
    private final Logger logger = Logger.getLogger("baton.trace");
    private final List<String> lines = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        logger.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        logger.removeHandler(capture);
        logger.setLevel(null);
    }

    @Test
    void writesNothingUnlessDebugIsOn() {
        RequestTrace.mark("cmpl-1", "published");
        assertTrue(lines.isEmpty(), lines.toString());
    }

    @Test
    void marksOneLinePerMilestoneInTheFormatTheTraceScriptReads() {
        logger.setLevel(Level.FINE);
        long before = RequestTrace.nowMicros();
        RequestTrace.mark("cmpl-1", "published");
        RequestTrace.markAt("cmpl-1", "gateway-received", 1_700_000_000_000_000L);
        RequestTrace.markAtNanos("cmpl-1", "stage0-start", System.nanoTime());
        long after = RequestTrace.nowMicros();

        assertEquals(3, lines.size(), lines.toString());
        assertEquals("trace cmpl-1 gateway-received 1700000000000000", lines.get(1));
        for (String line : List.of(lines.get(0), lines.get(2))) {
            assertTrue(line.matches("trace cmpl-1 [a-z0-9-]+ \\d+"), line);
            long micros = Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
            assertTrue(micros >= before - 1000 && micros <= after + 1000, line + " not within [" + before + ", " + after + "]");
        }
    }
}
