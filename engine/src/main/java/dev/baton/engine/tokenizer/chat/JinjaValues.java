package dev.baton.engine.tokenizer.chat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Python's value semantics as Jinja templates see them. Values are {@code null} (None), {@link Undefined},
 * {@link Boolean}, {@link Long}, {@link Double}, {@link String}, {@link List}, {@link Map}, {@link Namespace},
 * {@link LoopState} and {@link TemplateCallable}. Rendering, truth, equality and {@code +} follow Python:
 * {@code {{ none }}} renders "None", {@code True == 1}, {@code 'a' + 1} is an error.
 */
final class JinjaValues {
    private JinjaValues() {
    }

    /** A name or key that does not exist: renders as "", is false, iterates as empty. */
    record Undefined(String name) {
    }

    static boolean truthy(Object v) {
        return switch (v) {
            case null -> false;
            case Undefined u -> false;
            case Boolean b -> b;
            case Long l -> l != 0;
            case Double d -> d != 0;
            case String s -> !s.isEmpty();
            case Collection<?> c -> !c.isEmpty();
            case Map<?, ?> m -> !m.isEmpty();
            default -> true;
        };
    }

    /** Python's {@code str()}: what {@code {{ value }}} renders. */
    static String str(Object v) {
        return switch (v) {
            case null -> "None";
            case Undefined u -> "";
            case String s -> s;
            case Boolean b -> b ? "True" : "False";
            case Long l -> l.toString();
            case Double d -> pythonFloat(d);
            case List<?> l -> repr(l);
            case Map<?, ?> m -> repr(m);
            default -> v.toString();
        };
    }

    /** Python's {@code repr()}, as lists and dicts render their items. */
    static String repr(Object v) {
        if (v instanceof String s) {
            boolean doubleQuotes = s.indexOf('\'') >= 0 && s.indexOf('"') < 0;
            char quote = doubleQuotes ? '"' : '\'';
            StringBuilder out = new StringBuilder().append(quote);
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> {
                        if (c == quote) {
                            out.append('\\');
                        }
                        out.append(c);
                    }
                }
            }
            return out.append(quote).toString();
        }
        if (v instanceof List<?> list) {
            StringBuilder out = new StringBuilder("[");
            for (int i = 0; i < list.size(); i++) {
                out.append(i > 0 ? ", " : "").append(repr(list.get(i)));
            }
            return out.append(']').toString();
        }
        if (v instanceof Map<?, ?> map) {
            StringBuilder out = new StringBuilder("{");
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.append(first ? "" : ", ").append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
                first = false;
            }
            return out.append('}').toString();
        }
        return str(v);
    }

    static String pythonFloat(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e16) {
            return (long) d + ".0";
        }
        return Double.toString(d);
    }

    /** Python's type name, for error messages. */
    static String typeName(Object v) {
        return switch (v) {
            case null -> "NoneType";
            case Undefined u -> "undefined";
            case Boolean b -> "bool";
            case Long l -> "int";
            case Double d -> "float";
            case String s -> "str";
            case List<?> l -> "list";
            case Map<?, ?> m -> "dict";
            case Namespace n -> "namespace";
            case TemplateCallable c -> "function";
            default -> v.getClass().getSimpleName();
        };
    }

    static boolean isNumber(Object v) {
        return v instanceof Long || v instanceof Double || v instanceof Boolean;
    }

    /** A number as a double; booleans count as 0 and 1, as in Python. */
    static double asDouble(Object v) {
        return switch (v) {
            case Boolean b -> b ? 1 : 0;
            case Long l -> l;
            case Double d -> d;
            default -> throw TemplateRenderException.invalid("expected a number, got " + typeName(v));
        };
    }

    static boolean isIntegral(Object v) {
        return v instanceof Long || v instanceof Boolean;
    }

    static long asLong(Object v) {
        return switch (v) {
            case Boolean b -> b ? 1 : 0;
            case Long l -> l;
            default -> throw TemplateRenderException.invalid("expected an integer, got " + typeName(v));
        };
    }

    static boolean equal(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        if (a instanceof Undefined || b instanceof Undefined) { // Jinja: any two undefined values are equal
            return a instanceof Undefined && b instanceof Undefined;
        }
        if (isNumber(a) && isNumber(b)) {
            return isIntegral(a) && isIntegral(b) ? asLong(a) == asLong(b) : asDouble(a) == asDouble(b);
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!equal(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!y.containsKey(e.getKey()) || !equal(e.getValue(), y.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    /** Python ordering for {@code < <= > >=}: numbers, strings, lists. */
    static int compare(Object a, Object b, String operator) {
        if (isNumber(a) && isNumber(b)) {
            return Double.compare(asDouble(a), asDouble(b));
        }
        if (a instanceof String x && b instanceof String y) {
            return x.compareTo(y);
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
                if (!equal(x.get(i), y.get(i))) {
                    return compare(x.get(i), y.get(i), operator);
                }
            }
            return Integer.compare(x.size(), y.size());
        }
        throw TemplateRenderException.invalid("'" + operator + "' not supported between " + typeName(a) + " and "
                + typeName(b));
    }

    /** Python's {@code in}. */
    static boolean contains(Object container, Object item) {
        return switch (container) {
            case String s when item instanceof String sub -> s.contains(sub);
            case String s -> throw TemplateRenderException.invalid("'in <string>' requires a string, not "
                    + typeName(item));
            case List<?> l -> l.stream().anyMatch(x -> equal(x, item));
            case Map<?, ?> m -> m.containsKey(item);
            case Namespace n -> n.values().containsKey(item);
            case Undefined u -> false;
            default -> throw TemplateRenderException.invalid("argument of type " + typeName(container)
                    + " is not iterable");
        };
    }

    /** The items a for loop visits: a list's items, a dict's keys, a string's characters; undefined is empty. */
    static List<?> iterate(Object v) {
        return switch (v) {
            case List<?> l -> l;
            case Map<?, ?> m -> new ArrayList<>(m.keySet());
            case String s -> s.codePoints().mapToObj(Character::toString).toList();
            case Undefined u -> List.of();
            default -> throw TemplateRenderException.invalid(typeName(v) + " is not iterable");
        };
    }

    static long length(Object v) {
        return switch (v) {
            case String s -> s.codePointCount(0, s.length());
            case Collection<?> c -> c.size();
            case Map<?, ?> m -> m.size();
            case Undefined u -> 0;
            default -> throw TemplateRenderException.invalid("object of type " + typeName(v) + " has no length");
        };
    }

    /** Python's whitespace, which is wider than Java's {@code Character.isWhitespace} (it includes U+00A0). */
    static boolean isPythonSpace(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85;
    }

    static String strip(String s, String chars, boolean left, boolean right) {
        int start = 0;
        int end = s.length();
        while (left && start < end && stripped(s.charAt(start), chars)) {
            start++;
        }
        while (right && end > start && stripped(s.charAt(end - 1), chars)) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean stripped(char c, String chars) {
        return chars == null ? isPythonSpace(c) : chars.indexOf(c) >= 0;
    }
}
