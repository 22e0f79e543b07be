package dev.baton.engine.tokenizer.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Jinja's built-in filters that chat templates use ({@code trim}, {@code length}, {@code tojson}, {@code selectattr} ...). */
final class TemplateFilters {
    private TemplateFilters() {
    }

    static Object apply(String name, Object value, List<Object> args, Map<String, Object> named) {
        return switch (name) {
            case "trim" -> {
                Object chars = PythonMethods.argument(args, named, 0, "chars", null);
                yield JinjaValues.strip(JinjaValues.str(value), chars == null ? null : JinjaValues.str(chars),
                        true, true);
            }
            case "length", "count" -> JinjaValues.length(value);
            case "list" -> new ArrayList<Object>(JinjaValues.iterate(value));
            case "join" -> join(value, args, named);
            case "upper" -> JinjaValues.str(value).toUpperCase(Locale.ROOT);
            case "lower" -> JinjaValues.str(value).toLowerCase(Locale.ROOT);
            case "title" -> PythonMethods.title(JinjaValues.str(value));
            case "capitalize" -> PythonMethods.capitalize(JinjaValues.str(value));
            case "default", "d" -> {
                boolean ifFalse = JinjaValues.truthy(PythonMethods.argument(args, named, 1, "boolean", false));
                boolean replace = value instanceof JinjaValues.Undefined || (ifFalse && !JinjaValues.truthy(value));
                yield replace ? PythonMethods.argument(args, named, 0, "default_value", "") : value;
            }
            case "first" -> {
                List<?> items = JinjaValues.iterate(value);
                yield items.isEmpty() ? new JinjaValues.Undefined("first item") : items.getFirst();
            }
            case "last" -> {
                List<?> items = JinjaValues.iterate(value);
                yield items.isEmpty() ? new JinjaValues.Undefined("last item") : items.getLast();
            }
            case "tojson" -> {
                Object indent = PythonMethods.argument(args, named, 0, "indent", null);
                boolean sortKeys = JinjaValues.truthy(named.getOrDefault("sort_keys", false));
                yield PythonJson.dumps(value, indent == null ? -1 : (int) JinjaValues.asLong(indent), sortKeys);
            }
            case "string" -> JinjaValues.str(value);
            case "safe" -> value;
            case "int" -> toInt(value, PythonMethods.argument(args, named, 0, "default", 0L));
            case "float" -> toFloat(value, PythonMethods.argument(args, named, 0, "default", 0.0));
            case "abs" -> JinjaValues.isIntegral(value) ? (Object) Math.abs(JinjaValues.asLong(value))
                    : (Object) Math.abs(JinjaValues.asDouble(value));
            case "round" -> round(value, PythonMethods.argument(args, named, 0, "precision", 0L),
                    JinjaValues.str(PythonMethods.argument(args, named, 1, "method", "common")));
            case "items" -> switch (value) {
                case JinjaValues.Undefined u -> List.of();
                case Map<?, ?> m -> PythonMethods.find(m, "items").call(List.of(), Map.of());
                default -> throw TemplateRenderException.invalid("items needs a mapping, got "
                        + JinjaValues.typeName(value));
            };
            case "replace" -> PythonMethods.replace(JinjaValues.str(value),
                    JinjaValues.str(PythonMethods.argument(args, named, 0, "old", "")),
                    JinjaValues.str(PythonMethods.argument(args, named, 1, "new", "")),
                    JinjaValues.asLong(PythonMethods.argument(args, named, 2, "count", -1L)));
            case "indent" -> indent(JinjaValues.str(value), PythonMethods.argument(args, named, 0, "width", 4L),
                    JinjaValues.truthy(PythonMethods.argument(args, named, 1, "first", false)),
                    JinjaValues.truthy(PythonMethods.argument(args, named, 2, "blank", false)));
            case "reverse" -> value instanceof String s ? new StringBuilder(s).reverse().toString()
                    : new ArrayList<Object>(JinjaValues.iterate(value)).reversed();
            case "unique" -> {
                List<Object> out = new ArrayList<>();
                for (Object item : JinjaValues.iterate(value)) {
                    if (out.stream().noneMatch(seen -> JinjaValues.equal(seen, item))) {
                        out.add(item);
                    }
                }
                yield out;
            }
            case "selectattr", "rejectattr" -> select(value, args, name.equals("selectattr"), true);
            case "select", "reject" -> select(value, args, name.equals("select"), false);
            case "map" -> map(value, args, named);
            default -> throw TemplateRenderException.invalid("unknown filter '" + name + "'");
        };
    }

