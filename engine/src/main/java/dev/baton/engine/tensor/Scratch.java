package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;

/**
 * Per-thread working memory of the kernels: decoded weight tiles, converted activations and the reusable job object.
 * Arrays only grow, so after the first calls of a model's shapes a multiply allocates nothing.
 */
final class Scratch {
    private static final ThreadLocal<Scratch> CURRENT = ThreadLocal.withInitial(Scratch::new);

    final MatmulJob job = new MatmulJob();
    private final UnpackedSuperBlock superBlock = new UnpackedSuperBlock();
    private float[] folded = new float[0];
    private short[] stagedShorts = new short[0];
    private long[] rowOffsets = new long[0];
    private byte[] quants = new byte[0];
    private float[] weights = new float[0];
    private MemorySegment weightsView = MemorySegment.ofArray(weights);
    private float[] weightScales = new float[0];
    private float[] weightOffsets = new float[0];
    private float[] activations = new float[0];
    private short[] activationShorts = new short[0];
    private int[] foldStage = new int[0];
    private float[] activationScales = new float[0];
    private int[] activationSums = new int[0];
    private int[] activationHalfSums = new int[0];
    private int[] tileSums = new int[0];
    private float[] activationBlockSums = new float[0];
    private float[] accumulators = new float[0];
    private float[] row = new float[0];

    static Scratch current() {
        return CURRENT.get();
    }

    /** The K-quant kernels' unpacked block. */
    UnpackedSuperBlock superBlock() {
        return superBlock;
    }

    float[] weights(int n) {
        if (weights.length < n) {
            weights = new float[n];
            weightsView = MemorySegment.ofArray(weights);
        }
        return weights;
    }

    /** {@link #weights} as a segment (kept, so that reading decoded rows like mapped ones allocates nothing). */
    MemorySegment weightsView(int n) {
        weights(n);
        return weightsView;
    }

    float[] weightScales(int n) {
        if (weightScales.length < n) {
            weightScales = new float[n];
        }
        return weightScales;
    }

    float[] activations(int n) {
        if (activations.length < n) {
            activations = new float[n];
        }
        return activations;
    }

    /** Zeroed accumulators of a tile. */
    float[] accumulators(int n) {
        if (accumulators.length < n) {
            accumulators = new float[n];
        } else {
            java.util.Arrays.fill(accumulators, 0, n, 0f);
        }
        return accumulators;
    }

    /** Small per-kernel staging buffer. */
    float[] lanes(int n) {
        if (folded.length < n) {
            folded = new float[n];
        }
        return folded;
    }

    /** Small per-kernel staging buffer of 16-bit lanes. */
    short[] stagedShorts(int n) {
        if (stagedShorts.length < n) {
            stagedShorts = new short[n];
        }
        return stagedShorts;
    }

    /** Unpacked quantized weights (signed bytes). */
    byte[] quants(int n) {
        if (quants.length < n) {
            quants = new byte[n];
        }
        return quants;
    }

    long[] rowOffsets(int n) {
        if (rowOffsets.length < n) {
            rowOffsets = new long[n];
        }
        return rowOffsets;
    }

    /** One converted activation row. */
    float[] row(int n) {
        if (row.length < n) {
            row = new float[n];
        }
        return row;
    }

    short[] activationShorts(int n) {
        if (activationShorts.length < n) {
            activationShorts = new short[n];
        }
        return activationShorts;
    }

    /** The quantized activations {@code q[0..n)} (integers in [-127, 127]) as shorts, for the 16-bit products. */
    short[] activationShorts(float[] q, int n) {
        short[] shorts = activationShorts(n);
        for (int i = 0; i < n; i++) {
            shorts[i] = (short) q[i];
        }
        return shorts;
    }

    /** Partly folded 16-bit products, passed between the steps of a K-quant decode kernel. */
    int[] foldStage(int n) {
        if (foldStage.length < n) {
            foldStage = new int[n];
        }
        return foldStage;
    }

    float[] activationScales(int n) {
        if (activationScales.length < n) {
            activationScales = new float[n];
        }
        return activationScales;
    }

    int[] activationSums(int n) {
        if (activationSums.length < n) {
            activationSums = new int[n];
        }
        return activationSums;
    }

    int[] activationHalfSums(int n) {
        if (activationHalfSums.length < n) {
            activationHalfSums = new int[n];
        }
        return activationHalfSums;
    }

    /** Exact integer sums of a register tile. */
    int[] tileSums(int n) {
        if (tileSums.length < n) {
            tileSums = new int[n];
        }
        return tileSums;
    }

    float[] weightOffsets(int n) {
        if (weightOffsets.length < n) {
            weightOffsets = new float[n];
        }
        return weightOffsets;
    }

    float[] activationBlockSums(int n) {
        if (activationBlockSums.length < n) {
            activationBlockSums = new float[n];
        }
        return activationBlockSums;
    }
}
