package dev.baton.replay;

import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;

/**
 * {@code bin/baton replay}: re-drives logged requests through the pipelines (see {@link ReplayOptions} for the command
 * line, replay/README.md for the report). Exit status 0 when every request was identical (verify), compared (compare:
 * differences are its report) or resumed (resume), or there was nothing to do; 1 when something diverged (verify,
 * resume) or failed; 2 when the replay could not run (usage, broker unreachable, missing topic, no pipeline). Errors
 * are one line on stderr, never a stack trace.
 */
public final class ReplayCommand {
    static final int OK = 0;
    static final int FOUND_PROBLEMS = 1;
    static final int CANNOT_RUN = 2;

    private static final SecureRandom RANDOM = new SecureRandom();

    private ReplayCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        ReplayOptions options;
        try {
            options = ReplayOptions.parse(args, Instant.now());
        } catch (ReplayOptions.UsageException e) {
            err.println("replay: " + e.getMessage());
            err.println("usage: bin/baton replay [--bootstrap HOST:PORT] (--since TIME|DURATION [--until TIME|DURATION]"
                    + " | --offsets P:FROM-TO[,...]) [--mode verify|compare|resume] [--model NAME] [--limit N] [--concurrency C]"
                    + " [--timeout DURATION] [--topic NAME] [--pipeline-group NAME] [--json]");
            return CANNOT_RUN;
        }
        long started = System.nanoTime();
        String runId = HexFormat.of().toHexDigits(RANDOM.nextInt());
        try (Broker broker = Broker.connect(options.bootstrap())) {
            RequestLogReader.Read read = new RequestLogReader(broker, options.topic())
                    .read(options.selection(), options.limit());
            if (read.requests().isEmpty()) {
                err.println("replay: no requests logged in the range on " + options.topic()
                        + (read.undeserializable() + read.replaysSkipped() > 0 ? " (only " + read.undeserializable()
                        + " undeserializable and " + read.replaysSkipped() + " replay records)" : ""));
            }
            boolean resume = options.mode() == ReplayOptions.Mode.RESUME;
            Report report = resume ? Report.resume(out, options.json(), runId)
                    : Report.verify(out, options.json(), runId, options.mode() == ReplayOptions.Mode.COMPARE);
            int alreadyFinished = resume ? ResumeRun.run(broker, options, read, runId, report) : 0;
            if (!resume && !read.requests().isEmpty()) {
                VerifyRun.run(broker, options, read, runId, report);
            }
            report.summary(read, alreadyFinished, broker.bootstrap(), (System.nanoTime() - started) / 1_000_000);
            return report.anyBad() ? FOUND_PROBLEMS : OK;
        } catch (ReplayOptions.UsageException e) {
            err.println("replay: " + e.getMessage());
            return CANNOT_RUN;
        } catch (ReplayFailure e) {
            err.println("replay: " + e.getMessage());
            return CANNOT_RUN;
        } catch (org.apache.kafka.common.KafkaException e) {
            err.println("replay: Kafka at " + options.bootstrap() + " failed: " + Broker.rootMessage(e));
            return CANNOT_RUN;
        } catch (RuntimeException e) {
            // a bug of replay's own: still one line, with what a bug report needs
            StackTraceElement[] where = e.getStackTrace();
            err.println("replay: internal error: " + e + (where.length > 0 ? " at " + where[0] : ""));
            return CANNOT_RUN;
        }
    }
}
