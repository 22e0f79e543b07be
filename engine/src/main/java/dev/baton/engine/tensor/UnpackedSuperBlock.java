package dev.baton.engine.tensor;

/**
 * One K-quant super-block as {@link SuperBlockFormat#unpack} leaves it, whatever its type: 256 small signed
 * integers, one scale per group of {@link SuperBlockFormat#scaleGroup()} values, the group mins (types with mins),
 * and the block's float scales. The value of element e is {@code d·scales[e/G]·quants[e] − dmin·mins[e/G]}.
 * One per thread ({@link Scratch}), refilled for every block.
 */
final class UnpackedSuperBlock {
    final byte[] quants = new byte[SuperBlockFormat.BLOCK];
    /** Integer-valued group scales, as floats so kernels broadcast them straight from memory. */
    final float[] scales = new float[SuperBlockFormat.GROUPS];
    final byte[] mins = new byte[SuperBlockFormat.GROUPS];
    /** Staging for types whose scales are packed: eight scale bytes, widened to {@link #scales} in one step. */
    final byte[] packedScales = new byte[8];
    float d;
    float dmin;
}
