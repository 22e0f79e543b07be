/**
 * Kafka for tests: an in-JVM KRaft broker with Baton's topics ({@link dev.baton.testing.kafka.EmbeddedKafkaBroker})
 * and the Quarkus test resource that hands it to an application ({@link dev.baton.testing.kafka.KafkaBrokerResource}).
 * Test-scoped dependency only.
 */
package dev.baton.testing.kafka;
