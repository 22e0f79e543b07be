package dev.baton.engine.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.tokenizer.Tokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code baton tokenize --model M (--text TEXT | --jsonl) [--bos] [--special]}: token ids as a JSON array, for one
 * text or for each JSON string read from stdin (one per line, one array per line). {@code --bos} adds the special
 * tokens the model puts around a prompt (BOS for Llama-family vocabularies); {@code --special} recognizes control
 * tokens written in the text. A line that is not a JSON string stops the run with an error naming the line, after
 * the arrays of the lines before it.
 */
final class TokenizeCommand implements CliCommand {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Supplier<InputStream> stdin;

    TokenizeCommand() {
        this(() -> System.in);
    }

    TokenizeCommand(Supplier<InputStream> stdin) {
        this.stdin = stdin;
    }

    @Override
    public String name() {
        return "tokenize";
    }

    @Override
    public String usage() {
        return "tokenize --model M (--text TEXT | --jsonl) [--bos] [--special]";
    }

    @Override
    public Set<String> valueFlags() {
        return Set.of("model", "text");
    }

    @Override
    public Set<String> switches() {
        return Set.of("jsonl", "bos", "special");
    }

    @Override
    public int run(CliArgs args, PrintStream out, PrintStream err) throws Exception {
        Path model = Path.of(args.required("model"));
        boolean jsonl = args.has("jsonl");
        if (jsonl == args.value("text").isPresent()) {
            throw new CliUsageException("give exactly one of --text TEXT and --jsonl");
        }
        if (!args.positionals().isEmpty()) {
            throw new CliUsageException("unexpected argument '" + args.positionals().getFirst() + "'");
        }
        Tokenizer tokenizer = Tokenizer.fromGguf(model);
        boolean bos = args.has("bos");
        boolean special = args.has("special");
        if (!jsonl) {
            out.println(toJson(tokenizer.encode(args.required("text"), bos, special)));
            return 0;
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(stdin.get(), StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)));
        long lineNumber = 0;
        while (true) {
            String line;
            try {
                line = in.readLine();
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException("stdin line " + (lineNumber + 1) + ": not valid UTF-8");
            }
            if (line == null) {
                break;
            }
            lineNumber++;
            out.println(toJson(tokenizer.encode(jsonString(line, lineNumber), bos, special)));
        }
        out.flush();
        return 0;
    }

    private static String jsonString(String line, long lineNumber) throws IOException {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("stdin line " + lineNumber + ": not a JSON string ("
                    + e.getOriginalMessage() + ")");
        }
        if (node == null || node.isMissingNode() || !node.isTextual()) {
            throw new IllegalArgumentException("stdin line " + lineNumber + ": expected a JSON string, found "
                    + (node == null || node.isMissingNode() ? "an empty line" : node.getNodeType().toString().toLowerCase()));
        }
        return node.textValue();
    }

    static String toJson(int[] ids) {
        StringBuilder sb = new StringBuilder(ids.length * 6 + 2).append('[');
        for (int i = 0; i < ids.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(ids[i]);
        }
        return sb.append(']').toString();
    }
}
