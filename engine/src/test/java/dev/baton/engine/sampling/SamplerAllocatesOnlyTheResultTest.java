package dev.baton.engine.sampling;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplerAllocatesOnlyTheResultTest {
    private static final int VOCAB = 32_000;

    @Test
    void noScratchIsAllocatedPerToken() {
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
        SamplingParams[] configurations = {
                SamplingParams.greedy(),
                new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1.1f, 0.3f, 0.2f, 64, 1L, -1),
                new SamplingParams(0.8f, 0, 0.9f, 0f, 1f, 0f, 0f, 64, 1L, -1),
                new SamplingParams(1f, 0, 1f, 0.1f, 1f, 0f, 0f, 64, 1L, 0),
        };
        for (SamplingParams p : configurations) {
            // until C2 has compiled the vector passes, vectors are boxed; measure the steady state, giving a loaded
            // machine (whose compiler threads queue behind other work) up to 30 seconds to get there
            long perCall = Long.MAX_VALUE;
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (perCall >= 256 && System.nanoTime() < deadline) {
                int calls = 200;
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < calls; i++) {
                    sampler.sample(logits, 0, p, i, history);
                }
                perCall = (threads.getCurrentThreadAllocatedBytes() - before) / calls;
            }
            // the result record is ~32 bytes; a vocabulary-sized buffer would be >= 128 KB
            assertTrue(perCall < 256, perCall + " bytes per call with " + p);
        }
    }
}
