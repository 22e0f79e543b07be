/**
 * Generated gRPC services and Kafka record messages (from src/main/proto), plus the record schema version.
 * Nothing here knows about models or Kafka topics beyond the message shapes.
 */
package dev.baton.proto;
