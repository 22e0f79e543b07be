package dev.baton.gateway.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.gateway.api.GenerationRequest.Kind;
import org.junit.jupiter.api.Test;

class RequestIdsCarryTheirTimeTest {
    @Test
    void generatedIdsCarryTheirCreationTimeAndKind() {
        long now = 1_796_000_000_123L;
        String text = RequestIds.next(Kind.TEXT, now);
        String chat = RequestIds.next(Kind.CHAT, now);
        assertTrue(text.startsWith("cmpl-") && chat.startsWith("chatcmpl-"));
        assertEquals(now, RequestIds.createdAtMs(text).orElseThrow());
        assertEquals(now, RequestIds.createdAtMs(chat).orElseThrow());
        assertEquals(Kind.CHAT, RequestIds.kindOf(chat));
        assertFalse(RequestIds.next(Kind.TEXT, now).equals(text));
    }

    @Test
    void clientIdsAreCheckedAndCarryNoTime() {
        assertTrue(RequestIds.isValidClientId("my-request.42:a_b"));
        assertFalse(RequestIds.isValidClientId("with space"));
        assertFalse(RequestIds.isValidClientId("x".repeat(129)));
        assertTrue(RequestIds.createdAtMs("my-request").isEmpty());
    }
}
