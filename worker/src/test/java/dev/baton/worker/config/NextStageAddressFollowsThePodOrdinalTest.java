package dev.baton.worker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Pod i of every stage StatefulSet forms pipeline i: one {@code baton.worker.next} setting with {@code {ordinal}}
 * sends each pod to the next stage's pod of the same ordinal, and a setting that cannot be resolved stops the start
 * with the reason.
 */
class NextStageAddressFollowsThePodOrdinalTest {

    @Test
    void theOrdinalOfThePodNameFillsThePlaceholder() {
        assertEquals("baton-stage-1-3.baton-stage-1:8080",
                NextStageAddress.resolve("baton-stage-1-{ordinal}.baton-stage-1:8080", Optional.of("baton-stage-0-3")));
        assertEquals("s2-12.s2.ns.svc:8080",
                NextStageAddress.resolve(" s2-{ordinal}.s2.ns.svc:8080 ", Optional.of("prod-s1-12")));
    }

    @Test
    void aPlainAddressNeedsNoPodName() {
        assertEquals("127.0.0.1:8102", NextStageAddress.resolve("127.0.0.1:8102", Optional.empty()));
    }

    @Test
    void aPlaceholderWithoutAPodNameIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NextStageAddress.resolve("s1-{ordinal}.s1:8080", Optional.of(" ")));
        assertTrue(e.getMessage().contains("baton.worker.pod-name"), e.getMessage());
    }

    @Test
    void aPodNameWithoutAnOrdinalIsRefused() {
        for (String name : new String[] {"stage0", "worker-a", "-7", "stage-0-99999999999"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> NextStageAddress.resolve("s1-{ordinal}.s1:8080", Optional.of(name)), name);
            assertTrue(e.getMessage().contains(name.strip()), e.getMessage());
        }
    }
}
