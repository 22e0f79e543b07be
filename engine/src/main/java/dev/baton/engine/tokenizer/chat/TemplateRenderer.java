package dev.baton.engine.tokenizer.chat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a parsed template against a context. Scoping follows Jinja: each for-loop iteration and each macro call has
 * its own variables, so a {@code set} inside them is not seen outside (that is what {@code namespace} is for), while
 * {@code if} blocks share their surroundings. Output and work are bounded so that a hostile template or a huge
 * conversation fails cleanly instead of exhausting memory or the stack.
 */
final class TemplateRenderer {
    /** Largest rendered prompt, in chars. */
    static final int MAX_OUTPUT_CHARS = 64 << 20;
    /** Longest list {@code range()} builds. */
    private static final int MAX_RANGE = 1 << 20;
    private static final int MAX_MACRO_DEPTH = 64;

    private StringBuilder out = new StringBuilder();
    private int macroDepth;

    private enum Flow { NORMAL, BREAK, CONTINUE }

    /** Variables of one scope; lookups fall back to the enclosing scope. */
    private static final class Scope {
        final Map<String, Object> variables = new HashMap<>();
        final Scope parent;

        Scope(Scope parent) {
            this.parent = parent;
        }

        Object lookup(String name) {
            for (Scope s = this; s != null; s = s.parent) {
                if (s.variables.containsKey(name)) {
                    return s.variables.get(name);
                }
            }
            return new JinjaValues.Undefined(name);
        }
    }

    private TemplateRenderer() {
    }

    static String render(List<Node> program, Map<String, Object> context) {
        Scope globals = new Scope(null);
        globals.variables.put("raise_exception", (TemplateCallable) (args, named) -> {
            throw TemplateRenderException.raised(args.isEmpty() ? "the chat template refused the conversation"
                    : JinjaValues.str(args.getFirst()));
        });
        globals.variables.put("range", (TemplateCallable) TemplateRenderer::range);
        globals.variables.put("namespace", (TemplateCallable) TemplateRenderer::namespace);
        globals.variables.put("dict", (TemplateCallable) (args, named) -> new LinkedHashMap<>(named));
        globals.variables.putAll(context);
        TemplateRenderer renderer = new TemplateRenderer();
        Flow flow = renderer.run(program, new Scope(globals));
        if (flow != Flow.NORMAL) {
            throw TemplateRenderException.invalid("{% break %} or {% continue %} outside a loop");
        }
        return renderer.out.toString();
    }

    private Flow run(List<Node> nodes, Scope scope) {
        for (Node node : nodes) {
            Flow flow = run(node, scope);
            if (flow != Flow.NORMAL) {
                return flow;
            }
        }
        return Flow.NORMAL;
    }

    private Flow run(Node node, Scope scope) {
        switch (node) {
            case Node.Text t -> emit(t.text());
            case Node.Output o -> emit(JinjaValues.str(eval(o.expression(), scope)));
            case Node.If i -> {
                for (int k = 0; k < i.conditions().size(); k++) {
                    if (JinjaValues.truthy(eval(i.conditions().get(k), scope))) {
                        return run(i.bodies().get(k), scope);
                    }
                }
                return run(i.otherwise(), scope);
            }
            case Node.For f -> {
                return loop(f, scope);
            }
            case Node.Set s -> assign(s, eval(s.value(), scope), scope);
            case Node.SetBlock b -> scope.variables.put(b.name(), capture(b.body(), scope));
            case Node.Macro m -> scope.variables.put(m.name(), macro(m, scope));
            case Node.Do d -> eval(d.expression(), scope);
            case Node.LoopControl c -> {
                return c.isBreak() ? Flow.BREAK : Flow.CONTINUE;
            }
        }
        return Flow.NORMAL;
    }

    private void emit(String text) {
        if (out.length() + (long) text.length() > MAX_OUTPUT_CHARS) {
            throw TemplateRenderException.invalid("the rendered prompt exceeds " + MAX_OUTPUT_CHARS + " chars");
        }
        out.append(text);
    }

