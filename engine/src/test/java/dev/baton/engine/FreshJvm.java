package dev.baton.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a test's probe (a class with a {@code main}) in a JVM of its own, with the test's class path: for what depends
 * on the JIT's history, which a shared test JVM would pollute.
 */
public final class FreshJvm {
    /**
     * C2 may inline no method of the engine. Whether it inlines one of our methods into another depends on call-site
     * profiles at the moment it compiles, so code that passes a vector to a method of ours (boxing it on the heap unless
     * the call is inlined) allocates in some JVMs only; under these flags it allocates in every JVM. ({@code quiet}
     * keeps the JVM from announcing the command on standard output, which the probes use for their result.)
     */
    public static final List<String> NOTHING_OF_OURS_INLINED = List.of("-XX:CompileCommand=quiet",
            "-XX:CompileCommand=dontinline,dev.baton.engine.*::*");

    private FreshJvm() {
    }

    /**
     * Runs {@code probe}'s main with {@code args}; fails unless it exits with 0 within {@code timeout}. Returns its
     * standard output, stripped.
     */
    public static String run(Class<?> probe, List<String> jvmFlags, Duration timeout, String... args)
            throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "--add-modules", "jdk.incubator.vector"));
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), probe.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            process.destroyForcibly();
            fail("probe still running after " + timeout + ": " + out);
        }
        assertEquals(0, process.exitValue(), "probe failed: " + out);
        return out;
    }
}
