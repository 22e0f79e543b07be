package dev.baton.loadgen;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * What the load generator takes from one streamed chunk: the first choice's text, the usage's completion tokens
 * and Baton's {@code timings.prefill_ms}, or the error's message. The chunk is read with a streaming parser,
 * which checks all of its JSON as a client's parser would, but builds no tree: bench-http runs on the same cores
 * as the system it measures, so what it spends per token is taken from the measured figure.
 *
 * @param text the first choice's {@code text} ("" when absent)
 * @param completionTokens {@code usage.completion_tokens}, or -1 without usage
 * @param prefillMs {@code usage.timings.prefill_ms}, or -1
 * @param error {@code error.message} (or "" when the error has none), null when the chunk is not an error
 */
record StreamChunk(String text, int completionTokens, long prefillMs, String error) {
    private static final JsonFactory JSON = new JsonFactory();

    /** Parses one {@code data:} payload; an IOException when it is not a JSON object. */
    static StreamChunk parse(String data) throws IOException {
        try (JsonParser parser = JSON.createParser(data)) {
            String text = "";
            int completionTokens = -1;
            long prefillMs = -1;
            String error = null;
            expect(parser.nextToken(), JsonToken.START_OBJECT, parser);
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "choices" -> text = firstChoiceText(parser, value);
                    case "usage" -> {
                        Usage usage = usage(parser, value);
                        completionTokens = usage.completionTokens;
                        prefillMs = usage.prefillMs;
                    }
                    case "error" -> error = errorMessage(parser, value);
                    default -> parser.skipChildren();
                }
            }
            expect(parser.currentToken(), JsonToken.END_OBJECT, parser);
            if (parser.nextToken() != null) {
                throw new IOException("text after the chunk's JSON object");
            }
            return new StreamChunk(text, completionTokens, prefillMs, error);
        }
    }

    private static String firstChoiceText(JsonParser parser, JsonToken value) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            parser.skipChildren();
            return "";
        }
        String text = "";
        boolean first = true;
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            if (first && parser.currentToken() == JsonToken.START_OBJECT) {
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    JsonToken member = parser.nextToken();
                    if (field.equals("text") && member == JsonToken.VALUE_STRING) {
                        text = parser.getText();
                    } else {
                        parser.skipChildren();
                    }
                }
            } else {
                parser.skipChildren();
            }
            first = false;
        }
        return text;
    }

    private record Usage(int completionTokens, long prefillMs) {
    }

    private static Usage usage(JsonParser parser, JsonToken value) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return new Usage(-1, -1);
        }
        int completionTokens = -1;
        long prefillMs = -1;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken member = parser.nextToken();
            if (field.equals("completion_tokens") && member == JsonToken.VALUE_NUMBER_INT) {
                completionTokens = parser.getIntValue();
            } else if (field.equals("timings") && member == JsonToken.START_OBJECT) {
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String timing = parser.currentName();
                    if (parser.nextToken() == JsonToken.VALUE_NUMBER_INT && timing.equals("prefill_ms")) {
                        prefillMs = parser.getLongValue();
                    } else {
                        parser.skipChildren();
                    }
                }
            } else {
                parser.skipChildren();
            }
        }
        return new Usage(completionTokens, prefillMs);
    }

    private static String errorMessage(JsonParser parser, JsonToken value) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            String text = value.isScalarValue() ? parser.getText() : "";
            parser.skipChildren();
            return text;
        }
        String message = "";
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            if (parser.nextToken() == JsonToken.VALUE_STRING && field.equals("message")) {
                message = parser.getText();
            } else {
                parser.skipChildren();
            }
        }
        return message;
    }

    private static void expect(JsonToken actual, JsonToken expected, JsonParser parser) throws IOException {
        if (actual != expected) {
            throw new IOException("expected " + expected + " in a stream chunk, got " + actual + " at "
                    + parser.currentLocation());
        }
    }
}
