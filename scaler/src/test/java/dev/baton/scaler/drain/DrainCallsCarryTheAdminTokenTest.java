package dev.baton.scaler.drain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The scaler's drain calls carry {@code BATON_SCALER_ADMIN_TOKEN} as bearer token, so a stage with that admin token
 * drains and resumes; a stage that refuses them (no token sent, or another one) counts as REFUSED, not as
 * unreachable, and goes on serving. Without a token on either side the calls carry no header, as before.
 */
class DrainCallsCarryTheAdminTokenTest {
    private static final String TOKEN = "5e0b1c9d2f7a4e6b8c3d1f0a9e7b5c2d";

    @Test
    void theTokenGoesWithEveryCall() throws IOException {
        try (StandInStageZero stage = new StandInStageZero(Optional.of(TOKEN))) {
            HttpPipelineDrain drain = drain(stage, Optional.of(BearerToken.of("key", TOKEN)));
            assertEquals(PipelineDrain.State.DRAINED, drain.drain(0));
            assertEquals(PipelineDrain.State.DRAINED, drain.state(0));
            assertEquals(PipelineDrain.State.SERVING, drain.resume(0));
            assertEquals(List.of("Bearer " + TOKEN, "Bearer " + TOKEN, "Bearer " + TOKEN), stage.authorizations());
        }
    }

    @Test
    void aMissingOrWrongTokenIsRefusedAndChangesNothing() throws IOException {
        try (StandInStageZero stage = new StandInStageZero(Optional.of(TOKEN))) {
            for (Optional<BearerToken> token : List.of(Optional.<BearerToken>empty(),
                    Optional.of(BearerToken.of("key", "not-" + TOKEN)))) {
                HttpPipelineDrain drain = drain(stage, token);
                assertEquals(PipelineDrain.State.REFUSED, drain.drain(0));
                assertEquals(PipelineDrain.State.REFUSED, drain.resume(0));
                assertEquals(PipelineDrain.State.SERVING, drain.state(0), "reads need no token");
                assertEquals("serving", stage.state());
            }
        }
    }

    @Test
    void withoutATokenNoHeaderIsSent() throws IOException {
        try (StandInStageZero stage = new StandInStageZero(Optional.empty())) {
            HttpPipelineDrain drain = drain(stage, Optional.empty());
            assertEquals(PipelineDrain.State.DRAINED, drain.drain(0));
            assertEquals(List.of("none"), stage.authorizations());
        }
    }

    @Test
    void aTokenThatCannotBeSentIsRefusedWithItsKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BearerToken.of("baton.scaler.admin-token", "two words"));
        assertTrue(e.getMessage().startsWith("baton.scaler.admin-token: "), e.getMessage());
        assertFalse(BearerToken.of("key", TOKEN).toString().contains(TOKEN), "the token stays out of logs");
    }

    private static HttpPipelineDrain drain(StandInStageZero stage, Optional<BearerToken> token) {
        return new HttpPipelineDrain(ordinal -> stage.drainUri(), Duration.ofSeconds(5), token);
    }
}
