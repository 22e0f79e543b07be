package dev.baton.scaler.drain;

import java.util.regex.Pattern;

/**
 * The stages' admin token, which the scaler sends as {@code Authorization: Bearer <token>} on its drain calls
 * (worker/README.md, "Admin token"). {@link #toString()} does not show it, so that logging the settings leaks nothing.
 */
public final class BearerToken {
    /** RFC 6750's b64token: what may follow {@code Bearer } in a header. */
    private static final Pattern SYNTAX = Pattern.compile("[A-Za-z0-9._~+/-]+=*");

    private final String value;

    private BearerToken(String value) {
        this.value = value;
    }

    /** @throws IllegalArgumentException naming {@code key} when {@code value} cannot be sent as a bearer token */
    public static BearerToken of(String key, String value) {
        if (!SYNTAX.matcher(value).matches()) {
            throw new IllegalArgumentException(key + ": only letters, digits and -._~+/ (then trailing =) can be "
                    + "sent as a bearer token; generate one with 'openssl rand -hex 32'");
        }
        return new BearerToken(value);
    }

    /** The {@code Authorization} header's value. */
    String header() {
        return "Bearer " + value;
    }

    @Override
    public String toString() {
        return "BearerToken[redacted]";
    }
}
