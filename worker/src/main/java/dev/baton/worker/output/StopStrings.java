package dev.baton.worker.output;

import java.util.Arrays;

/**
 * Finds the request's stop strings in the generated text. Text that might be the beginning of a stop string is held
 * back until the next pieces show whether it is, so the stop string itself never reaches the client. The state is a
 * function of the text fed so far only: feeding the same tokens again (a rebuilt sequence) releases the same text.
 */
final class StopStrings {
    private final String[] stops;
    private final StringBuilder held = new StringBuilder();

    /** What one piece of text released, and the stop string it completed (null when none). */
    record Outcome(String released, String matched) {
    }

    StopStrings(Iterable<String> stopStrings) {
        this.stops = java.util.stream.StreamSupport.stream(stopStrings.spliterator(), false)
                .filter(s -> !s.isEmpty()).distinct().toArray(String[]::new);
    }

    boolean isEmpty() {
        return stops.length == 0;
    }

    /** Adds generated text; returns the text now safe to emit, and the stop string if one is complete. */
    Outcome push(String piece) {
        if (stops.length == 0) {
            return new Outcome(piece, null);
        }
        held.append(piece);
        int first = -1;
        String matched = null;
        for (String stop : stops) {
            int at = held.indexOf(stop);
            if (at >= 0 && (first < 0 || at < first || (at == first && stop.length() > matched.length()))) {
                first = at;
                matched = stop;
            }
        }
        if (matched != null) {
            String released = held.substring(0, first);
            held.setLength(0);
            return new Outcome(released, matched);
        }
        int keep = longestSuffixThatStartsAStop();
        String released = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
        return new Outcome(released, null);
    }

    /** Releases whatever is held back (the sequence ended for another reason). */
    String flush() {
        String rest = held.toString();
        held.setLength(0);
        return rest;
    }

    private int longestSuffixThatStartsAStop() {
        int best = 0;
        for (String stop : stops) {
            for (int k = Math.min(stop.length() - 1, held.length()); k > best; k--) {
                if (endsWith(stop, k)) {
                    best = k;
                    break;
                }
            }
        }
        return best;
    }

    /** Whether the held text ends with the first {@code k} characters of {@code stop}. */
    private boolean endsWith(String stop, int k) {
        int from = held.length() - k;
        for (int i = 0; i < k; i++) {
            if (held.charAt(from + i) != stop.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "StopStrings" + Arrays.toString(stops);
    }
}
