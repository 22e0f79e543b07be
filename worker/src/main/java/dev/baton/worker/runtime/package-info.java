/**
 * A stage assembled from its configuration, in plain Java (Quarkus starts one; tests start several in one JVM), and its Kafka clients.
 */
package dev.baton.worker.runtime;
