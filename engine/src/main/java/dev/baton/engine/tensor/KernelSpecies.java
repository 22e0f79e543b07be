package dev.baton.engine.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float vector shape every kernel uses: the machine's preferred one, capped at 512 bits so a 32-element quantized
 * block always spans whole vectors. The lane count is part of the float kernels' fixed summation order, so results
 * are reproducible on one machine (and on machines with the same vector width).
 */
final class KernelSpecies {
    static final VectorSpecies<Float> FLOAT = FloatVector.SPECIES_PREFERRED.vectorBitSize() > 512
            ? FloatVector.SPECIES_512 : FloatVector.SPECIES_PREFERRED;
    static final int LANES = FLOAT.length();

    private KernelSpecies() {
    }
}
