package dev.baton.replay;

import dev.baton.proto.FinishReason;
import dev.baton.proto.TokenEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * One request's TokenEvents as the reply log holds them, read the way a gateway reads them: replies arrive at least
 * once (a redelivered request is regenerated from index 0), so the first event of each index counts and anything
 * after the terminal event is ignored.
 */
final class Answer {
    private final TreeMap<Integer, TokenEvent> byIndex = new TreeMap<>();
    private int terminalIndex = -1;

    void accept(TokenEvent event) {
        if (terminalIndex >= 0 && event.getIndex() > terminalIndex) {
            return;
        }
        if (byIndex.putIfAbsent(event.getIndex(), event) == null
                && event.getFinishReason() != FinishReason.FINISH_REASON_UNSPECIFIED) {
            terminalIndex = event.getIndex();
        }
    }

    /** The events from index 0 on, up to the first missing index. */
    List<TokenEvent> events() {
        List<TokenEvent> events = new ArrayList<>();
        for (int i = 0; byIndex.containsKey(i); i++) {
            events.add(byIndex.get(i));
        }
        return events;
    }

    /** Whether the terminal event and every event before it are here. */
    boolean finished() {
        return terminalIndex >= 0 && events().size() == terminalIndex + 1;
    }

    /** The terminal event's finish reason; UNSPECIFIED while unfinished. */
    FinishReason finishReason() {
        return finished() ? byIndex.get(terminalIndex).getFinishReason() : FinishReason.FINISH_REASON_UNSPECIFIED;
    }

    /** Generated tokens among the events. */
    int tokens() {
        return (int) events().stream().filter(TokenEvent::hasTokenId).count();
    }
}
