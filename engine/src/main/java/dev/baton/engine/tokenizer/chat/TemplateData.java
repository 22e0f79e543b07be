package dev.baton.engine.tokenizer.chat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Caller data (as JSON parsing gives it) turned into template values: integers as Long, other numbers as Double. */
final class TemplateData {
    private TemplateData() {
    }

    static Object of(Object value, String path) {
        return switch (value) {
            case null -> null;
            case String s -> s;
            case Boolean b -> b;
            case Long l -> l;
            case Integer i -> (long) i;
            case Short s -> (long) s;
            case Byte b -> (long) b;
            case BigInteger b -> b.bitLength() < 64 ? (Object) b.longValue() : (Object) b.doubleValue();
            case BigDecimal d -> d.doubleValue();
            case Number n -> n.doubleValue();
            case List<?> list -> {
                List<Object> items = new ArrayList<>(list.size());
                for (int i = 0; i < list.size(); i++) {
                    items.add(of(list.get(i), path + "[" + i + "]"));
                }
                yield items;
            }
            case Map<?, ?> map -> {
                Map<Object, Object> entries = new LinkedHashMap<>();
                map.forEach((k, v) -> entries.put(String.valueOf(k), of(v, path + "." + k)));
                yield entries;
            }
            default -> throw new IllegalArgumentException("template variable " + path + ": "
                    + value.getClass().getSimpleName() + " is not a JSON value");
        };
    }
}
