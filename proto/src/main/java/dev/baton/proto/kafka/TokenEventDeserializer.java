package dev.baton.proto.kafka;

import dev.baton.proto.TokenEvent;

/** Kafka value deserializer for {@link TokenEvent} records. */
public final class TokenEventDeserializer extends ProtobufDeserializer<TokenEvent> {
    public TokenEventDeserializer() {
        super(TokenEvent.parser(), "TokenEvent");
    }
}
