package dev.baton.proto.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.baton.proto.Control;
import dev.baton.proto.ControlKind;
import dev.baton.proto.FinishReason;
import dev.baton.proto.InferenceRequest;
import dev.baton.proto.RecordSchema;
import dev.baton.proto.Sampling;
import dev.baton.proto.TokenEvent;
import dev.baton.proto.Usage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class RecordsRoundTripThroughSerdesTest {
    private final ProtobufSerializer<InferenceRequest> requests = new ProtobufSerializer<>();

    @Test
    void inferenceRequestSurvivesTheWire() {
        InferenceRequest request = InferenceRequest.newBuilder()
                .setSchemaVersion(RecordSchema.CURRENT_VERSION)
                .setRequestId("r-1").setModel("stories260K")
                .addAllPromptTokenIds(java.util.List.of(1, 403, 407))
                .setSampling(Sampling.newBuilder().setTemperature(0.8f).setTopK(40).setSeed(42).setTopLogprobs(3))
                .setMaxTokens(16).addStopStrings("\n\n").setReplyPartition(2).setCreatedAtMs(1_700_000_000_000L)
                .build();

        byte[] bytes = requests.serialize("baton.requests", request);
        InferenceRequest read = new InferenceRequestDeserializer().deserialize("baton.requests", bytes);

        assertEquals(request, read);
        assertFalse(read.hasReplay());
    }

    @Test
    void tokenEventDistinguishesMissingTokenFromTokenZero() {
        TokenEvent last = TokenEvent.newBuilder().setRequestId("r").setIndex(3).setTokenId(0)
                .setFinishReason(FinishReason.FINISH_REASON_STOP)
                .setUsage(Usage.newBuilder().setPromptTokens(3).setCompletionTokens(4)).build();
        TokenEvent errorOnly = TokenEvent.newBuilder().setRequestId("r").setIndex(0)
                .setFinishReason(FinishReason.FINISH_REASON_ERROR).build();
        ProtobufSerializer<TokenEvent> serializer = new ProtobufSerializer<>();
        TokenEventDeserializer deserializer = new TokenEventDeserializer();

        assertTrue(deserializer.deserialize("t", serializer.serialize("t", last)).hasTokenId());
        assertFalse(deserializer.deserialize("t", serializer.serialize("t", errorOnly)).hasTokenId());
    }

    @Test
    void controlRoundTrips() {
        Control cancel = Control.newBuilder().setSchemaVersion(1).setKind(ControlKind.CONTROL_KIND_CANCEL)
                .setRequestId("r").setReason("client disconnected").build();
        assertEquals(cancel, new ControlDeserializer().deserialize("c", new ProtobufSerializer<Control>().serialize("c", cancel)));
    }

    @Test
    void aRecordFromANewerSchemaStillReads() throws IOException {
        // A future writer adds field 99; today's reader must keep every field it knows.
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(buffer);
        out.writeInt32(1, RecordSchema.CURRENT_VERSION + 1);
        out.writeString(2, "future");
        out.writeBytes(99, ByteString.copyFromUtf8("unknown to this build"));
        out.flush();

        InferenceRequest read = new InferenceRequestDeserializer().deserialize("t", buffer.toByteArray());

        assertEquals(RecordSchema.CURRENT_VERSION + 1, read.getSchemaVersion());
        assertEquals("future", read.getRequestId());
    }

    @Test
    void garbageIsASerializationErrorNotACrash() {
        byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 0x02};
        SerializationException e = assertThrows(SerializationException.class,
                () -> new InferenceRequestDeserializer().deserialize("baton.requests", garbage));
        assertTrue(e.getMessage().contains("InferenceRequest"), e.getMessage());
    }

    @Test
    void nullStaysNull() {
        assertNull(requests.serialize("t", null));
        assertNull(new InferenceRequestDeserializer().deserialize("t", null));
        assertArrayEquals(new byte[0], requests.serialize("t", InferenceRequest.getDefaultInstance()));
    }
}
