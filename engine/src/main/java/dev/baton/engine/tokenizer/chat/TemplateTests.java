package dev.baton.engine.tokenizer.chat;

import java.util.List;
import java.util.Map;

/** Jinja's tests: {@code x is defined}, {@code x is string}, {@code n is divisibleby 3}, {@code x is equalto y}. */
final class TemplateTests {
    private TemplateTests() {
    }

    static boolean test(String name, Object value, List<Object> args) {
        return switch (name) {
            case "defined" -> !(value instanceof JinjaValues.Undefined);
            case "undefined" -> value instanceof JinjaValues.Undefined;
            case "none" -> value == null;
            case "boolean" -> value instanceof Boolean;
            case "true" -> Boolean.TRUE.equals(value);
            case "false" -> Boolean.FALSE.equals(value);
            case "integer" -> value instanceof Long;
            case "float" -> value instanceof Double;
            case "number" -> JinjaValues.isNumber(value);
            case "string" -> value instanceof String;
            case "mapping" -> value instanceof Map<?, ?> || value instanceof Namespace;
            case "iterable" -> value instanceof List<?> || value instanceof Map<?, ?> || value instanceof String;
            case "sequence" -> value instanceof List<?> || value instanceof Map<?, ?> || value instanceof String;
            case "callable" -> value instanceof TemplateCallable;
            case "odd" -> JinjaValues.asLong(value) % 2 != 0;
            case "even" -> JinjaValues.asLong(value) % 2 == 0;
            case "divisibleby" -> JinjaValues.asLong(value) % JinjaValues.asLong(argument(name, args)) == 0;
            case "eq", "equalto", "==", "sameas" -> JinjaValues.equal(value, argument(name, args));
            case "ne", "!=" -> !JinjaValues.equal(value, argument(name, args));
            case "lt", "lessthan", "<" -> JinjaValues.compare(value, argument(name, args), "<") < 0;
            case "le", "<=" -> JinjaValues.compare(value, argument(name, args), "<=") <= 0;
            case "gt", "greaterthan", ">" -> JinjaValues.compare(value, argument(name, args), ">") > 0;
            case "ge", ">=" -> JinjaValues.compare(value, argument(name, args), ">=") >= 0;
            case "in" -> JinjaValues.contains(argument(name, args), value);
            case "lower" -> value instanceof String s && s.equals(s.toLowerCase(java.util.Locale.ROOT));
            case "upper" -> value instanceof String s && s.equals(s.toUpperCase(java.util.Locale.ROOT));
            default -> throw TemplateRenderException.invalid("unknown test '" + name + "'");
        };
    }

    private static Object argument(String test, List<Object> args) {
        if (args.isEmpty()) {
            throw TemplateRenderException.invalid("test '" + test + "' needs an argument");
        }
        return args.getFirst();
    }
}
