/**
 * Counters and latency windows that the stats endpoint shows and tests assert on.
 */
package dev.baton.worker.stats;
