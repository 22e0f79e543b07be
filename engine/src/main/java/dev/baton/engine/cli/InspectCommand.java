package dev.baton.engine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.engine.gguf.GgufArray;
import dev.baton.engine.gguf.GgufFile;
import dev.baton.engine.gguf.GgufMetadata;
import dev.baton.engine.gguf.GgufTensorInfo;
import dev.baton.engine.gguf.GgufValueType;
import dev.baton.engine.tensor.GgmlType;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code baton inspect MODEL.gguf [--json] [--full]}: header, metadata and the tensor table with per-type totals.
 * Long arrays and strings are abbreviated unless {@code --full}.
 */
final class InspectCommand implements CliCommand {
    private static final int SHOWN_ELEMENTS = 8;
    private static final int SHOWN_CHARS = 160;

    /** Tensors, weights and bytes of one tensor type (or of all of them, with a null type). */
    record Totals(GgmlType type, int tensors, long weights, long bytes) {
        Totals plus(GgufTensorInfo t) {
            return new Totals(type, tensors + 1, weights + t.elementCount(), bytes + t.byteSize());
        }

        double bitsPerWeight() {
            return weights == 0 ? 0 : 8.0 * bytes / weights;
        }
    }

    @Override
    public String name() {
        return "inspect";
    }

    @Override
    public String usage() {
        return "inspect MODEL.gguf [--json] [--full]";
    }

    @Override
    public Set<String> switches() {
        return Set.of("json", "full");
    }

    @Override
    public int run(CliArgs args, PrintStream out, PrintStream err) throws Exception {
        Path path = Path.of(args.requirePositionals("MODEL.gguf").getFirst());
        boolean full = args.has("full");
        try (GgufFile gguf = GgufFile.open(path)) {
            if (args.has("json")) {
                printJson(path, gguf, full, out);
            } else {
                printText(path, gguf, full, out);
            }
        }
        return 0;
    }

    static Map<GgmlType, Totals> totalsByType(List<GgufTensorInfo> tensors) {
        Map<GgmlType, Totals> byType = new EnumMap<>(GgmlType.class);
        for (GgufTensorInfo t : tensors) {
            byType.computeIfAbsent(t.type(), type -> new Totals(type, 0, 0, 0));
            byType.compute(t.type(), (type, sum) -> sum.plus(t));
        }
        return byType;
    }

    private static Totals total(List<GgufTensorInfo> tensors) {
        Totals all = new Totals(null, 0, 0, 0);
        for (GgufTensorInfo t : tensors) {
            all = all.plus(t);
        }
        return all;
    }

    private static void printText(Path path, GgufFile gguf, boolean full, PrintStream out) {
        GgufMetadata m = gguf.metadata();
        out.printf(Locale.ROOT, "%s: GGUF v%d, %d bytes, %d metadata keys, %d tensors, alignment %d, data at %d%n",
                path, gguf.version(), gguf.byteSize(), m.size(), gguf.tensors().size(), gguf.alignment(),
                gguf.dataOffset());
        out.println();
        out.println("metadata:");
        int keyWidth = Math.min(48, m.asMap().keySet().stream().mapToInt(String::length).max().orElse(0));
        for (var e : m.asMap().entrySet()) {
            GgufValueType type = m.type(e.getKey());
            String typeName = e.getValue() instanceof GgufArray a
                    ? a.elementType().displayName() + "[" + a.size() + "]" : type.displayName();
            out.printf(Locale.ROOT, "  %-" + keyWidth + "s  %-14s %s%n", e.getKey(), typeName,
                    text(type, e.getValue(), full));
        }
        if (gguf.tensors().isEmpty()) {
            out.println();
            out.println("no tensors (vocabulary-only file)");
            return;
        }
        out.println();
        out.println("tensors:");
        int nameWidth = gguf.tensors().stream().mapToInt(t -> t.name().length()).max().orElse(4);
        out.printf(Locale.ROOT, "  %-" + nameWidth + "s  %-7s %-22s %9s %14s%n", "name", "type", "shape", "bits/w",
                "bytes");
        for (GgufTensorInfo t : gguf.tensors()) {
            String shape = Arrays.stream(t.shape()).mapToObj(Long::toString).collect(Collectors.joining(" x "));
            out.printf(Locale.ROOT, "  %-" + nameWidth + "s  %-7s %-22s %9.2f %14d%n", t.name(), t.type(), shape,
                    t.type().bitsPerWeight(), t.byteSize());
        }
        out.println();
        out.println("totals by type:");
        for (Totals s : totalsByType(gguf.tensors()).values()) {
            out.printf(Locale.ROOT, "  %-7s %5d tensors %14d weights %14d bytes %7.2f bits/w%n", s.type(),
                    s.tensors(), s.weights(), s.bytes(), s.bitsPerWeight());
        }
        Totals all = total(gguf.tensors());
        out.printf(Locale.ROOT, "  %-7s %5d tensors %14d weights %14d bytes %7.2f bits/w (%.2f MiB)%n", "total",
                all.tensors(), all.weights(), all.bytes(), all.bitsPerWeight(), all.bytes() / 1048576.0);
    }