    private Flow loop(Node.For f, Scope scope) {
        List<?> all = JinjaValues.iterate(eval(f.iterable(), scope));
        List<Object> items = new ArrayList<>(all.size());
        for (Object item : all) {
            if (f.filter() == null) {
                items.add(item);
                continue;
            }
            Scope probe = new Scope(scope);
            bind(f, item, probe);
            if (JinjaValues.truthy(eval(f.filter(), probe))) {
                items.add(item);
            }
        }
        for (int i = 0; i < items.size(); i++) {
            Scope iteration = new Scope(scope);
            bind(f, items.get(i), iteration);
            iteration.variables.put("loop", new LoopState(items, i));
            if (run(f.body(), iteration) == Flow.BREAK) {
                break;
            }
        }
        return items.isEmpty() ? run(f.otherwise(), scope) : Flow.NORMAL;
    }

    private static void bind(Node.For f, Object item, Scope scope) {
        if (f.targets().size() == 1) {
            scope.variables.put(f.targets().getFirst(), item);
            return;
        }
        List<?> parts = item instanceof List<?> l ? l : null;
        if (parts == null || parts.size() != f.targets().size()) {
            throw TemplateRenderException.invalid("line " + f.line() + ": cannot unpack " + JinjaValues.typeName(item)
                    + " into " + f.targets().size() + " loop variables");
        }
        for (int k = 0; k < parts.size(); k++) {
            scope.variables.put(f.targets().get(k), parts.get(k));
        }
    }

    private static void assign(Node.Set s, Object value, Scope scope) {
        if (s.attribute() == null) {
            scope.variables.put(s.name(), value);
            return;
        }
        if (!(scope.lookup(s.name()) instanceof Namespace ns)) {
            throw TemplateRenderException.invalid("line " + s.line() + ": cannot set attribute '" + s.attribute()
                    + "' of '" + s.name() + "', which is not a namespace()");
        }
        ns.values().put(s.attribute(), value);
    }

    /** Renders {@code body} into a string instead of the output. */
    private String capture(List<Node> body, Scope scope) {
        StringBuilder saved = out;
        out = new StringBuilder();
        try {
            run(body, scope);
            return out.toString();
        } finally {
            out = saved;
        }
    }

    private TemplateCallable macro(Node.Macro m, Scope definedIn) {
        return (args, named) -> {
            if (args.size() > m.parameters().size()) {
                throw TemplateRenderException.invalid("macro '" + m.name() + "' takes " + m.parameters().size()
                        + " arguments, got " + args.size());
            }
            if (++macroDepth > MAX_MACRO_DEPTH) {
                throw TemplateRenderException.invalid("macro '" + m.name() + "' recurses too deeply");
            }
            try {
                Scope call = new Scope(definedIn);
                for (int k = 0; k < m.parameters().size(); k++) {
                    String parameter = m.parameters().get(k);
                    Expr fallback = m.defaults().get(k);
                    Object value = k < args.size() ? args.get(k) : named.containsKey(parameter) ? named.get(parameter)
                            : fallback != null ? eval(fallback, call) : new JinjaValues.Undefined(parameter);
                    call.variables.put(parameter, value);
                }
                return capture(m.body(), call);
            } finally {
                macroDepth--;
            }
        };
    }

