package dev.baton.engine.tokenizer.chat;

import java.util.List;
import java.util.Map;

/** Something a template can call: a global function, a macro, or a method bound to a value. */
@FunctionalInterface
interface TemplateCallable {
    Object call(List<Object> positional, Map<String, Object> named);
}
