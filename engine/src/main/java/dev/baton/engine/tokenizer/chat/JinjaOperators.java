package dev.baton.engine.tokenizer.chat;

import java.util.ArrayList;
import java.util.List;

/** Binary and unary operators with Python's meaning: {@code //} floors, {@code %} takes the divisor's sign. */
final class JinjaOperators {
    /** Longest string or list that {@code *} builds. */
    private static final long MAX_REPEAT_LENGTH = TemplateRenderer.MAX_OUTPUT_CHARS;

    private JinjaOperators() {
    }

    static Object apply(String operator, Object a, Object b) {
        return switch (operator) {
            case "+" -> add(a, b);
            case "-", "*", "/", "//", "%", "**" -> arithmetic(operator, a, b);
            case "~" -> JinjaValues.str(a) + JinjaValues.str(b);
            case "==" -> JinjaValues.equal(a, b);
            case "!=" -> !JinjaValues.equal(a, b);
            case "<" -> JinjaValues.compare(a, b, operator) < 0;
            case "<=" -> JinjaValues.compare(a, b, operator) <= 0;
            case ">" -> JinjaValues.compare(a, b, operator) > 0;
            case ">=" -> JinjaValues.compare(a, b, operator) >= 0;
            case "in" -> JinjaValues.contains(b, a);
            case "not in" -> !JinjaValues.contains(b, a);
            default -> throw new IllegalStateException("parser produced unknown operator " + operator);
        };
    }

    static Object unary(String operator, Object v) {
        return switch (operator) {
            case "not" -> !JinjaValues.truthy(v);
            case "-" -> JinjaValues.isIntegral(v) ? (Object) Math.negateExact(JinjaValues.asLong(v))
                    : (Object) (-JinjaValues.asDouble(v));
            case "+" -> JinjaValues.isIntegral(v) ? (Object) JinjaValues.asLong(v) : (Object) JinjaValues.asDouble(v);
            default -> throw new IllegalStateException("parser produced unknown operator " + operator);
        };
    }

    private static Object add(Object a, Object b) {
        if (a instanceof String x && b instanceof String y) {
            return x + y;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            List<Object> joined = new ArrayList<>(x);
            joined.addAll(y);
            return joined;
        }
        return arithmetic("+", a, b);
    }

    private static Object arithmetic(String operator, Object a, Object b) {
        if (operator.equals("*") && (a instanceof String || a instanceof List<?>) && JinjaValues.isIntegral(b)) {
            return repeat(a, JinjaValues.asLong(b));
        }
        if (!JinjaValues.isNumber(a) || !JinjaValues.isNumber(b)) {
            throw TemplateRenderException.invalid("unsupported operand types for " + operator + ": '"
                    + JinjaValues.typeName(a) + "' and '" + JinjaValues.typeName(b) + "'");
        }
        if (JinjaValues.isIntegral(a) && JinjaValues.isIntegral(b) && !operator.equals("/")) {
            return integer(operator, JinjaValues.asLong(a), JinjaValues.asLong(b));
        }
        double x = JinjaValues.asDouble(a);
        double y = JinjaValues.asDouble(b);
        if (y == 0 && (operator.equals("/") || operator.equals("//") || operator.equals("%"))) {
            throw TemplateRenderException.invalid("division by zero");
        }
        return switch (operator) {
            case "+" -> x + y;
            case "-" -> x - y;
            case "*" -> x * y;
            case "/" -> x / y;
            case "//" -> Math.floor(x / y);
            case "%" -> x - y * Math.floor(x / y);
            default -> Math.pow(x, y);
        };
    }

    private static Object integer(String operator, long x, long y) {
        try {
            return switch (operator) {
                case "+" -> Math.addExact(x, y);
                case "-" -> Math.subtractExact(x, y);
                case "*" -> Math.multiplyExact(x, y);
                case "//" -> {
                    requireNonZero(y);
                    yield Math.floorDiv(x, y);
                }
                case "%" -> {
                    requireNonZero(y);
                    yield Math.floorMod(x, y);
                }
                default -> y < 0 ? (Object) Math.pow(x, y) : (Object) power(x, y);
            };
        } catch (ArithmeticException e) {
            throw TemplateRenderException.invalid("integer overflow in " + x + " " + operator + " " + y);
        }
    }

    private static void requireNonZero(long y) {
        if (y == 0) {
            throw TemplateRenderException.invalid("integer division or modulo by zero");
        }
    }

    private static long power(long base, long exponent) {
        if (base == 0 || base == 1) {
            return exponent == 0 ? 1 : base;
        }
        if (base == -1) {
            return exponent % 2 == 0 ? 1 : -1;
        }
        long result = 1;
        for (long i = 0; i < exponent; i++) { // any other base overflows within 63 steps
            result = Math.multiplyExact(result, base);
        }
        return result;
    }

    private static Object repeat(Object value, long times) {
        long n = Math.max(0, times);
        long length = value instanceof String s ? s.length() : ((List<?>) value).size();
        if (length * n > MAX_REPEAT_LENGTH) {
            throw TemplateRenderException.invalid("repetition longer than " + MAX_REPEAT_LENGTH);
        }
        if (value instanceof String s) {
            return s.repeat((int) n);
        }
        List<Object> out = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            out.addAll((List<?>) value);
        }
        return out;
    }
}
