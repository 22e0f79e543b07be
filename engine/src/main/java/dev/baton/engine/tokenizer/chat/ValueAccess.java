package dev.baton.engine.tokenizer.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Jinja's {@code value.name}, {@code value[key]} and {@code value[a:b:c]}. Like Jinja, {@code .name} tries a method
 * of the value first and then the item of that key ({@code message.content} reads the dict's "content"); a missing
 * key or index is undefined, while going further from an undefined value is an error, as it is in Jinja.
 */
final class ValueAccess {
    private ValueAccess() {
    }

    static Object attribute(Object target, String name) {
        if (target instanceof JinjaValues.Undefined u) {
            throw TemplateRenderException.invalid("'" + u.name() + "' is undefined (reading ." + name + ")");
        }
        if (target instanceof LoopState loop) {
            return loop.attribute(name);
        }
        TemplateCallable method = PythonMethods.find(target, name);
        if (method != null) {
            return method;
        }
        return item(target, name);
    }

    static Object item(Object target, Object key) {
        return switch (target) {
            case JinjaValues.Undefined u -> throw TemplateRenderException.invalid("'" + u.name()
                    + "' is undefined (reading [" + JinjaValues.repr(key) + "])");
            case Map<?, ?> m -> m.containsKey(key) ? m.get(key) : missing(key);
            case Namespace n -> n.values().containsKey(key) ? n.values().get(key) : missing(key);
            case List<?> l when JinjaValues.isIntegral(key) -> {
                long i = JinjaValues.asLong(key);
                long at = i < 0 ? i + l.size() : i;
                yield at >= 0 && at < l.size() ? l.get((int) at) : missing(key);
            }
            case String s when JinjaValues.isIntegral(key) -> {
                List<?> chars = JinjaValues.iterate(s);
                long i = JinjaValues.asLong(key);
                long at = i < 0 ? i + chars.size() : i;
                yield at >= 0 && at < chars.size() ? chars.get((int) at) : missing(key);
            }
            case LoopState loop when key instanceof String name -> loop.attribute(name);
            default -> missing(key);
        };
    }

    private static JinjaValues.Undefined missing(Object key) {
        return new JinjaValues.Undefined(JinjaValues.str(key));
    }

    /** Python slicing of a list or string; bounds may be null. */
    static Object slice(Object target, Object start, Object stop, Object step) {
        List<?> items = switch (target) {
            case List<?> l -> l;
            case String s -> JinjaValues.iterate(s);
            case JinjaValues.Undefined u -> throw TemplateRenderException.invalid("'" + u.name()
                    + "' is undefined (slicing it)");
            default -> throw TemplateRenderException.invalid("cannot slice " + JinjaValues.typeName(target));
        };
        long n = items.size();
        long by = isAbsent(step) ? 1 : JinjaValues.asLong(step);
        if (by == 0) {
            throw TemplateRenderException.invalid("slice step cannot be zero");
        }
        long from = bound(start, n, by > 0 ? 0 : n - 1, by);
        long to = bound(stop, n, by > 0 ? n : -1, by);
        List<Object> out = new ArrayList<>();
        for (long i = from; by > 0 ? i < to : i > to; i += by) {
            out.add(items.get((int) i));
        }
        if (target instanceof String) {
            StringBuilder text = new StringBuilder();
            out.forEach(c -> text.append((String) c));
            return text.toString();
        }
        return out;
    }

    private static boolean isAbsent(Object v) {
        return v == null || v instanceof JinjaValues.Undefined;
    }

    /** A slice bound clamped as Python clamps it. */
    private static long bound(Object value, long n, long fallback, long step) {
        if (isAbsent(value)) {
            return fallback;
        }
        long i = JinjaValues.asLong(value);
        if (i < 0) {
            i += n;
        }
        if (step > 0) {
            return Math.max(0, Math.min(i, n));
        }
        return Math.max(-1, Math.min(i, n - 1));
    }
}
