package dev.baton.tokenizer.service;

import dev.baton.engine.gguf.GgufFile;
import dev.baton.engine.gguf.GgufMetadata;
import dev.baton.engine.tokenizer.Tokenizer;
import dev.baton.engine.tokenizer.Vocabulary;
import dev.baton.engine.tokenizer.chat.ChatPrompt;
import dev.baton.engine.tokenizer.chat.ChatTemplate;
import dev.baton.engine.tokenizer.chat.TemplateSyntaxException;
import dev.baton.proto.ModelInfoResponse;
import dev.baton.proto.SpecialToken;
import io.grpc.Status;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * The vocabulary the service answers for, loaded once at startup from {@code baton.tokenizer.model}. Only GGUF
 * metadata is read; the file is unmapped again once the tokenizer is built. A file that cannot be loaded stops the
 * service at startup with the reason, instead of leaving a process that answers nothing.
 */
@Startup
@ApplicationScoped
public class ServedModel {
    private static final Logger LOG = Logger.getLogger(ServedModel.class);

    private final TokenizerServiceConfig config;
    private volatile Loaded loaded;

    /**
     * What one load produced; immutable, shared by all requests. {@code chatTemplateProblem} is null unless the file's
     * chat template could not be parsed, in which case {@code chatTemplate} is null and chat calls fail with the reason.
     */
    record Loaded(Tokenizer tokenizer, ModelInfoResponse info, ChatTemplate chatTemplate, String chatTemplateProblem) {
    }

    ServedModel(TokenizerServiceConfig config) {
        this.config = config;
    }

    @PostConstruct
    void load() {
        Path path = config.model();
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("baton.tokenizer.model: no such file " + path.toAbsolutePath());
        }
        long started = System.nanoTime();
        String templateFromFile = readChatTemplateFile();
        try (GgufFile file = GgufFile.open(path)) {
            GgufMetadata metadata = file.metadata();
            Tokenizer tokenizer = Tokenizer.fromGguf(metadata);
            String source = templateFromFile != null ? templateFromFile
                    : metadata.optString("tokenizer.chat_template").orElse(null);
            ModelInfoResponse info = describe(path, metadata, tokenizer.vocabulary(), source != null);
            ChatTemplate template = null;
            String problem = null;
            try {
                template = ChatPrompt.templateFor(source, tokenizer.vocabulary());
            } catch (TemplateSyntaxException e) {
                // Encoding still works; only chat calls are refused, with this reason.
                problem = e.getMessage();
                LOG.warnf("%s: the chat template cannot be used, ApplyChatTemplate will fail: %s",
                        config.chatTemplate().orElse(path), problem);
            }
            loaded = new Loaded(tokenizer, info, template, problem);
        } catch (IOException e) {
            throw new UncheckedIOException("baton.tokenizer.model: cannot read " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("baton.tokenizer.model: cannot load a tokenizer from " + path + ": "
                    + e.getMessage(), e);
        }
        LOG.infof("tokenizer for %s loaded from %s in %d ms (%d tokens)", loaded.info().getModel(), path,
                (System.nanoTime() - started) / 1_000_000, loaded.info().getVocabSize());
    }

    /** The text of the {@code baton.tokenizer.chat-template} file, or null when none is configured. */
    private String readChatTemplateFile() {
        if (config.chatTemplate().isEmpty()) {
            return null;
        }
        Path file = config.chatTemplate().get();
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("baton.tokenizer.chat-template: cannot read " + file.toAbsolutePath()
                    + " as UTF-8 text (" + e + ")", e);
        }
    }

    /** True once the vocabulary is loaded (readiness). */
    public boolean isLoaded() {
        return loaded != null;
    }

    /** The loaded vocabulary; UNAVAILABLE if a call arrives before loading finished. */
    Loaded get() {
        Loaded current = loaded;
        if (current == null) {
            throw Status.UNAVAILABLE.withDescription("the tokenizer is still loading").asRuntimeException();
        }
        return current;
    }

    private static ModelInfoResponse describe(Path path, GgufMetadata metadata, Vocabulary vocabulary, boolean hasTemplate) {
        String architecture = metadata.optString("general.architecture").orElse("");
        String fileName = path.getFileName().toString();
        String name = metadata.optString("general.name").filter(s -> !s.isBlank())
                .orElse(fileName.endsWith(".gguf") ? fileName.substring(0, fileName.length() - 5) : fileName);
        long contextLength = architecture.isEmpty() ? 0
                : metadata.optLong(architecture + ".context_length").orElse(0);
        ModelInfoResponse.Builder info = ModelInfoResponse.newBuilder()
                .setModel(name)
                .setArchitecture(architecture)
                .setTokenizerModel(vocabulary.model())
                .setVocabSize(vocabulary.size())
                .setBosId(vocabulary.bos())
                .setEosId(vocabulary.eos())
                .setEotId(vocabulary.eot())
                .setContextLength((int) Math.min(Integer.MAX_VALUE, Math.max(0, contextLength)))
                .setChatTemplatePresent(hasTemplate);
        for (int id : vocabulary.endOfGenerationIds()) {
            info.addEndOfGenerationIds(id);
        }
        for (int id : vocabulary.specialTokenIds()) {
            info.addSpecialTokens(SpecialToken.newBuilder().setId(id).setText(vocabulary.tokenText(id)));
        }
        return info.build();
    }
}
