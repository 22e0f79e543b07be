/**
 * The gateway: Baton's OpenAI-compatible HTTP API. It validates and tokenizes a request (through the tokenizer
 * service), publishes it to baton.requests, and delivers the TokenEvents that come back on the reply partitions it
 * owns. Packages: {@code api} (HTTP routes, OpenAI shapes and errors), {@code publish} (Kafka producer, pipeline
 * availability), {@code replies} (the reply consumer and partition ownership), {@code status} (per-request records,
 * duplicate dropping, rebuilding a request from the logs), {@code tokens} (the tokenizer client and its connections, one per event loop).
 */
package dev.baton.gateway;