    private static String join(Object value, List<Object> args, Map<String, Object> named) {
        String separator = JinjaValues.str(PythonMethods.argument(args, named, 0, "d", ""));
        Object attribute = PythonMethods.argument(args, named, 1, "attribute", null);
        List<String> parts = new ArrayList<>();
        for (Object item : JinjaValues.iterate(value)) {
            parts.add(JinjaValues.str(attribute == null ? item : path(item, JinjaValues.str(attribute))));
        }
        return String.join(separator, parts);
    }

    /** selectattr("role", "equalto", "user"), rejectattr("tool_calls"), select("string"). */
    private static List<Object> select(Object value, List<Object> args, boolean keep, boolean byAttribute) {
        int at = 0;
        String attribute = null;
        if (byAttribute) {
            if (args.isEmpty()) {
                throw TemplateRenderException.invalid("selectattr/rejectattr need an attribute name");
            }
            attribute = JinjaValues.str(args.get(at++));
        }
        String test = at < args.size() ? JinjaValues.str(args.get(at++)) : null;
        List<Object> testArgs = args.subList(at, args.size());
        List<Object> out = new ArrayList<>();
        for (Object item : JinjaValues.iterate(value)) {
            Object subject = attribute == null ? item : path(item, attribute);
            boolean passes = test == null ? JinjaValues.truthy(subject) : TemplateTests.test(test, subject, testArgs);
            if (passes == keep) {
                out.add(item);
            }
        }
        return out;
    }

    /** map(attribute="name", default=...) or map("filter", args...). */
    private static List<Object> map(Object value, List<Object> args, Map<String, Object> named) {
        List<Object> out = new ArrayList<>();
        Object attribute = named.get("attribute");
        for (Object item : JinjaValues.iterate(value)) {
            if (attribute != null) {
                Object v = path(item, JinjaValues.str(attribute));
                out.add(v instanceof JinjaValues.Undefined && named.containsKey("default") ? named.get("default") : v);
            } else if (!args.isEmpty()) {
                out.add(apply(JinjaValues.str(args.getFirst()), item, args.subList(1, args.size()), Map.of()));
            } else {
                throw TemplateRenderException.invalid("map needs a filter name or attribute=");
            }
        }
        return out;
    }

    /** A dotted attribute path ("function.name") as selectattr and map read it. */
    private static Object path(Object item, String dotted) {
        Object v = item;
        for (String part : dotted.split("\\.")) {
            if (v instanceof JinjaValues.Undefined) {
                return v;
            }
            v = part.chars().allMatch(Character::isDigit) && v instanceof List<?>
                    ? ValueAccess.item(v, Long.parseLong(part)) : ValueAccess.attribute(v, part);
        }
        return v;
    }

    private static Object toInt(Object value, Object fallback) {
        try {
            return switch (value) {
                case Boolean b -> b ? 1L : 0L;
                case Long l -> l;
                case Double d -> (long) d.doubleValue();
                case String s -> (long) Double.parseDouble(s.strip());
                default -> fallback;
            };
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static Object toFloat(Object value, Object fallback) {
        try {
            return switch (value) {
                case Boolean b -> b ? 1.0 : 0.0;
                case Long l -> l.doubleValue();
                case Double d -> d;
                case String s -> Double.parseDouble(s.strip());
                default -> fallback;
            };
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static Object round(Object value, Object precision, String method) {
        double scale = Math.pow(10, JinjaValues.asLong(precision));
        double v = JinjaValues.asDouble(value) * scale;
        double rounded = switch (method) {
            case "ceil" -> Math.ceil(v);
            case "floor" -> Math.floor(v);
            default -> Math.signum(v) * Math.floor(Math.abs(v) + 0.5); // "common": halves away from zero
        };
        return rounded / scale;
    }

    private static String indent(String s, Object width, boolean first, boolean blank) {
        String pad = width instanceof String w ? w : " ".repeat((int) JinjaValues.asLong(width));
        String[] lines = s.split("\n", -1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                out.append('\n');
            }
            boolean indentThis = (i > 0 || first) && (blank || !lines[i].isEmpty());
            out.append(indentThis ? pad : "").append(lines[i]);
        }
        return out.toString();
    }
}
