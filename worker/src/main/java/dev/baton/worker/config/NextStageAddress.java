package dev.baton.worker.config;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the next stage listens, from {@code baton.worker.next}. On Kubernetes pod i of every stage StatefulSet belongs
 * to pipeline i, so one setting serves every pod: {@code {ordinal}} is replaced by the ordinal at the end of this
 * pod's name ({@code stage-0-3} → 3), giving the stable DNS name of the next stage's pod of the same pipeline.
 */
public final class NextStageAddress {
    /** The placeholder for this pod's ordinal. */
    public static final String ORDINAL = "{ordinal}";
    private static final Pattern STATEFUL_SET_POD = Pattern.compile(".+-(\\d+)");

    private NextStageAddress() {
    }

    /**
     * The next stage's {@code host:port}.
     *
     * @throws IllegalArgumentException when {@code next} names {@code {ordinal}} and the pod name is missing or does
     *                                  not end in an ordinal
     */
    public static String resolve(String next, Optional<String> podName) {
        String address = next.strip();
        if (!address.contains(ORDINAL)) {
            return address;
        }
        String pod = podName.map(String::strip).filter(p -> !p.isEmpty()).orElseThrow(() ->
                new IllegalArgumentException("baton.worker.next '" + address + "' uses " + ORDINAL
                        + " but baton.worker.pod-name is not set (set it from the pod's metadata.name)"));
        return address.replace(ORDINAL, Integer.toString(ordinal(pod)));
    }

    /** The ordinal of a StatefulSet pod: the number after its name's last dash. */
    public static int ordinal(String podName) {
        Matcher m = STATEFUL_SET_POD.matcher(podName.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("baton.worker.pod-name '" + podName
                    + "' does not end in a StatefulSet ordinal (expected a name such as stage-0-3)");
        }
        try {
            return Integer.parseInt(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("baton.worker.pod-name '" + podName + "': ordinal out of range");
        }
    }
}
