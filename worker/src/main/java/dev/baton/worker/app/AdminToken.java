package dev.baton.worker.app;

import dev.baton.worker.config.WorkerConfig;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The credential for the stage's state-changing admin calls ({@code POST} and {@code DELETE /drain}), required when
 * {@code baton.worker.admin-token} is set. Tokens are compared as SHA-256 digests in constant time, so that neither
 * the answer's timing nor the token's length tells how close a guess was. Checked at start: a token that cannot be
 * sent in a header stops the start, and a stage 0 reachable from other hosts without one is worth a warning.
 */
@Startup
@Singleton
public class AdminToken {
    private static final Logger LOG = Logger.getLogger(AdminToken.class);
    /** RFC 6750's b64token: what a client can put after {@code Bearer }. */
    private static final Pattern SYNTAX = Pattern.compile("[A-Za-z0-9._~+/-]+=*");

    /** The token's digest, or null when none is set and every call may change the stage. */
    private final byte[] digest;

    AdminToken(WorkerConfig config, @ConfigProperty(name = "quarkus.http.host") String host) {
        Optional<String> token = config.adminToken().map(String::strip).filter(t -> !t.isEmpty());
        if (token.isPresent() && !SYNTAX.matcher(token.get()).matches()) {
            throw new IllegalArgumentException("baton.worker.admin-token: only letters, digits and -._~+/ (then "
                    + "trailing =) can be sent as a bearer token; generate one with 'openssl rand -hex 32'");
        }
        if (token.isEmpty() && config.stage() == 0 && !loopback(host)) {
            LOG.warnf("stage 0 listens on %s without baton.worker.admin-token: anything that reaches its port can "
                    + "drain it (POST /drain)", host);
        }
        this.digest = token.map(AdminToken::sha256).orElse(null);
    }

    /** Why a call carrying this {@code Authorization} header may not change the stage; empty when it may. */
    Optional<String> refusal(String authorization) {
        if (digest == null) {
            return Optional.empty();
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of("this stage requires its admin token: send 'Authorization: Bearer <token>' "
                    + "(baton.worker.admin-token)");
        }
        if (!MessageDigest.isEqual(digest, sha256(authorization.substring(7).strip()))) {
            return Optional.of("the bearer token is not this stage's admin token (baton.worker.admin-token)");
        }
        return Optional.empty();
    }

    private static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
