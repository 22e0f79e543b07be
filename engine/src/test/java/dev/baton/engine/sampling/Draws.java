package dev.baton.engine.sampling;

/** Test support: how often each token comes out over many token indices of one request. */
final class Draws {
    private Draws() {
    }

    static long[] histogram(float[] logits, SamplingParams p, int draws) {
        Sampler sampler = new Sampler(logits.length);
        TokenHistory history = new TokenHistory(new int[0]);
        long[] counts = new long[logits.length];
        for (int i = 0; i < draws; i++) {
            counts[sampler.sample(logits, 0, p, i, history).id()]++;
        }
        return counts;
    }

    /** Pearson's statistic of the counts against expected probabilities (tokens with probability 0 must not occur). */
    static double chiSquare(long[] counts, double[] probabilities, long draws) {
        double chi = 0;
        for (int i = 0; i < counts.length; i++) {
            if (probabilities[i] == 0) {
                if (counts[i] != 0) {
                    return Double.POSITIVE_INFINITY;
                }
                continue;
            }
            double expected = probabilities[i] * draws;
            chi += (counts[i] - expected) * (counts[i] - expected) / expected;
        }
        return chi;
    }

    /** softmax(logits / temperature) restricted to {@code keep}, renormalized. */
    static double[] softmax(float[] logits, float temperature, boolean[] keep) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double[] p = new double[logits.length];
        double total = 0;
        for (int i = 0; i < logits.length; i++) {
            if (keep[i]) {
                p[i] = Math.exp((logits[i] - max) / temperature);
                total += p[i];
            }
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= total;
        }
        return p;
    }

    static boolean[] all(int n) {
        boolean[] keep = new boolean[n];
        java.util.Arrays.fill(keep, true);
        return keep;
    }

    static boolean[] only(int n, int... ids) {
        boolean[] keep = new boolean[n];
        for (int id : ids) {
            keep[id] = true;
        }
        return keep;
    }

    /** Logits whose softmax at temperature 1 is exactly the given probabilities (up to rounding). */
    static float[] logitsOf(double... probabilities) {
        float[] logits = new float[probabilities.length];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) Math.log(probabilities[i]);
        }
        return logits;
    }

    static SamplingParams sampling(float temperature, int topK, float topP, float minP, long seed) {
        return new SamplingParams(temperature, topK, topP, minP, 1f, 0f, 0f, 64, seed, -1);
    }
}
