package dev.baton.engine.cli;

/** The command line itself is wrong (unknown flag, missing argument, unparsable number): exit status 2. */
public final class CliUsageException extends RuntimeException {
    public CliUsageException(String message) {
        super(message);
    }
}
