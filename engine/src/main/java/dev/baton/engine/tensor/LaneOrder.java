package dev.baton.engine.tensor;

/**
 * The fixed summation order of the float-family dot products (F32, F16, BF16 weights), shared by the vector kernels
 * and the scalar reference. With L = {@link KernelSpecies#LANES}: lane j accumulates the products of columns j, j+L,
 * j+2L, … in column order with fused multiply-adds (a last partial chunk is padded with zeros), then the L lane sums
 * are folded by halves: {@code a[j] += a[j + len/2]} for len = L, L/2, …, 2. The result is {@code a[0]}.
 */
final class LaneOrder {
    private LaneOrder() {
    }

    /** Folds {@code lanes[0..L)} by halves, in place, and returns the total. */
    static float foldHalves(float[] lanes) {
        return foldHalves(lanes, 0);
    }

    /** Folds {@code lanes[off..off+L)} by halves, in place, and returns the total. */
    static float foldHalves(float[] lanes, int off) {
        for (int len = KernelSpecies.LANES; len > 1; len >>= 1) {
            int half = len >> 1;
            for (int j = 0; j < half; j++) {
                lanes[off + j] += lanes[off + j + half];
            }
        }
        return lanes[off];
    }

    /** Scalar lane-ordered dot product of {@code n} elements; {@code lanes} is scratch of length L. */
    static float dot(float[] w, int wOff, float[] x, int xOff, int n, float[] lanes) {
        int l = KernelSpecies.LANES;
        java.util.Arrays.fill(lanes, 0, l, 0f);
        int padded = (n + l - 1) / l * l;
        for (int c = 0; c < padded; c++) {
            float wc = c < n ? w[wOff + c] : 0f;
            float xc = c < n ? x[xOff + c] : 0f;
            lanes[c % l] = Math.fma(wc, xc, lanes[c % l]);
        }
        return foldHalves(lanes);
    }
}
