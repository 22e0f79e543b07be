/**
 * The worker's configuration, {@code baton.worker.*}: its whole interface (documented in worker/README.md).
 */
package dev.baton.worker.config;
