package dev.baton.replay;

import dev.baton.proto.ErrorCode;
import dev.baton.proto.FinishReason;
import dev.baton.proto.TokenEvent;
import java.nio.charset.StandardCharsets;

/**
 * What one event of an answer says, as far as replay compares it: the token (if any), and on the last event how the
 * answer ended. The error message and timings are not compared; they may differ between runs that agree.
 *
 * @param tokenId null on an event without a token
 * @param finish  UNSPECIFIED on every event but the last
 * @param error   UNSPECIFIED unless the answer failed
 * @param text    the token's bytes as text (for people reading the report)
 */
record Step(Integer tokenId, FinishReason finish, ErrorCode error, String text) {

    static Step of(TokenEvent event) {
        return new Step(event.hasTokenId() ? event.getTokenId() : null, event.getFinishReason(),
                event.hasError() ? event.getError().getCode() : ErrorCode.ERROR_CODE_UNSPECIFIED,
                event.getTokenBytes().toString(StandardCharsets.UTF_8));
    }

    boolean sameAs(Step other) {
        return java.util.Objects.equals(tokenId, other.tokenId) && finish == other.finish && error == other.error;
    }

    boolean isError() {
        return finish == FinishReason.FINISH_REASON_ERROR;
    }

    /** {@code token 423 " cat"}, {@code end (length)}, {@code token 9 " the", end (stop)}, {@code error (INTERNAL)}. */
    String describe() {
        StringBuilder s = new StringBuilder();
        if (tokenId != null) {
            s.append("token ").append(tokenId).append(' ').append(quoted(text));
        }
        if (finish != FinishReason.FINISH_REASON_UNSPECIFIED) {
            if (!s.isEmpty()) {
                s.append(", ");
            }
            s.append(isError() ? "error (" + errorName(error) + ")" : "end (" + finishName(finish) + ")");
        }
        return s.toString();
    }

    /** {@code stop}, {@code length}, {@code cancelled}, {@code error}; null while unfinished. */
    static String finishName(FinishReason finish) {
        return finish == FinishReason.FINISH_REASON_UNSPECIFIED ? null
                : finish.name().substring("FINISH_REASON_".length()).toLowerCase(java.util.Locale.ROOT);
    }

    static String errorName(ErrorCode code) {
        return code.name().substring("ERROR_CODE_".length());
    }

    private static String quoted(String text) {
        StringBuilder s = new StringBuilder("\"");
        text.codePoints().forEach(c -> {
            switch (c) {
                case '\n' -> s.append("\\n");
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        s.append(String.format("\\u%04x", c));
                    } else {
                        s.appendCodePoint(c);
                    }
                }
            }
        });
        return s.append('"').toString();
    }
}
