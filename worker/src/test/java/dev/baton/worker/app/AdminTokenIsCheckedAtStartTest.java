package dev.baton.worker.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.worker.runtime.WorkerConfigs;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The admin token as configured: one that no client could send in a header stops the start with the key's name;
 * surrounding whitespace (a Secret made from a file keeps its newline) is not part of it; unset, every call passes.
 */
class AdminTokenIsCheckedAtStartTest {

    @Test
    void aTokenThatCannotBeSentStopsTheStart() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> token("two words"));
        assertTrue(e.getMessage().contains("baton.worker.admin-token"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> token("line\nbreak"));
    }

    @Test
    void surroundingWhitespaceIsNotPartOfTheToken() {
        AdminToken token = token("  c0ffee-token=\n");
        assertEquals(Optional.empty(), token.refusal("Bearer c0ffee-token="));
        assertTrue(token.refusal("Bearer c0ffee-token").isPresent());
        assertTrue(token.refusal(null).isPresent());
    }

    @Test
    void withoutATokenEveryCallPasses() {
        AdminToken open = new AdminToken(WorkerConfigs.of(Map.of("baton.worker.model", "m.gguf")), "127.0.0.1");
        assertEquals(Optional.empty(), open.refusal(null));
        assertEquals(Optional.empty(), open.refusal("Bearer anything"));
    }

    private static AdminToken token(String value) {
        return new AdminToken(WorkerConfigs.of(Map.of("baton.worker.model", "m.gguf", "baton.worker.admin-token",
                value)), "127.0.0.1");
    }
}
