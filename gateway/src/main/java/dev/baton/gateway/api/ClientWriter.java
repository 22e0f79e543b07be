package dev.baton.gateway.api;

import dev.baton.proto.TokenEvent;
import java.util.List;

/** How one client receives its request's events: as a stream of chunks, or as one answer at the end. */
interface ClientWriter {
    /**
     * Accepted (not duplicate) events, in order, on the client's event loop: those that arrived together from the
     * reply topic, so a writer can send them in one write. Only the last may be terminal.
     */
    void onEvents(List<TokenEvent> events);

    /** The request ended without a normal terminal event (timed out); tell the client why. */
    void fail(ApiError error);
}
