/**
 * Baton's Kafka layout: the topic names and partition counts ({@link dev.baton.kafka.BatonTopic}) and the idempotent
 * setup that creates them ({@link dev.baton.kafka.TopicSetup}, also run by {@code bin/baton kafka-start}). The module
 * also packages a KRaft broker from Maven jars into {@code kafka/target/lib} for the local system.
 */
package dev.baton.kafka;
