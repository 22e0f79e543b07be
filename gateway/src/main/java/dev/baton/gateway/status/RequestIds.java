package dev.baton.gateway.status;

import dev.baton.gateway.api.GenerationRequest.Kind;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Request ids: OpenAI's prefix ({@code cmpl-}, {@code chatcmpl-}), the creation time in milliseconds as 12 hex
 * digits, and 16 random hex digits. The time lets GET /v1/requests/{id} find the request in the logs by timestamp
 * instead of reading whole partitions. Clients may bring their own id (X-Request-Id); such ids carry no time.
 */
public final class RequestIds {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();
    private static final Pattern GENERATED = Pattern.compile("(?:chat)?cmpl-([0-9a-f]{12})[0-9a-f]{16}");
    private static final Pattern CLIENT_CHOSEN = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private RequestIds() {
    }

    public static String next(Kind kind, long nowMs) {
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        return kind.idPrefix() + String.format("%012x", nowMs) + HEX.formatHex(random);
    }

    /** Whether a client-chosen id is acceptable (letters, digits, {@code . _ : -}, at most 128). */
    public static boolean isValidClientId(String id) {
        return CLIENT_CHOSEN.matcher(id).matches();
    }

    /** The creation time a generated id carries. */
    public static OptionalLong createdAtMs(String id) {
        var m = GENERATED.matcher(id);
        return m.matches() ? OptionalLong.of(Long.parseLong(m.group(1), 16)) : OptionalLong.empty();
    }

    /** Chat when the id says so; text otherwise. */
    public static Kind kindOf(String id) {
        return id.startsWith(Kind.CHAT.idPrefix()) ? Kind.CHAT : Kind.TEXT;
    }
}
