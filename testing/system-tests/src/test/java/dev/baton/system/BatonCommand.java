package dev.baton.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code bin/baton} as a user would, with a run directory of its own (BATON_RUN_DIR) and BATON_NO_BUILD=1: the
 * reactor packaged every jar before this module's integration tests, so a command must never start a nested build.
 * The workers' warm-up is cut to 20 steps (BATON_WORKER_OPTS, unless set).
 */
record BatonCommand(Path home, Path runDir) {

    record Result(int exitCode, String output) {
    }

    /** Runs the command; its output (stdout and stderr) also stays in the run directory as {@code <command>.out}. */
    Result run(int timeoutSeconds, String... args) {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/baton").toString());
        command.addAll(List.of(args));
        try {
            Files.createDirectories(runDir);
            Path output = runDir.resolve(args[0] + ".out");
            ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile())
                    .redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().put("BATON_RUN_DIR", runDir.toString());
            builder.environment().put("BATON_NO_BUILD", "1");
            // a short worker warm-up: still run as a user's start runs it, without adding seconds to every test JVM
            builder.environment().putIfAbsent("BATON_WORKER_OPTS", "-Dbaton.worker.warmup.steps=20");
            Process process = builder.start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("bin/baton " + args[0] + " did not finish in " + timeoutSeconds
                        + " s:\n" + Files.readString(output, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    /** Runs the command and returns its output; fails with that output when it does not exit 0. */
    String runOk(int timeoutSeconds, String... args) {
        Result result = run(timeoutSeconds, args);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("bin/baton " + args[0] + " exited " + result.exitCode() + ":\n"
                    + result.output());
        }
        return result.output();
    }
}
