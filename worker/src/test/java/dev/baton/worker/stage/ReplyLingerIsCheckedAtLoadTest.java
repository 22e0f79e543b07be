package dev.baton.worker.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.worker.runtime.WorkerConfigs;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplyLingerIsCheckedAtLoadTest {

    @Test
    void tokenEventsGoOutAtOnceUnlessALingerIsSet() {
        assertEquals(Duration.ZERO, WorkerConfigs.of(Map.of("baton.worker.model", "m.gguf")).replyLinger());
        assertEquals(Duration.ofMillis(1), WorkerConfigs.of(Map.of("baton.worker.model", "m.gguf",
                "baton.worker.reply-linger", "1ms")).replyLinger());
    }

    @Test
    void aNegativeOrFractionalLingerIsRefusedNamingTheKeyBeforeTheModelIsRead() {
        for (String linger : new String[] {"-5ms", "PT0.0005S", "PT0.0015S"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelSlice.load(
                    WorkerConfigs.of(Map.of("baton.worker.model", "does-not-exist.gguf",
                            "baton.worker.reply-linger", linger))), linger);
            assertTrue(e.getMessage().contains("baton.worker.reply-linger"), e.getMessage());
        }
    }
}
