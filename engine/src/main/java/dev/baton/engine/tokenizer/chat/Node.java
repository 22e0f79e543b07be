package dev.baton.engine.tokenizer.chat;

import java.util.List;

/** A parsed template statement. */
sealed interface Node {
    record Text(String text) implements Node {
    }

    /** {@code {{ expression }}}. */
    record Output(Expr expression) implements Node {
    }

    /** if / elif ... / else: the first true condition's body runs, else {@code otherwise}. */
    record If(List<Expr> conditions, List<List<Node>> bodies, List<Node> otherwise) implements Node {
    }

    /**
     * {@code for targets in iterable [if filter]}: one target, or several unpacked from each item
     * ({@code for key, value in d.items()}); {@code otherwise} runs when nothing was iterated.
     */
    record For(List<String> targets, Expr iterable, Expr filter, List<Node> body, List<Node> otherwise, int line)
            implements Node {
    }

    /** {@code set name = value}, or {@code set name.attribute = value} on a namespace. */
    record Set(String name, String attribute, Expr value, int line) implements Node {
    }

    /** {@code {% set name %}body{% endset %}}: captures rendered text. */
    record SetBlock(String name, List<Node> body) implements Node {
    }

    /** {@code {% macro name(parameters) %}}: parameters with optional default values (null when absent). */
    record Macro(String name, List<String> parameters, List<Expr> defaults, List<Node> body) implements Node {
    }

    /** {@code {% do expression %}}: evaluates for its effect, renders nothing. */
    record Do(Expr expression) implements Node {
    }

    /** {@code break} / {@code continue} inside a for loop. */
    record LoopControl(boolean isBreak) implements Node {
    }
}
