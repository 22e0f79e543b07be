package dev.baton.tokenizer.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;

class Utf8TextRefusesMalformedInputTest {
    @Test
    void decodesEveryPlane() {
        String text = "héllo ✓ 😀 \u0000 end";
        assertEquals(text, Utf8Text.decode(ByteString.copyFromUtf8(text), "text"));
    }

    @Test
    void refusesOverlongSurrogatesAndTruncatedSequences() {
        byte[][] bad = {
            {(byte) 0xC0, (byte) 0xAF},                         // overlong '/'
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80},            // encoded surrogate
            {'a', 'b', (byte) 0xF0, (byte) 0x9F, (byte) 0x98},  // emoji cut short
            {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
        };
        for (byte[] bytes : bad) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> Utf8Text.decode(ByteString.copyFrom(bytes), "text"));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
            assertTrue(e.getStatus().getDescription().startsWith("text is not valid UTF-8"));
        }
    }

    @Test
    void namesTheOffsetOfTheFirstBadByte() {
        byte[] bytes = {'a', 'b', 'c', (byte) 0x80};
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> Utf8Text.decode(ByteString.copyFrom(bytes), "messages[2].content"));
        assertEquals("messages[2].content is not valid UTF-8: malformed sequence at byte offset 3",
                e.getStatus().getDescription());
    }
}
