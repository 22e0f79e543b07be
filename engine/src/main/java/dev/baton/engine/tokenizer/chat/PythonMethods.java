package dev.baton.engine.tokenizer.chat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Python methods templates call on values: {@code content.strip()}, {@code role.startswith('t')},
 * {@code tool.items()}, {@code d.get('k', default)}. Hugging Face renders in an immutable sandbox, so methods that
 * modify a list or dict are absent here too.
 */
final class PythonMethods {
    private PythonMethods() {
    }

    /** The method {@code name} bound to {@code receiver}, or null when the value has no such method. */
    static TemplateCallable find(Object receiver, String name) {
        if (receiver instanceof String s) {
            return stringMethod(s, name);
        }
        if (receiver instanceof Map<?, ?> m) {
            return mapMethod(m, name);
        }
        return null;
    }

    private static TemplateCallable stringMethod(String s, String name) {
        return switch (name) {
            case "strip", "lstrip", "rstrip" -> (args, named) -> {
                Object chars = argument(args, named, 0, "chars", null);
                String set = chars == null ? null : JinjaValues.str(chars);
                return JinjaValues.strip(s, set, !name.equals("rstrip"), !name.equals("lstrip"));
            };
            case "upper" -> (args, named) -> s.toUpperCase(Locale.ROOT);
            case "lower" -> (args, named) -> s.toLowerCase(Locale.ROOT);
            case "title" -> (args, named) -> title(s);
            case "capitalize" -> (args, named) -> capitalize(s);
            case "startswith", "endswith" -> (args, named) -> {
                Object prefixes = argument(args, named, 0, "prefix", null);
                List<?> options = prefixes instanceof List<?> l ? l : List.of(JinjaValues.str(prefixes));
                return options.stream().map(JinjaValues::str)
                        .anyMatch(p -> name.equals("startswith") ? s.startsWith(p) : s.endsWith(p));
            };
            case "split" -> (args, named) -> split(s, argument(args, named, 0, "sep", null),
                    JinjaValues.asLong(argument(args, named, 1, "maxsplit", -1L)));
            case "replace" -> (args, named) -> {
                String old = JinjaValues.str(argument(args, named, 0, "old", ""));
                String replacement = JinjaValues.str(argument(args, named, 1, "new", ""));
                long count = JinjaValues.asLong(argument(args, named, 2, "count", -1L));
                return replace(s, old, replacement, count);
            };
            case "find" -> (args, named) -> (long) s.indexOf(JinjaValues.str(argument(args, named, 0, "sub", "")));
            case "count" -> (args, named) -> {
                String sub = JinjaValues.str(argument(args, named, 0, "sub", ""));
                if (sub.isEmpty()) {
                    return (long) s.length() + 1;
                }
                long n = 0;
                for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) {
                    n++;
                }
                return n;
            };
            case "join" -> (args, named) -> {
                List<String> parts = new ArrayList<>();
                for (Object item : JinjaValues.iterate(argument(args, named, 0, "iterable", List.of()))) {
                    parts.add(JinjaValues.str(item));
                }
                return String.join(s, parts);
            };
            case "isspace" -> (args, named) -> !s.isEmpty() && s.codePoints().allMatch(JinjaValues::isPythonSpace);
            case "isdigit" -> (args, named) -> !s.isEmpty() && s.codePoints().allMatch(Character::isDigit);
            default -> null;
        };
    }

    private static TemplateCallable mapMethod(Map<?, ?> m, String name) {
        return switch (name) {
            case "items" -> (args, named) -> {
                List<Object> pairs = new ArrayList<>(m.size());
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    pairs.add(Arrays.asList(e.getKey(), e.getValue())); // a (key, value) tuple; values may be None
                }
                return pairs;
            };
            case "keys" -> (args, named) -> new ArrayList<Object>(m.keySet());
            case "values" -> (args, named) -> new ArrayList<Object>(m.values());
            case "get" -> (args, named) -> {
                Object key = argument(args, named, 0, "key", null);
                return m.containsKey(key) ? m.get(key) : argument(args, named, 1, "default", null);
            };
            default -> null;
        };
    }

    static Object argument(List<Object> args, Map<String, Object> named, int index, String name, Object fallback) {
        if (index < args.size()) {
            return args.get(index);
        }
        return named.getOrDefault(name, fallback);
    }

    static String title(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean previousIsLetter = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(previousIsLetter ? Character.toLowerCase(c) : Character.toUpperCase(c));
            previousIsLetter = Character.isLetter(c);
        }
        return out.toString();
    }

    static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1).toLowerCase(Locale.ROOT);
    }

    private static List<Object> split(String s, Object separator, long maxSplit) {
        List<Object> parts = new ArrayList<>();
        if (separator == null) { // runs of whitespace, with no empty parts
            int i = 0;
            while (i < s.length()) {
                while (i < s.length() && JinjaValues.isPythonSpace(s.charAt(i))) {
                    i++;
                }
                if (i >= s.length()) {
                    break;
                }
                if (maxSplit >= 0 && parts.size() == maxSplit) {
                    parts.add(JinjaValues.strip(s.substring(i), null, false, true));
                    break;
                }
                int start = i;
                while (i < s.length() && !JinjaValues.isPythonSpace(s.charAt(i))) {
                    i++;
                }
                parts.add(s.substring(start, i));
            }
            return parts;
        }
        String sep = JinjaValues.str(separator);
        if (sep.isEmpty()) {
            throw TemplateRenderException.invalid("split: empty separator");
        }
        int start = 0;
        int found;
        while ((maxSplit < 0 || parts.size() < maxSplit) && (found = s.indexOf(sep, start)) >= 0) {
            parts.add(s.substring(start, found));
            start = found + sep.length();
        }
        parts.add(s.substring(start));
        return parts;
    }

    static String replace(String s, String old, String replacement, long count) {
        if (count < 0) {
            return s.replace(old, replacement);
        }
        StringBuilder out = new StringBuilder();
        int start = 0;
        for (long n = 0; n < count; n++) {
            int found = s.indexOf(old, start);
            if (found < 0 || old.isEmpty()) {
                break;
            }
            out.append(s, start, found).append(replacement);
            start = found + old.length();
        }
        return out.append(s.substring(start)).toString();
    }
}
