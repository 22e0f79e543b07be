package dev.baton.engine.gguf;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.baton.engine.SharedFiles;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Mutates the shared model files (truncations, bit flips in the header region, huge values spliced into length and
 * count fields) and asserts that every mutant either parses or is refused with {@link GgufFormatException}.
 * Each case is reproducible from its printed (file, case) pair alone.
 */
class GgufFuzzTest {
    private static final long SEED = 0x6775_6766L;
    /**
     * Cases per file; fewer for files with large data sections, where misframed strings decode megabytes of tensor
     * bytes and cost the most, while exercising the same header paths.
     */
    private static int casesFor(long fileBytes) {
        return fileBytes <= (4 << 20) ? 1_000 : 400;
    }
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long[] NASTY = {-1L, Long.MIN_VALUE, Long.MAX_VALUE, 0xFFFF_FFFFL, 0x8000_0000L,
            0x7FFF_FFFFL, 1L << 32, 1L << 40, 0, 1, 3, 4};

    @Test
    void mutantsParseOrFailWithGgufFormatExceptionOnly() throws IOException {
        List<Path> files;
        try (Stream<Path> top = Files.list(SharedFiles.root().resolve("models"));
                Stream<Path> kquant = Files.list(SharedFiles.root().resolve("models/kquant"))) {
            files = Stream.concat(top, kquant).filter(p -> p.toString().endsWith(".gguf")).sorted().toList();
        }
        assertTrue(files.size() >= 10, "shared models found: " + files);
        int cases = 0;
        int refused = 0;
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            MemorySegment image = MemorySegment.ofArray(bytes);
            long headerEnd = GgufFile.parse(image).dataOffset();
            long[] lengthFields = likelyLengthFields(image, headerEnd);
            for (int c = 0; c < casesFor(bytes.length); c++) {
                SplittableRandom random = new SplittableRandom(SEED ^ ((long) file.getFileName().hashCode() << 20) ^ c);
                Mutant mutant = mutate(image, headerEnd, lengthFields, random);
                try {
                    exercise(GgufFile.parse(mutant.segment()));
                } catch (GgufFormatException expected) {
                    refused++;
                } catch (Throwable t) {
                    fail("file " + file.getFileName() + " case " + c + " (" + mutant.description() + "): " + t, t);
                } finally {
                    mutant.undo().run();
                }
                cases++;
            }
        }
        assertTrue(cases >= 10_000, "cases: " + cases);
        assertTrue(refused > cases / 4, "most mutants should be refused, only " + refused + " of " + cases + " were");
    }

    private record Mutant(MemorySegment segment, String description, Runnable undo) {
    }

    /** Mutates {@code image} in place (or slices it); {@code undo} restores the original bytes. */
    private static Mutant mutate(MemorySegment image, long headerEnd, long[] lengthFields, SplittableRandom r) {
        long size = image.byteSize();
        switch (r.nextInt(4)) {
            case 0 -> {
                long at = r.nextInt(4) == 0 ? r.nextLong(size) : r.nextLong(headerEnd + 1);
                return new Mutant(image.asSlice(0, at), "truncated to " + at, () -> { });
            }
            case 1 -> {
                int flips = 1 + r.nextInt(8);
                long[] at = new long[flips];
                byte[] old = new byte[flips];
                StringBuilder d = new StringBuilder("bit flips at");
                for (int i = 0; i < flips; i++) {
                    at[i] = r.nextInt(8) == 0 ? r.nextLong(size) : r.nextLong(headerEnd);
                    old[i] = image.get(ValueLayout.JAVA_BYTE, at[i]);
                    d.append(' ').append(at[i]);
                }
                for (int i = 0; i < flips; i++) {
                    byte b = image.get(ValueLayout.JAVA_BYTE, at[i]);
                    image.set(ValueLayout.JAVA_BYTE, at[i], (byte) (b ^ (1 << r.nextInt(8))));
                }
                return new Mutant(image, d.toString(), () -> {
                    for (int i = flips - 1; i >= 0; i--) {
                        image.set(ValueLayout.JAVA_BYTE, at[i], old[i]);
                    }
                });
            }
            case 2 -> {
                long at = lengthFields[r.nextInt(lengthFields.length)];
                long value = r.nextBoolean() ? NASTY[r.nextInt(NASTY.length)] : r.nextLong();
                if (r.nextBoolean()) {
                    value = image.get(U64, at) + r.nextInt(-64, 65);
                }
                long old = image.get(U64, at);
                image.set(U64, at, value);
                return new Mutant(image, "u64 " + Long.toUnsignedString(value) + " at " + at,
                        () -> image.set(U64, at, old));
            }
            default -> {
                long at = r.nextLong(headerEnd - 3);
                int value = (int) NASTY[r.nextInt(NASTY.length)];
                int old = image.get(U32, at);
                image.set(U32, at, value);
                return new Mutant(image, "u32 " + Integer.toUnsignedString(value) + " at " + at,
                        () -> image.set(U32, at, old));
            }
        }
    }

    /**
     * Positions in the header region holding a small non-zero u64: GGUF's counts, string lengths, array lengths,
     * dimensions and offsets look like that, while string bytes and floats almost never do.
     */
    private static long[] likelyLengthFields(MemorySegment image, long headerEnd) {
        List<Long> at = new ArrayList<>();
        for (long p = 0; p + 8 <= headerEnd; p++) {
            long v = image.get(U64, p);
            if (v > 0 && v < (1L << 26)) {
                at.add(p);
            }
        }
        return at.stream().mapToLong(Long::longValue).toArray();
    }

    /** Touches everything a loader would, so lazy failures surface here too. */
    private static void exercise(GgufFile f) {
        GgufMetadata m = f.metadata();
        for (var e : m.asMap().entrySet()) {
            String key = e.getKey();
            switch (m.type(key)) {
                case STRING -> m.getString(key);
                case FLOAT32, FLOAT64 -> m.getFloat(key);
                case BOOL -> m.getBoolean(key);
                case ARRAY -> {
                    GgufArray a = m.getArray(key);
                    if (a.size() > 0) {
                        a.element(a.size() - 1);
                    }
                    a.toString();
                }
                default -> m.optLong(key);
            }
        }
        for (GgufTensorInfo t : f.tensors()) {
            MemorySegment data = f.tensorData(t);
            if (data.byteSize() > 0) {
                data.get(ValueLayout.JAVA_BYTE, data.byteSize() - 1);
            }
            t.elementCount();
        }
    }
}
