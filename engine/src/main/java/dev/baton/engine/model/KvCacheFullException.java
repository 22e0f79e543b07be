package dev.baton.engine.model;

/**
 * The KV cache's memory budget has no room for the positions a step asked for. Nothing was allocated; the caller
 * should run fewer sequences (this is backpressure, not a bad request).
 */
public class KvCacheFullException extends RuntimeException {
    public KvCacheFullException(String message) {
        super(message);
    }
}
