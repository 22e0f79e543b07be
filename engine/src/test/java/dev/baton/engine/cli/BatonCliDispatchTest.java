package dev.baton.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BatonCliDispatchTest {
    @Test
    void usageErrorsExitTwoWithOneLine() {
        CliRun unknown = CliRun.of("frobnicate");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().contains("unknown command 'frobnicate'"), unknown.err());

        CliRun badFlag = CliRun.of("inspect", "x.gguf", "--nope");
        assertEquals(2, badFlag.status());
        assertEquals(1, badFlag.err().strip().lines().count(), badFlag.err());
        assertTrue(badFlag.err().contains("unknown flag --nope"), badFlag.err());
        assertTrue(badFlag.err().contains("usage: baton inspect"), badFlag.err());

        CliRun missing = CliRun.of("inspect");
        assertEquals(2, missing.status());
        assertTrue(missing.err().contains("expected MODEL.gguf"), missing.err());

        assertEquals(2, CliRun.of().status());
    }

    @Test
    void helpListsEveryCommand() {
        CliRun help = CliRun.of("--help");
        assertEquals(0, help.status());
        for (CliCommand c : BatonCli.COMMANDS) {
            assertTrue(help.out().contains(c.usage()), help.out());
        }
        CliRun one = CliRun.of("inspect", "--help");
        assertEquals(0, one.status());
        assertTrue(one.out().startsWith("usage: baton inspect"), one.out());
    }
}
