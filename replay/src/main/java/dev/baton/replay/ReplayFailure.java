package dev.baton.replay;

/** A replay that cannot start or go on (broker unreachable, missing topic); the message is for the user as it is. */
final class ReplayFailure extends RuntimeException {
    ReplayFailure(String message) {
        super(message);
    }
}
