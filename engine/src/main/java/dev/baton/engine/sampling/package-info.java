/**
 * Turning one row of logits into the next token: penalties, truncation (top-k, top-p, min-p), temperature and a seeded
 * draw, plus log-probabilities for the API. The draw for token {@code i} is a pure function of {@code (seed, i)}, so
 * generation can resume or be replayed from any token and never depends on batch composition or call order.
 * A {@link dev.baton.engine.sampling.Sampler} owns vocabulary-sized scratch and is not thread-safe: one per thread.
 */
package dev.baton.engine.sampling;
