package dev.baton.engine.tokenizer.chat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code tojson} filter as Hugging Face defines it for chat templates: Python's {@code json.dumps} with
 * {@code ensure_ascii=False}, so separators are {@code ", "} and {@code ": "} (or {@code ","} and newlines with an
 * indent) and non-ASCII text stays as it is; no HTML escaping, unlike plain Jinja's {@code tojson}.
 */
final class PythonJson {
    private PythonJson() {
    }

    static String dumps(Object value, int indent, boolean sortKeys) {
        StringBuilder out = new StringBuilder();
        write(out, value, indent, sortKeys, 0);
        return out.toString();
    }

    private static void write(StringBuilder out, Object value, int indent, boolean sortKeys, int level) {
        switch (value) {
            case null -> out.append("null");
            case Boolean b -> out.append(b ? "true" : "false");
            case Long l -> out.append(l);
            case Double d -> out.append(Double.isFinite(d) ? JinjaValues.pythonFloat(d)
                    : Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
            case String s -> string(out, s);
            case List<?> list -> {
                if (list.isEmpty()) {
                    out.append("[]");
                    return;
                }
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    separator(out, i, indent, level + 1);
                    write(out, list.get(i), indent, sortKeys, level + 1);
                }
                close(out, indent, level).append(']');
            }
            case Map<?, ?> map -> {
                if (map.isEmpty()) {
                    out.append("{}");
                    return;
                }
                Map<?, ?> ordered = sortKeys ? new TreeMap<>(map) : map;
                out.append('{');
                int i = 0;
                for (Map.Entry<?, ?> e : ordered.entrySet()) {
                    separator(out, i++, indent, level + 1);
                    string(out, JinjaValues.str(e.getKey()));
                    out.append(": ");
                    write(out, e.getValue(), indent, sortKeys, level + 1);
                }
                close(out, indent, level).append('}');
            }
            case Namespace n -> write(out, n.values(), indent, sortKeys, level);
            default -> throw TemplateRenderException.invalid("tojson: " + JinjaValues.typeName(value)
                    + " is not JSON serializable");
        }
    }

    private static void separator(StringBuilder out, int index, int indent, int level) {
        if (indent < 0) {
            out.append(index > 0 ? ", " : "");
        } else {
            out.append(index > 0 ? "," : "").append('\n').append(" ".repeat(indent * level));
        }
    }

    private static StringBuilder close(StringBuilder out, int indent, int level) {
        return indent < 0 ? out : out.append('\n').append(" ".repeat(indent * level));
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
