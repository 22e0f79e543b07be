/**
 * The worker: a Quarkus app hosting one stage of a pipeline (a layer range of one model). See worker/README.md.
 * {@code config} is its interface, {@code stage} the model slice, {@code pipeline} the stage-to-stage protocol,
 * {@code scheduling} stage 0's Kafka intake and continuous batching, {@code output} the last stage's sampling and
 * publishing, {@code control} cancellation, {@code stats} counters, {@code runtime} the plain-Java assembly of a
 * stage, {@code app} its Quarkus wiring.
 */
package dev.baton.worker;
