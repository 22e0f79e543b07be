package dev.baton.gateway.api;

import dev.baton.gateway.GatewayConfig;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * Bearer-key authentication, on when {@code baton.gateway.api-keys} lists keys. Keys are compared in constant
 * time so that response timing does not leak how much of a guess was right.
 */
@ApplicationScoped
public class ApiKeys {
    private final List<byte[]> keys;

    ApiKeys(GatewayConfig config) {
        this.keys = config.apiKeys().orElse(List.of()).stream().map(String::strip).filter(k -> !k.isEmpty())
                .map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
    }

    void check(RoutingContext ctx) {
        if (keys.isEmpty()) {
            ctx.next();
            return;
        }
        String header = ctx.request().getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiError.unauthorized("You didn't provide an API key. Send it as 'Authorization: Bearer <key>'.");
        }
        byte[] given = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        boolean match = false;
        for (byte[] key : keys) {
            match |= MessageDigest.isEqual(key, given);
        }
        if (!match) {
            throw ApiError.unauthorized("Incorrect API key provided.");
        }
        ctx.next();
    }
}
