/**
 * Kafka serializers for the record messages: protobuf bytes on the wire, one deserializer class per record type so
 * that client configuration ({@code value.deserializer}) can name it.
 */
package dev.baton.proto.kafka;
