package dev.baton.proto.kafka;

import com.google.protobuf.MessageLite;
import org.apache.kafka.common.serialization.Serializer;

/** Writes a record message as its protobuf bytes; a null message stays null (a tombstone). */
public final class ProtobufSerializer<T extends MessageLite> implements Serializer<T> {
    @Override
    public byte[] serialize(String topic, T message) {
        return message == null ? null : message.toByteArray();
    }
}
