package dev.baton.worker.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.baton.proto.InferenceRequest;
import dev.baton.proto.RecordSchema;
import dev.baton.proto.ReplayInfo;
import dev.baton.proto.ReplayMode;
import dev.baton.proto.Sampling;
import org.junit.jupiter.api.Test;

/** Replay depends on a logged request drawing the same seed under every later build. */
class SeedFollowsTheRecordVersionTest {
    private static InferenceRequest.Builder request(int version, String id) {
        return InferenceRequest.newBuilder().setSchemaVersion(version).setRequestId(id)
                .setSampling(Sampling.newBuilder().setTemperature(0.8f));
    }

    @Test
    void anExplicitSeedIsUsedAsGiven() {
        InferenceRequest r = request(RecordSchema.CURRENT_VERSION, "a")
                .setSampling(Sampling.newBuilder().setTemperature(0.8f).setSeed(42)).build();
        assertEquals(42L, RequestParameters.seed(r));
    }

    @Test
    void aCurrentRecordWithoutSeedDerivesItFromTheRequestId() {
        long a = RequestParameters.seed(request(RecordSchema.CURRENT_VERSION, "a").build());
        long again = RequestParameters.seed(request(RecordSchema.CURRENT_VERSION, "a").build());
        long b = RequestParameters.seed(request(RecordSchema.CURRENT_VERSION, "b").build());
        assertEquals(a, again);
        assertNotEquals(a, b);
    }

    @Test
    void aReplayedCopyDerivesItsSeedFromTheOriginalId() {
        long original = RequestParameters.seed(request(RecordSchema.CURRENT_VERSION, "a").build());
        InferenceRequest copy = request(RecordSchema.CURRENT_VERSION, "replay-r1-a")
                .setReplay(ReplayInfo.newBuilder().setReplayId("r1").setOriginalRequestId("a")
                        .setMode(ReplayMode.REPLAY_MODE_VERIFY)).build();
        assertEquals(original, RequestParameters.seed(copy));
    }

    @Test
    void aVersionOneRecordWithoutSeedKeepsSeedZero() {
        assertEquals(0L, RequestParameters.seed(request(1, "a").build()));
    }
}
