package dev.baton.kafka;

import java.time.Duration;
import java.util.Map;

/**
 * Command line for scripts: waits until the broker answers, then creates Baton's topics.
 * <pre>
 *   PrepareTopics --bootstrap 127.0.0.1:19092 [--wait-seconds 60] [--partitions baton.requests=8,baton.replies=4]
 * </pre>
 * Exit 0 when the topics are ready, 1 when the broker did not answer or refused, 2 on a usage error.
 */
public final class PrepareTopics {
    private PrepareTopics() {
    }

    public static void main(String[] args) throws InterruptedException {
        String bootstrap = null;
        int waitSeconds = 60;
        Map<BatonTopic, Integer> layout = TopicSetup.defaultLayout();
        try {
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value for " + flag);
                }
                String value = args[++i];
                switch (flag) {
                    case "--bootstrap" -> bootstrap = value;
                    case "--wait-seconds" -> waitSeconds = Integer.parseInt(value);
                    case "--partitions" -> applyPartitions(value, layout);
                    default -> throw new IllegalArgumentException("unknown flag " + flag);
                }
            }
            if (bootstrap == null) {
                throw new IllegalArgumentException("--bootstrap HOST:PORT is required");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("prepare-topics: " + e.getMessage());
            System.exit(2);
        }
        try {
            TopicSetup setup = new TopicSetup(bootstrap);
            setup.awaitBroker(Duration.ofSeconds(waitSeconds));
            setup.ensureTopics(layout);
            layout.forEach((topic, count) -> System.out.println(topic.topicName() + " partitions>=" + count));
        } catch (IllegalStateException e) {
            System.err.println("prepare-topics: " + e.getMessage());
            System.exit(1);
        }
    }

    /** {@code name=count,name=count}, names as in {@link BatonTopic#topicName()}. */
    static void applyPartitions(String spec, Map<BatonTopic, Integer> layout) {
        for (String entry : spec.split(",")) {
            String[] parts = entry.trim().split("=", 2);
            if (parts.length != 2) {
                throw new IllegalArgumentException("--partitions expects topic=count, got '" + entry + "'");
            }
            BatonTopic topic = java.util.Arrays.stream(BatonTopic.values())
                    .filter(t -> t.topicName().equals(parts[0].trim())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown topic '" + parts[0].trim() + "'"));
            try {
                layout.put(topic, Integer.parseInt(parts[1].trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("partition count for " + topic.topicName() + " is not a number: " + parts[1]);
            }
        }
    }
}
