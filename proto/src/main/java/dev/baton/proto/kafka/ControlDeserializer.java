package dev.baton.proto.kafka;

import dev.baton.proto.Control;

/** Kafka value deserializer for {@link Control} records. */
public final class ControlDeserializer extends ProtobufDeserializer<Control> {
    public ControlDeserializer() {
        super(Control.parser(), "Control");
    }
}
