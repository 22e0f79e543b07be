package dev.baton.loadgen;

import java.net.URI;
import java.time.Duration;

/**
 * What one {@code bin/baton bench-http} run does.
 *
 * @param url         the gateway's base URL
 * @param concurrency clients streaming at once
 * @param requests    measured requests in all (shared by the clients)
 * @param warmup      requests sent before measuring (JIT, connections), not counted
 * @param maxTokens   tokens each request generates (end-of-generation ignored, so every request generates exactly this many)
 * @param prompt      the prompt text
 * @param model       the model name, or null to take the first of GET /v1/models
 * @param apiKey      bearer key, or null
 * @param timeout     longest wait for the server: to connect, and between two reads of a response
 * @param json        print one JSON object instead of a table
 */
record BenchOptions(URI url, int concurrency, int requests, int warmup, int maxTokens, String prompt, String model,
                    String apiKey, Duration timeout, boolean json) {

    static final String USAGE = """
            usage: bin/baton bench-http [--url http://127.0.0.1:8080] [--concurrency C] [--requests R] [--warmup W]
                                        [--max-tokens N] [--prompt TEXT] [--model NAME] [--api-key KEY]
                                        [--timeout-s S] [--json]
              C concurrent streaming clients send R requests in all (default 4 per client) to /v1/completions,
              greedy, ignoring end-of-generation, N tokens each (default 64), after W warm-up requests (default C).
              Reports time to first token and inter-token latency (p50/p99) and aggregate generated tokens/s.""";

    static BenchOptions parse(String[] args) {
        URI url = URI.create("http://127.0.0.1:8080");
        int concurrency = 1;
        Integer requests = null;
        Integer warmup = null;
        int maxTokens = 64;
        String prompt = "Once upon a time";
        String model = null;
        String apiKey = System.getenv("BATON_API_KEY");
        int timeoutSeconds = 300;
        boolean json = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--json" -> json = true;
                case "--url" -> url = URI.create(value(args, ++i, arg).replaceAll("/+$", ""));
                case "--concurrency" -> concurrency = positive(value(args, ++i, arg), arg);
                case "--requests" -> requests = positive(value(args, ++i, arg), arg);
                case "--warmup" -> warmup = nonNegative(value(args, ++i, arg), arg);
                case "--max-tokens" -> maxTokens = positive(value(args, ++i, arg), arg);
                case "--prompt" -> prompt = value(args, ++i, arg);
                case "--model" -> model = value(args, ++i, arg);
                case "--api-key" -> apiKey = value(args, ++i, arg);
                case "--timeout-s" -> timeoutSeconds = positive(value(args, ++i, arg), arg);
                default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
            }
        }
        return new BenchOptions(url, concurrency, requests != null ? requests : 4 * concurrency,
                warmup != null ? warmup : concurrency, maxTokens, prompt, model, apiKey,
                Duration.ofSeconds(timeoutSeconds), json);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int positive(String value, String option) {
        int n = nonNegative(value, option);
        if (n == 0) {
            throw new IllegalArgumentException(option + " must be at least 1");
        }
        return n;
    }

    private static int nonNegative(String value, String option) {
        try {
            int n = Integer.parseInt(value);
            if (n < 0) {
                throw new IllegalArgumentException(option + " must not be negative");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " expects a number, got '" + value + "'");
        }
    }
}
