/**
 * The tokenizer service: the gRPC {@code TokenizerService} over the engine's tokenizer and chat templates, for the
 * vocabulary of one GGUF file ({@code baton.tokenizer.model}). Input is validated here (size, UTF-8, roles, id range)
 * so the engine only ever sees well-formed requests.
 */
package dev.baton.tokenizer.service;
