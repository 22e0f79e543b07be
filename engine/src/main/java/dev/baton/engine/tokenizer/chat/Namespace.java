package dev.baton.engine.tokenizer.chat;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The result of {@code namespace(...)}: the one mutable object a template has, since {@code set} inside a loop
 * cannot change a variable outside it, but {@code set ns.found = true} can.
 */
final class Namespace {
    private final Map<String, Object> values = new LinkedHashMap<>();

    Map<String, Object> values() {
        return values;
    }

    @Override
    public String toString() {
        return "<Namespace " + JinjaValues.repr(values) + ">";
    }
}
