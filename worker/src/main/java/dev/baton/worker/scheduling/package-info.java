/**
 * Stage 0: reading baton.requests (pause/resume, per-partition low-watermark commits, dead letters) and the continuously batched running set that feeds the pipeline micro-batch by micro-batch.
 */
package dev.baton.worker.scheduling;
