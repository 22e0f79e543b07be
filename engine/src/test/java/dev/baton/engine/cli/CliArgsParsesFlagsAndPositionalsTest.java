package dev.baton.engine.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CliArgsParsesFlagsAndPositionalsTest {
    private static final Set<String> VALUES = Set.of("model", "type", "batch", "temperature");
    private static final Set<String> SWITCHES = Set.of("json");

    private static CliArgs parse(String... args) {
        return CliArgs.parse(args, VALUES, SWITCHES);
    }

    private static String usageError(String... args) {
        return assertThrows(CliUsageException.class, () -> parse(args)).getMessage();
    }

    @Test
    void flagsSwitchesAndPositionalsMix() {
        CliArgs a = parse("in.gguf", "--type", "q8_0", "--json", "out.gguf", "--batch=1,4,16");
        assertEquals(List.of("in.gguf", "out.gguf"), a.requirePositionals("IN", "OUT"));
        assertEquals("q8_0", a.required("type"));
        assertTrue(a.has("json"));
        assertFalse(a.has("model"));
        assertArrayEquals(new int[] {1, 4, 16}, a.intList("batch"));
        assertArrayEquals(new int[] {1}, parse().intList("batch", 1));
        assertEquals(0.5f, parse("--temperature", "0.5").floatValue("temperature", 1f));
        assertEquals("x", parse("--model", "x").value("model", "y"));
        assertEquals(List.of("--json"), parse("--", "--json").positionals());
        assertEquals("-1", parse("--model", "-1").required("model"));
    }

    @Test
    void mistakesNameTheFlag() {
        assertTrue(usageError("--nope").contains("unknown flag --nope"));
        assertTrue(usageError("--model").contains("--model needs a value"));
        assertTrue(usageError("--model", "--json").contains("--model needs a value"));
        assertTrue(usageError("--json", "--json").contains("--json given twice"));
        assertTrue(usageError("--json=yes").contains("--json takes no value"));
        assertThrows(CliUsageException.class, () -> parse().required("model"));
        assertThrows(CliUsageException.class, () -> parse("--batch", "1,x").intList("batch"));
        assertThrows(CliUsageException.class, () -> parse("--temperature", "NaN").floatValue("temperature", 0));
        assertThrows(CliUsageException.class, () -> parse("a").requirePositionals("IN", "OUT"));
        assertThrows(CliUsageException.class, () -> parse("--type", "q3").choice("type", null, List.of("q8_0")));
    }
}
