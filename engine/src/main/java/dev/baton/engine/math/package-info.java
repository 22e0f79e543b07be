/**
 * Float arithmetic shared by the forward pass and the sampler whose results are fixed to the bit: a polynomial
 * {@code exp} and a fixed-order lane sum, identical in interpreted and compiled code, so determinism does not depend
 * on how far the JIT has got.
 */
package dev.baton.engine.math;
