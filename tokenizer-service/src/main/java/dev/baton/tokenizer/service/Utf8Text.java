package dev.baton.tokenizer.service;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns caller-supplied bytes into text, refusing (never repairing) invalid UTF-8: a tokenizer fed replacement
 * characters would silently give the caller token ids for text they did not send.
 */
final class Utf8Text {
    private Utf8Text() {
    }

    /** Decodes {@code bytes} as strict UTF-8; {@code field} names the input in the error message. */
    static String decode(ByteString bytes, String field) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = bytes.asReadOnlyByteBuffer();
        CharBuffer out = CharBuffer.allocate(bytes.size()); // UTF-8 never needs more chars than bytes
        CoderResult result = decoder.decode(in, out, true);
        if (result.isUnderflow()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw InvalidArgument.because(field + " is not valid UTF-8: malformed sequence at byte offset " + in.position());
        }
        return out.flip().toString();
    }
}
