package dev.baton.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PrepareTopicsPartitionSpecTest {
    @Test
    void overridesOnlyTheNamedTopics() {
        Map<BatonTopic, Integer> layout = TopicSetup.defaultLayout();
        PrepareTopics.applyPartitions("baton.requests=16, baton.replies=2", layout);
        assertEquals(16, layout.get(BatonTopic.REQUESTS));
        assertEquals(2, layout.get(BatonTopic.REPLIES));
        assertEquals(BatonTopic.CONTROL.defaultPartitions(), layout.get(BatonTopic.CONTROL));
    }

    @Test
    void rejectsUnknownTopicsAndBadCounts() {
        Map<BatonTopic, Integer> layout = TopicSetup.defaultLayout();
        var unknown = assertThrows(IllegalArgumentException.class, () -> PrepareTopics.applyPartitions("baton.reqs=2", layout));
        assertTrue(unknown.getMessage().contains("baton.reqs"));
        assertThrows(IllegalArgumentException.class, () -> PrepareTopics.applyPartitions("baton.requests=many", layout));
        assertThrows(IllegalArgumentException.class, () -> PrepareTopics.applyPartitions("baton.requests", layout));
    }
}
