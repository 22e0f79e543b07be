package dev.baton.engine.sampling;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplingIsOrderIndependentTest {
    private static final int VOCAB = 1000;
    private static final int TOKENS = 120;

    /** Two requests with their own logits per step, parameters and histories. */
    private final float[][] logitsA = steps(1);
    private final float[][] logitsB = steps(2);
    private final SamplingParams paramsA = new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1.1f, 0.2f, 0.1f, 64, 42L, 3);
    private final SamplingParams paramsB = new SamplingParams(1.2f, 0, 0.9f, 0f, 1f, 0f, 0f, 64, -7L, 0);

    private static float[][] steps(long seed) {
        Random random = new Random(seed);
        float[][] steps = new float[TOKENS][VOCAB];
        for (float[] step : steps) {
            for (int i = 0; i < VOCAB; i++) {
                step[i] = (float) random.nextGaussian() * 3;
            }
        }
        return steps;
    }

    private static SampledToken[] runAlone(Sampler sampler, float[][] logits, SamplingParams p) {
        TokenHistory history = new TokenHistory(new int[]{5, 6, 7});
        SampledToken[] out = new SampledToken[TOKENS];
        for (int i = 0; i < TOKENS; i++) {
            out[i] = sampler.sample(logits[i], 0, p, i, history);
            history.append(out[i].id());
        }
        return out;
    }

    @Test
    void interleavingRequestsChangesNothing() {
        SampledToken[] aloneA = runAlone(new Sampler(VOCAB), logitsA, paramsA);
        SampledToken[] aloneB = runAlone(new Sampler(VOCAB), logitsB, paramsB);
        Sampler shared = new Sampler(VOCAB);
        TokenHistory historyA = new TokenHistory(new int[]{5, 6, 7});
        TokenHistory historyB = new TokenHistory(new int[]{5, 6, 7});
        for (int i = 0; i < TOKENS; i++) {
            // B first on odd steps, A first on even ones, as a scheduler might order a batch
            boolean aFirst = i % 2 == 0;
            SampledToken a = null;
            if (aFirst) {
                a = shared.sample(logitsA[i], 0, paramsA, i, historyA);
            }
            SampledToken b = shared.sample(logitsB[i], 0, paramsB, i, historyB);
            if (!aFirst) {
                a = shared.sample(logitsA[i], 0, paramsA, i, historyA);
            }
            historyA.append(a.id());
            historyB.append(b.id());
            assertTrue(a.equals(aloneA[i]) && b.equals(aloneB[i]), "step " + i);
        }
    }

    @Test
    void anyTokenCanBeRedrawnFromItsIndexAndHistoryAlone() {
        SampledToken[] full = runAlone(new Sampler(VOCAB), logitsA, paramsA);
        int[] generated = new int[TOKENS];
        for (int i = 0; i < TOKENS; i++) {
            generated[i] = full[i].id();
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < TOKENS; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(3));
        Sampler sampler = new Sampler(VOCAB);
        int[] redrawn = new int[TOKENS];
        for (int i : order) {
            TokenHistory resumed = TokenHistory.of(new int[]{5, 6, 7}, java.util.Arrays.copyOf(generated, i));
            redrawn[i] = sampler.sample(logitsA[i], 0, paramsA, i, resumed).id();
        }
        assertArrayEquals(generated, redrawn);
    }

    @Test
    void differentSeedsGiveDifferentSequences() {
        SampledToken[] a = runAlone(new Sampler(VOCAB), logitsB, paramsB);
        SamplingParams otherSeed = new SamplingParams(1.2f, 0, 0.9f, 0f, 1f, 0f, 0f, 64, -8L, 0);
        SampledToken[] b = runAlone(new Sampler(VOCAB), logitsB, otherSeed);
        int same = 0;
        for (int i = 0; i < TOKENS; i++) {
            if (a[i].id() == b[i].id()) {
                same++;
            }
        }
        assertTrue(same < TOKENS / 2, same + " of " + TOKENS + " tokens agree");
    }
}
