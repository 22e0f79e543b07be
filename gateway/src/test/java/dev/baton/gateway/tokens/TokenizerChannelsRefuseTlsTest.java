package dev.baton.gateway.tokens;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokenizerChannelsRefuseTlsTest {
    @Test
    void startsWithoutTlsSettings() {
        assertDoesNotThrow(() -> TokenizerChannels.refuseTls(false, Optional.empty()));
    }

    @Test
    void refusesToStartWhenTlsToTheTokenizerIsAskedFor() {
        IllegalStateException enabled = assertThrows(IllegalStateException.class,
                () -> TokenizerChannels.refuseTls(true, Optional.empty()));
        assertTrue(enabled.getMessage().contains("plaintext only"), enabled.getMessage());
        assertThrows(IllegalStateException.class, () -> TokenizerChannels.refuseTls(false, Optional.of("internal")));
    }
}
