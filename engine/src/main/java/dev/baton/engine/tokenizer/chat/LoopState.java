package dev.baton.engine.tokenizer.chat;

import java.util.List;

/** The {@code loop} variable inside a for loop: position, neighbours and {@code loop.cycle}. */
record LoopState(List<?> items, int index0) {
    Object attribute(String name) {
        int length = items.size();
        return switch (name) {
            case "index" -> (long) index0 + 1;
            case "index0" -> (long) index0;
            case "revindex" -> (long) (length - index0);
            case "revindex0" -> (long) (length - index0 - 1);
            case "first" -> index0 == 0;
            case "last" -> index0 == length - 1;
            case "length" -> (long) length;
            case "depth" -> 1L;
            case "depth0" -> 0L;
            case "previtem" -> index0 > 0 ? items.get(index0 - 1) : new JinjaValues.Undefined("loop.previtem");
            case "nextitem" -> index0 + 1 < length ? items.get(index0 + 1)
                    : new JinjaValues.Undefined("loop.nextitem");
            case "cycle" -> (TemplateCallable) (positional, named) -> {
                if (positional.isEmpty()) {
                    throw TemplateRenderException.invalid("loop.cycle needs at least one value");
                }
                return positional.get(index0 % positional.size());
            };
            default -> new JinjaValues.Undefined("loop." + name);
        };
    }
}
