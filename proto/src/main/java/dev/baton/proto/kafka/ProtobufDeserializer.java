package dev.baton.proto.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads a record message from its protobuf bytes. Bytes that are not a valid message throw
 * {@link SerializationException}, which the Kafka consumer reports as a {@code RecordDeserializationException} naming
 * the partition and offset, so the caller can send the record to the dead-letter topic and seek past it.
 * Subclasses exist per record type so that Kafka configuration can name them by class.
 */
public class ProtobufDeserializer<T extends MessageLite> implements Deserializer<T> {
    private final Parser<T> parser;
    private final String typeName;

    protected ProtobufDeserializer(Parser<T> parser, String typeName) {
        this.parser = parser;
        this.typeName = typeName;
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return parser.parseFrom(data);
        } catch (InvalidProtocolBufferException e) {
            throw new SerializationException("record on topic " + topic + " is not a valid " + typeName + ": "
                    + e.getMessage(), e);
        }
    }
}
