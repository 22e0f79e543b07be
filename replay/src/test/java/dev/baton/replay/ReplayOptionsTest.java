package dev.baton.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayOptionsTest {
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    private static ReplayOptions parse(String... args) {
        return ReplayOptions.parse(args, NOW);
    }

    private static String refusal(String... args) {
        return assertThrows(ReplayOptions.UsageException.class, () -> parse(args)).getMessage();
    }

    @Test
    void sinceTakesATimeOrADurationBackFromNow() {
        assertEquals(new RequestSelection.TimeRange(NOW.minus(Duration.ofMinutes(15)), null),
                parse("--since", "15m").selection());
        assertEquals(new RequestSelection.TimeRange(Instant.parse("2026-11-30T10:00:00Z"),
                Instant.parse("2026-11-30T11:00:00Z")),
                parse("--since", "2026-11-30T11:00:00+01:00", "--until", "1h").selection());
        assertEquals(NOW.minus(Duration.ofMinutes(90)),
                ((RequestSelection.TimeRange) parse("--since", "PT90M").selection()).since());
    }

    @Test
    void offsetsAreHalfOpenAndMayRunToTheEnd() {
        assertEquals(new RequestSelection.Offsets(List.of(new RequestSelection.OffsetSpan(3, 100, 200),
                new RequestSelection.OffsetSpan(0, 7, Long.MAX_VALUE))), parse("--offsets", "3:100-200,0:7-").selection());
    }

    @Test
    void compareMayNameAnotherModel() {
        ReplayOptions o = parse("--since", "1h", "--mode", "compare", "--model", "stories260K-q8_0");
        assertEquals(ReplayOptions.Mode.COMPARE, o.mode());
        assertEquals("stories260K-q8_0", o.model());
    }

    @Test
    void defaults() {
        ReplayOptions o = parse("--since", "1h");
        assertEquals(ReplayOptions.DEFAULT_BOOTSTRAP, o.bootstrap());
        assertEquals(ReplayOptions.Mode.VERIFY, o.mode());
        assertEquals("baton.requests", o.topic());
        assertEquals(8, o.concurrency());
        assertEquals(Duration.ofMinutes(5), o.timeout());
        assertEquals("baton-pipelines", o.pipelineGroup());
    }

    @Test
    void badCommandLinesAreRefusedWithTheReason() {
        assertTrue(refusal().contains("--since or --offsets"));
        assertTrue(refusal("--since", "1h", "--until", "2h").contains("range is empty"));
        assertTrue(refusal("--offsets", "3:5-5").contains("empty"));
        assertTrue(refusal("--offsets", "3-5").contains("PARTITION:FROM-TO"));
        assertTrue(refusal("--since", "yesterday").contains("ISO-8601"));
        assertTrue(refusal("--since", "1h", "--offsets", "0:0-").contains("not both"));
        assertTrue(refusal("--since", "1h", "--mode", "rerun").contains("verify, compare or resume"));
        assertTrue(refusal("--since", "1h", "--mode", "resume", "--model", "m").contains("does not go with"));
        assertTrue(refusal("--since", "1h", "--concurrency", "0").contains("positive"));
        assertTrue(refusal("--since", "1h", "--frobnicate").contains("unknown option --frobnicate"));
        assertTrue(refusal("--since").contains("missing value"));
    }
}
