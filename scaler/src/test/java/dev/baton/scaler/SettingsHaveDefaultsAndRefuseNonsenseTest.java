package dev.baton.scaler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scaler's settings: the documented defaults, the duration syntax, and a clear error for a bad value. */
class SettingsHaveDefaultsAndRefuseNonsenseTest {

    @Test
    void unsetKeysTakeTheDocumentedDefaults() {
        ScalerSettings s = ScalerSettings.read(key -> null);
        assertEquals("baton-pipelines", s.consumerGroup());
        assertEquals("baton.requests", s.requestTopic());
        assertEquals("app.kubernetes.io/name=baton-worker", s.stageSelector());
        assertEquals(16, s.policy().lagPerPipeline());
        assertEquals(1, s.policy().minPipelines());
        assertEquals(8, s.policy().maxPipelines());
        assertEquals(Duration.ofMinutes(5), s.policy().scaleDownWindow());
        assertEquals(Duration.ofSeconds(15), s.interval());
        assertEquals(Duration.ofMinutes(10), s.drainTimeout());
        assertTrue(s.adminToken().isEmpty(), "no admin token: drain calls carry no Authorization header");
        assertTrue(ScalerSettings.read(Map.of("baton.scaler.admin-token", " ")::get).adminToken().isEmpty());
        assertTrue(ScalerSettings.read(Map.of("baton.scaler.admin-token", "c0ffee\n")::get).adminToken()
                .isPresent(), "a Secret made from a file keeps its newline");
    }

    @Test
    void durationsTakeTheirUnit() {
        ScalerSettings s = ScalerSettings.read(Map.of("baton.scaler.interval", "500ms",
                "baton.scaler.drain-timeout", "2h", "baton.scaler.scale-up-cooldown", "45s")::get);
        assertEquals(Duration.ofMillis(500), s.interval());
        assertEquals(Duration.ofHours(2), s.drainTimeout());
        assertEquals(Duration.ofSeconds(45), s.policy().scaleUpCooldown());
    }

    @Test
    void aBadValueNamesItsKey() {
        IllegalArgumentException duration = assertThrows(IllegalArgumentException.class,
                () -> ScalerSettings.read(Map.of("baton.scaler.interval", "soon")::get));
        assertTrue(duration.getMessage().contains("baton.scaler.interval"), duration.getMessage());
        IllegalArgumentException number = assertThrows(IllegalArgumentException.class,
                () -> ScalerSettings.read(Map.of("baton.scaler.max-pipelines", "many")::get));
        assertTrue(number.getMessage().contains("baton.scaler.max-pipelines"), number.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> ScalerSettings.read(Map.of("baton.scaler.min-pipelines", "9")::get), "min above max");
        IllegalArgumentException token = assertThrows(IllegalArgumentException.class,
                () -> ScalerSettings.read(Map.of("baton.scaler.admin-token", "two words")::get));
        assertTrue(token.getMessage().contains("baton.scaler.admin-token"), token.getMessage());
    }
}
