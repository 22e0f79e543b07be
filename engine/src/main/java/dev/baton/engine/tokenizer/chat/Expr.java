package dev.baton.engine.tokenizer.chat;

import java.util.List;

/** A parsed template expression. {@code line} is where it starts, for error messages. */
sealed interface Expr {
    int line();

    record Literal(Object value, int line) implements Expr {
    }

    record Name(String name, int line) implements Expr {
    }

    /** {@code target.name}: an attribute, or for mappings the item of that key. */
    record Attribute(Expr target, String name, int line) implements Expr {
    }

    /** {@code target[key]}. */
    record Item(Expr target, Expr key, int line) implements Expr {
    }

    /** {@code target[start:stop:step]}; absent bounds are null. */
    record Slice(Expr target, Expr start, Expr stop, Expr step, int line) implements Expr {
    }

    record Call(Expr function, Arguments arguments, int line) implements Expr {
    }

    /** {@code target | name(arguments)}. */
    record Filter(Expr target, String name, Arguments arguments, int line) implements Expr {
    }

    /** {@code target is [not] name(arguments)}. */
    record Test(Expr target, String name, Arguments arguments, boolean negated, int line) implements Expr {
    }

    /** Arithmetic, comparison, membership ({@code in}, {@code not in}), concatenation ({@code ~}). */
    record Binary(String operator, Expr left, Expr right, int line) implements Expr {
    }

    record And(Expr left, Expr right, int line) implements Expr {
    }

    record Or(Expr left, Expr right, int line) implements Expr {
    }

    /** {@code not x}, {@code -x}, {@code +x}. */
    record Unary(String operator, Expr operand, int line) implements Expr {
    }

    /** {@code then if condition else otherwise}; a missing else yields undefined. */
    record Conditional(Expr condition, Expr then, Expr otherwise, int line) implements Expr {
    }

    /** A list literal, or a tuple (templates use both alike). */
    record ListLiteral(List<Expr> items, int line) implements Expr {
    }

    record DictLiteral(List<Expr> keys, List<Expr> values, int line) implements Expr {
    }

    /** Call arguments: positional, then named. */
    record Arguments(List<Expr> positional, List<String> names, List<Expr> named) {
        static final Arguments NONE = new Arguments(List.of(), List.of(), List.of());
    }
}
