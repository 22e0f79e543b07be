package dev.baton.proto.kafka;

import dev.baton.proto.InferenceRequest;

/** Kafka value deserializer for {@link InferenceRequest} records. */
public final class InferenceRequestDeserializer extends ProtobufDeserializer<InferenceRequest> {
    public InferenceRequestDeserializer() {
        super(InferenceRequest.parser(), "InferenceRequest");
    }
}
