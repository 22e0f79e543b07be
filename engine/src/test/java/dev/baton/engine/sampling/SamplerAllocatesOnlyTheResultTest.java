package dev.baton.engine.sampling;

import dev.baton.engine.FreshJvm;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplerAllocatesOnlyTheResultTest {
    private static final int VOCAB = 32_000;
    /** The result record is ~32 bytes; a vocabulary-sized buffer would be >= 128 KB, a boxed vector 64+ bytes. */
    private static final long RESULT_BYTES = 256;

    @Test
    void noScratchIsAllocatedPerToken() {
        assertOnlyTheResultIsAllocated(Probe.bytesPerCall());
    }

    /**
     * The vector passes must not rely on C2 inlining our own methods (a vector passed to a call that is not inlined is
     * boxed, per token, in whichever JVM C2 declined the inlining): with inlining of any engine method forbidden, greedy,
     * temperature, top-k, top-p and min-p sampling still allocate only their result.
     */
    @Test
    void noVectorIsBoxedEvenWhenTheEnginesOwnMethodsAreNotInlined() throws IOException, InterruptedException {
        String out = FreshJvm.run(Probe.class, FreshJvm.NOTHING_OF_OURS_INLINED, Duration.ofMinutes(2));
        assertOnlyTheResultIsAllocated(Stream.of(out.split(",")).map(bytes -> Long.parseLong(bytes.strip())).toList());
    }

    private static void assertOnlyTheResultIsAllocated(List<Long> bytesPerCall) {
        for (int i = 0; i < bytesPerCall.size(); i++) {
            long bytes = bytesPerCall.get(i);
            assertTrue(bytes < RESULT_BYTES, bytes + " bytes per call with " + Probe.CONFIGURATIONS[i]);
        }
    }

    /** Samples one row of logits with each configuration until the JIT has compiled the passes; prints bytes per call. */
    static final class Probe {
        static final SamplingParams[] CONFIGURATIONS = {
                SamplingParams.greedy(),
                new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1.1f, 0.3f, 0.2f, 64, 1L, -1),
                new SamplingParams(0.8f, 0, 0.9f, 0f, 1f, 0f, 0f, 64, 1L, -1),
                new SamplingParams(1f, 0, 1f, 0.1f, 1f, 0f, 0f, 64, 1L, 0),
        };

        public static void main(String[] args) {
            System.out.println(String.join(",", bytesPerCall().stream().map(String::valueOf).toList()));
        }

        static List<Long> bytesPerCall() {
            var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            Random random = new Random(5);
            float[] logits = new float[VOCAB];
            for (int i = 0; i < VOCAB; i++) {
                logits[i] = (float) random.nextGaussian() * 3;
            }
            TokenHistory history = new TokenHistory(new int[]{1, 2, 3, 4});
            for (int i = 0; i < 64; i++) {
                history.append(random.nextInt(VOCAB));
            }
            Sampler sampler = new Sampler(VOCAB);
            Long[] perConfiguration = new Long[CONFIGURATIONS.length];
            for (int c = 0; c < CONFIGURATIONS.length; c++) {
                // until C2 has compiled the vector passes, vectors are boxed; measure the steady state, giving a loaded
                // machine (whose compiler threads queue behind other work) up to 30 seconds to get there
                long perCall = Long.MAX_VALUE;
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (perCall >= RESULT_BYTES && System.nanoTime() < deadline) {
                    int calls = 200;
                    long before = threads.getCurrentThreadAllocatedBytes();
                    for (int i = 0; i < calls; i++) {
                        sampler.sample(logits, 0, CONFIGURATIONS[c], i, history);
                    }
                    perCall = (threads.getCurrentThreadAllocatedBytes() - before) / calls;
                }
                perConfiguration[c] = perCall;
            }
            return List.of(perConfiguration);
        }
    }
}
