/**
 * Chat templates: a conversation ({@link dev.baton.engine.tokenizer.chat.ChatMessage}s) rendered into the prompt a
 * model was trained on by its {@code tokenizer.chat_template}, with the semantics of Hugging Face's
 * {@code apply_chat_template}, and tokenized as llama.cpp's server does ({@link dev.baton.engine.tokenizer.chat.ChatPrompt}).
 * <p>
 * The template language is a Jinja subset interpreted here: {@code TemplateLexer} (text, tags, whitespace control)
 * feeds {@code TemplateParser} (statements {@link dev.baton.engine.tokenizer.chat.Node}, expressions
 * {@link dev.baton.engine.tokenizer.chat.Expr}), which {@code TemplateRenderer} runs with Python's value semantics
 * ({@code JinjaValues}, {@code JinjaOperators}, {@code PythonMethods}, {@code TemplateFilters}, {@code TemplateTests}).
 * Models without a template get {@link dev.baton.engine.tokenizer.chat.ChatTemplate#plainFallback()}.
 */
package dev.baton.engine.tokenizer.chat;