    private static String text(GgufValueType type, Object value, boolean full) {
        return switch (value) {
            case String s -> quote(s, full ? Integer.MAX_VALUE : SHOWN_CHARS);
            case GgufArray a -> {
                int shown = full ? a.size() : Math.min(a.size(), SHOWN_ELEMENTS);
                StringBuilder sb = new StringBuilder("[");
                for (int i = 0; i < shown; i++) {
                    sb.append(i == 0 ? "" : ", ").append(text(a.elementType(), a.element(i), full));
                }
                if (shown < a.size()) {
                    sb.append(", ... (").append(a.size()).append(" elements)");
                }
                yield sb.append(']').toString();
            }
            case Long l when type == GgufValueType.UINT64 -> Long.toUnsignedString(l);
            default -> String.valueOf(value);
        };
    }

    /** A string for a terminal: quoted, control characters escaped, shortened past {@code max} characters. */
    private static String quote(String s, int max) {
        StringBuilder sb = new StringBuilder("\"");
        int n = Math.min(s.length(), max);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
        if (n < s.length()) {
            sb.append("... (").append(s.length()).append(" chars)");
        }
        return sb.toString();
    }

    private static void printJson(Path path, GgufFile gguf, boolean full, PrintStream out) throws Exception {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("file", path.toString());
        root.put("bytes", gguf.byteSize());
        root.put("version", gguf.version());
        root.put("alignment", gguf.alignment());
        root.put("data_offset", gguf.dataOffset());
        ObjectNode metadata = root.putObject("metadata");
        GgufMetadata m = gguf.metadata();
        for (var e : m.asMap().entrySet()) {
            ObjectNode entry = metadata.putObject(e.getKey());
            entry.put("type", m.type(e.getKey()).displayName());
            putJsonValue(entry, m.type(e.getKey()), e.getValue(), full);
        }
        ArrayNode tensors = root.putArray("tensors");
        for (GgufTensorInfo t : gguf.tensors()) {
            ObjectNode node = tensors.addObject();
            node.put("name", t.name());
            node.put("type", t.type().name());
            ArrayNode shape = node.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            node.put("bits_per_weight", t.type().bitsPerWeight());
            node.put("bytes", t.byteSize());
            node.put("offset", t.offset());
        }
        ObjectNode totals = root.putObject("totals");
        ArrayNode byType = totals.putArray("by_type");
        for (Totals s : totalsByType(gguf.tensors()).values()) {
            putTotals(byType.addObject().put("type", s.type().name()), s);
        }
        putTotals(totals, total(gguf.tensors()));
        out.println(mapper.writeValueAsString(root));
    }

    private static void putTotals(ObjectNode node, Totals s) {
        node.put("tensors", s.tensors());
        node.put("weights", s.weights());
        node.put("bytes", s.bytes());
        node.put("bits_per_weight", s.bitsPerWeight());
    }

    /** Adds {@code value} (and for arrays {@code element_type}, {@code count}, {@code truncated}) to {@code node}. */
    private static void putJsonValue(ObjectNode node, GgufValueType type, Object value, boolean full) {
        if (value instanceof GgufArray a) {
            node.put("element_type", a.elementType().displayName());
            node.put("count", a.size());
            int shown = full ? a.size() : Math.min(a.size(), SHOWN_ELEMENTS);
            node.put("truncated", shown < a.size());
            ArrayNode values = node.putArray("value");
            for (int i = 0; i < shown; i++) {
                Object element = a.element(i);
                if (element instanceof GgufArray) {
                    ObjectNode nested = values.addObject();
                    nested.put("type", "array");
                    putJsonValue(nested, GgufValueType.ARRAY, element, full);
                } else {
                    addJsonScalar(values, a.elementType(), element);
                }
            }
            return;
        }
        ArrayNode holder = node.arrayNode();
        addJsonScalar(holder, type, value);
        node.set("value", holder.get(0));
    }

    private static void addJsonScalar(ArrayNode into, GgufValueType type, Object value) {
        switch (value) {
            case String s -> into.add(s);
            case Boolean b -> into.add(b);
            case Float f -> into.add(f);
            case Double d -> into.add(d);
            case Long l when type == GgufValueType.UINT64 && l < 0 ->
                    into.add(new BigInteger(Long.toUnsignedString(l)));
            case Number n -> into.add(n.longValue());
            default -> into.add(String.valueOf(value));
        }
    }
}
