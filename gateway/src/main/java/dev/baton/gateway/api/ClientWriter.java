package dev.baton.gateway.api;

import dev.baton.proto.TokenEvent;

/** How one client receives its request's events: as a stream of chunks, or as one answer at the end. */
interface ClientWriter {
    /** An accepted (not duplicate) event, in order, on the client's event loop. */
    void onEvent(TokenEvent event);

    /** The request ended without a normal terminal event (timed out); tell the client why. */
    void fail(ApiError error);
}
