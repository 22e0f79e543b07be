/**
 * The stage-to-stage protocol: the processor that runs each message through this stage's layers, the gRPC endpoint facing the previous stage, the stream to the next one, and the adjacency rule between stages.
 */
package dev.baton.worker.pipeline;
