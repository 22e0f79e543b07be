package dev.baton.worker.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopStringsHoldBackTextTest {

    @Test
    void textThatCannotStartAStopStringIsReleasedAtOnce() {
        StopStrings stops = new StopStrings(List.of("THE END"));
        assertEquals(new StopStrings.Outcome("Once upon", null), stops.push("Once upon"));
        assertEquals(new StopStrings.Outcome(" a time", null), stops.push(" a time"));
    }

    @Test
    void aPossibleBeginningIsHeldUntilTheNextPieceDecides() {
        StopStrings stops = new StopStrings(List.of("THE END"));
        assertEquals(new StopStrings.Outcome("and ", null), stops.push("and TH"));
        assertEquals(new StopStrings.Outcome("THEN they", null), stops.push("EN they"));
    }

    @Test
    void aStopStringAcrossPiecesEndsWithTheTextBeforeIt() {
        StopStrings stops = new StopStrings(List.of("THE END", "\n\n"));
        assertEquals("happily ", stops.push("happily TH").released());
        StopStrings.Outcome outcome = stops.push("E END and more");
        assertEquals("", outcome.released());
        assertEquals("THE END", outcome.matched());
    }

    @Test
    void theEarliestStopStringWins() {
        StopStrings stops = new StopStrings(List.of("b c", "a"));
        StopStrings.Outcome outcome = stops.push("x b c a");
        assertEquals("x ", outcome.released());
        assertEquals("b c", outcome.matched());
    }

    @Test
    void flushReleasesWhatWasHeld() {
        StopStrings stops = new StopStrings(List.of("###"));
        assertEquals("end", stops.push("end##").released());
        assertEquals("##", stops.flush());
    }

    @Test
    void withoutStopStringsEverythingPassesThrough() {
        StopStrings stops = new StopStrings(List.of("", ""));
        StopStrings.Outcome outcome = stops.push("anything at all");
        assertEquals("anything at all", outcome.released());
        assertNull(outcome.matched());
    }
}
