package dev.baton.engine.cli;

import java.io.PrintStream;
import java.util.Set;

/** One {@code bin/baton} subcommand. Register it in {@link BatonCli#COMMANDS}. */
public interface CliCommand {
    /** The subcommand word, e.g. {@code inspect}. */
    String name();

    /** One line: the name followed by its arguments, e.g. {@code inspect MODEL.gguf [--json]}. */
    String usage();

    /** Flags taking a value ({@code --model M}), without the leading dashes. */
    default Set<String> valueFlags() {
        return Set.of();
    }

    /** Flags without a value ({@code --json}), without the leading dashes. */
    default Set<String> switches() {
        return Set.of();
    }

    /**
     * Runs the command. Throw {@link CliUsageException} for a wrong command line (exit 2); any other exception is
     * reported as one line (exit 1). Streaming commands flush {@code out} themselves.
     *
     * @return the exit status
     */
    int run(CliArgs args, PrintStream out, PrintStream err) throws Exception;
}
