package dev.baton.system;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Blocks of consecutive loopback ports nobody listens on. bin/baton up puts stage k on worker-port + k, gateway i
 * on port + i and the broker's controller on kafka-port + 1, so it needs runs of ports, not single ones.
 */
final class FreePorts {
    private FreePorts() {
    }

    /** The first port of {@code count} consecutive free ports, away from the defaults a developer's own system uses. */
    static int block(int count) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int first = ThreadLocalRandom.current().nextInt(32000, 60000 - count);
            if (allFree(first, count)) {
                return first;
            }
        }
        throw new IllegalStateException("no " + count + " consecutive free ports found");
    }

    private static boolean allFree(int first, int count) {
        for (int port = first; port < first + count; port++) {
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                probe.setReuseAddress(true);
            } catch (IOException taken) {
                return false;
            }
        }
        return true;
    }
}
