package dev.baton.engine.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Entry point of the engine's command line ({@code bin/baton COMMAND ...}). Exit status: 0 success, 1 bad input or
 * failure (one line on stderr; the stack trace too when {@code BATON_DEBUG=1}), 2 usage error.
 */
public final class BatonCli {
    /** Every subcommand, in the order {@code help} lists them. */
    static final List<CliCommand> COMMANDS = List.of(
            new GenerateCommand(),
            new BenchCommand(),
            new InspectCommand(),
            new QuantizeCommand(),
            new SynthCommand(),
            new TokenizeCommand(),
            new ChatTemplateCommand());

    private BatonCli() {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
                false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        int status = run(args, out, err);
        out.flush();
        System.exit(status);
    }

    /** Runs one command line with the given streams; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("-h") || args[0].equals("--help")) {
            printUsage(args.length == 0 ? err : out);
            return args.length == 0 ? 2 : 0;
        }
        Optional<CliCommand> found = COMMANDS.stream().filter(c -> c.name().equals(args[0])).findFirst();
        if (found.isEmpty()) {
            err.println("baton: unknown command '" + args[0] + "' (commands: "
                    + String.join(", ", COMMANDS.stream().map(CliCommand::name).toList()) + ")");
            return 2;
        }
        CliCommand command = found.get();
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        if (rest.contains("--help") || rest.contains("-h")) {
            out.println("usage: baton " + command.usage());
            return 0;
        }
        try {
            CliArgs parsed = CliArgs.parse(rest, command.valueFlags(), command.switches());
            return command.run(parsed, out, err);
        } catch (CliUsageException e) {
            out.flush();
            err.println("baton " + command.name() + ": " + e.getMessage() + " (usage: baton " + command.usage() + ")");
            return 2;
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            out.flush();
            err.println("baton " + command.name() + ": " + describe(e));
            if ("1".equals(System.getenv("BATON_DEBUG"))) {
                e.printStackTrace(err);
            }
            return 1;
        }
    }

    private static String describe(Throwable e) {
        return switch (e) {
            case NoSuchFileException f -> "no such file: " + f.getFile();
            case AccessDeniedException f -> "permission denied: " + f.getFile();
            case FileSystemException f -> f.getFile() + ": " + Optional.ofNullable(f.getReason()).orElse(f.toString());
            default -> e.getMessage() != null && !e.getMessage().isBlank() ? e.getMessage() : e.toString();
        };
    }

    private static void printUsage(PrintStream s) {
        s.println("usage: baton COMMAND [ARGS]   (baton COMMAND --help for one command)");
        for (CliCommand c : COMMANDS) {
            s.println("  " + c.usage());
        }
    }
}
