/**
 * Quarkus wiring: startup and graceful shutdown, the gRPC service, health checks and the stats endpoint.
 */
package dev.baton.worker.app;