    private Object eval(Expr e, Scope scope) {
        return switch (e) {
            case Expr.Literal l -> l.value();
            case Expr.Name n -> scope.lookup(n.name());
            case Expr.Attribute a -> ValueAccess.attribute(eval(a.target(), scope), a.name());
            case Expr.Item i -> ValueAccess.item(eval(i.target(), scope), eval(i.key(), scope));
            case Expr.Slice s -> ValueAccess.slice(eval(s.target(), scope), optional(s.start(), scope),
                    optional(s.stop(), scope), optional(s.step(), scope));
            case Expr.Call c -> call(c, scope);
            case Expr.Filter f -> TemplateFilters.apply(f.name(), eval(f.target(), scope),
                    positional(f.arguments(), scope), named(f.arguments(), scope));
            case Expr.Test t -> t.negated() != TemplateTests.test(t.name(), eval(t.target(), scope),
                    positional(t.arguments(), scope));
            case Expr.Binary b -> JinjaOperators.apply(b.operator(), eval(b.left(), scope), eval(b.right(), scope));
            case Expr.And a -> {
                Object left = eval(a.left(), scope);
                yield JinjaValues.truthy(left) ? eval(a.right(), scope) : left;
            }
            case Expr.Or o -> {
                Object left = eval(o.left(), scope);
                yield JinjaValues.truthy(left) ? left : eval(o.right(), scope);
            }
            case Expr.Unary u -> JinjaOperators.unary(u.operator(), eval(u.operand(), scope));
            case Expr.Conditional c -> JinjaValues.truthy(eval(c.condition(), scope)) ? eval(c.then(), scope)
                    : c.otherwise() == null ? new JinjaValues.Undefined("conditional") : eval(c.otherwise(), scope);
            case Expr.ListLiteral l -> {
                List<Object> items = new ArrayList<>(l.items().size());
                for (Expr item : l.items()) {
                    items.add(eval(item, scope));
                }
                yield items;
            }
            case Expr.DictLiteral d -> {
                Map<Object, Object> map = new LinkedHashMap<>();
                for (int k = 0; k < d.keys().size(); k++) {
                    map.put(eval(d.keys().get(k), scope), eval(d.values().get(k), scope));
                }
                yield map;
            }
        };
    }

    private Object optional(Expr e, Scope scope) {
        return e == null ? null : eval(e, scope);
    }

    private Object call(Expr.Call c, Scope scope) {
        Object function = eval(c.function(), scope);
        if (function instanceof JinjaValues.Undefined u) {
            throw TemplateRenderException.invalid("line " + c.line() + ": '" + u.name() + "' is undefined");
        }
        if (!(function instanceof TemplateCallable callable)) {
            throw TemplateRenderException.invalid("line " + c.line() + ": " + JinjaValues.typeName(function)
                    + " is not callable");
        }
        return callable.call(positional(c.arguments(), scope), named(c.arguments(), scope));
    }

    private List<Object> positional(Expr.Arguments arguments, Scope scope) {
        List<Object> values = new ArrayList<>(arguments.positional().size());
        for (Expr e : arguments.positional()) {
            values.add(eval(e, scope));
        }
        return values;
    }

    private Map<String, Object> named(Expr.Arguments arguments, Scope scope) {
        if (arguments.names().isEmpty()) {
            return Map.of();
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (int k = 0; k < arguments.names().size(); k++) {
            values.put(arguments.names().get(k), eval(arguments.named().get(k), scope));
        }
        return values;
    }

    private static Object range(List<Object> args, Map<String, Object> named) {
        if (args.isEmpty() || args.size() > 3) {
            throw TemplateRenderException.invalid("range takes 1 to 3 integers");
        }
        long start = args.size() == 1 ? 0 : JinjaValues.asLong(args.get(0));
        long stop = JinjaValues.asLong(args.get(args.size() == 1 ? 0 : 1));
        long step = args.size() == 3 ? JinjaValues.asLong(args.get(2)) : 1;
        if (step == 0) {
            throw TemplateRenderException.invalid("range step cannot be zero");
        }
        List<Object> values = new ArrayList<>();
        for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
            if (values.size() == MAX_RANGE) {
                throw TemplateRenderException.invalid("range longer than " + MAX_RANGE);
            }
            values.add(i);
        }
        return values;
    }

    private static Object namespace(List<Object> args, Map<String, Object> named) {
        Namespace ns = new Namespace();
        for (Object initial : args) {
            if (initial instanceof Map<?, ?> m) {
                m.forEach((k, v) -> ns.values().put(JinjaValues.str(k), v));
            }
        }
        ns.values().putAll(named);
        return ns;
    }
}
