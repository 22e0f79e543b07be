package dev.baton.worker.stage;

import dev.baton.engine.model.Activations;
import dev.baton.engine.model.KvCacheFullException;
import dev.baton.engine.model.LlamaStage;
import dev.baton.engine.model.StepBatch;
import dev.baton.worker.config.WorkerConfig;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

/**
 * What a stage does between loading its slice and serving: it pages in the mapped weights of its range, then runs
 * throwaway steps of the shapes real traffic has (one prefill chunk, decode at batch 1, half of max-batch and
 * max-batch, taken in turn) until its step or time budget ends, so the JIT has compiled the kernels before the first
 * request arrives. The steps use synthetic inputs (token ids on the first stage, activations read from the wire
 * encoding on later ones), never leave the stage and run on sequences of their own, whose KV memory is freed at the
 * end. Must run before any real step: the stage's buffers are shared.
 */
public final class StageWarmup {
    /** Ids of the throwaway sequences count down from here: stage 0 numbers real sequences upwards from 0. */
    private static final long FIRST_SEQUENCE_ID = -1;
    /**
     * Decode sequences start again at position 0 after this many positions: longer attention spans cost time but
     * run the same code.
     */
    private static final int DECODE_POSITIONS = 128;

    private final ModelSlice slice;
    private final LlamaStage stage;
    private final int maxSteps;
    private final Duration maxTime;
    private final int prefillChunk;
    private final StepBatch batch;
    private final Activations hidden;
    private final SplittableRandom random = new SplittableRandom(42);
    /** Synthetic activations in the wire encoding, for stages after the first. */
    private final MemorySegment incoming;
    private long nextSequenceId = FIRST_SEQUENCE_ID;

    /** What a warm-up did. */
    public record Report(long pagedInBytes, Duration pageInTime, int steps, List<String> shapes, Duration stepTime,
                         boolean stopped) {
        @Override
        public String toString() {
            return String.format("paged in %.1f MB of weights in %d ms, then %d steps (%s) in %d ms%s",
                    pagedInBytes / 1e6, pageInTime.toMillis(), steps, String.join(", ", shapes), stepTime.toMillis(),
                    stopped ? ", stopped early" : "");
        }
    }

    /**
     * @param prefillChunk the most prompt tokens of one sequence per step ({@code baton.worker.prefill-chunk})
     */
    public StageWarmup(ModelSlice slice, WorkerConfig.Warmup config, int prefillChunk) {
        this.slice = slice;
        this.stage = slice.stage();
        this.maxSteps = config.steps();
        this.maxTime = config.time();
        this.prefillChunk = Math.min(prefillChunk, Math.min(stage.capacity().maxTokens(), slice.maxContext()));
        this.batch = stage.capacity().newBatch();
        this.hidden = stage.newActivations();
        if (slice.isFirst()) {
            this.incoming = null;
        } else {
            Activations synthetic = stage.newActivations();
            float[] values = synthetic.values();
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) random.nextDouble(-1, 1);
            }
            synthetic.rows(synthetic.maxRows());
            this.incoming = MemorySegment.ofArray(synthetic.toBytes(slice.encoding()));
        }
    }

    /** Runs the warm-up; {@code stop} ends it early (the stage is shutting down). */
    public Report run(BooleanSupplier stop) {
        long start = System.nanoTime();
        long paged = slice.pageInWeights();
        long paging = System.nanoTime() - start;

        List<Shape> shapes = shapes();
        List<String> names = shapes.stream().map(Shape::toString).toList();
        long stepsStart = System.nanoTime();
        long deadline = stepsStart + maxTime.toNanos();
        int steps = 0;
        try {
            while (steps < maxSteps && !shapes.isEmpty() && System.nanoTime() < deadline) {
                if (stop.getAsBoolean()) {
                    return report(paged, paging, steps, names, stepsStart, true);
                }
                Shape shape = shapes.get(steps % shapes.size());
                if (!step(shape, shapes)) {
                    shapes.remove(shape);
                }
                steps++;
            }
        } finally {
            shapes.forEach(Shape::release);
        }
        return report(paged, paging, steps, names, stepsStart, false);
    }

    private Report report(long paged, long paging, int steps, List<String> names, long stepsStart, boolean stopped) {
        return new Report(paged, Duration.ofNanos(paging), steps, names,
                Duration.ofNanos(System.nanoTime() - stepsStart), stopped);
    }

    /** The prefill chunk, then decode at batch 1, half of max-batch and max-batch (each once). */
    private List<Shape> shapes() {
        List<Shape> shapes = new ArrayList<>();
        shapes.add(new Shape(1, prefillChunk));
        int maxBatch = stage.capacity().maxSegments();
        for (int size : new TreeSet<>(List.of(1, Math.max(1, maxBatch / 2), maxBatch))) {
            shapes.add(new Shape(size, 1));
        }
        return shapes;
    }

    /**
     * Runs one step of {@code shape}. When the KV cache cannot hold it (a small {@code kv-cache-tokens}), every
     * throwaway sequence starts over and the step is tried once more.
     *
     * @return false when the shape does not fit even in an otherwise empty cache
     */
    private boolean step(Shape shape, List<Shape> shapes) {
        try {
            forward(shape);
        } catch (KvCacheFullException full) {
            shapes.forEach(Shape::release);
            try {
                forward(shape);
            } catch (KvCacheFullException stillFull) {
                shape.release();
                return false;
            }
        }
        shape.advance();
        return true;
    }

    private void forward(Shape shape) {
        batch.clear();
        int vocab = slice.model().vocabSize();
        for (long id : shape.sequences) {
            if (slice.isFirst()) {
                for (int i = 0; i < shape.tokens; i++) {
                    shape.ids[i] = random.nextInt(vocab);
                }
                batch.add(id, shape.position, shape.ids, 0, shape.tokens, true);
            } else {
                batch.add(id, shape.position, shape.tokens, true);
            }
        }
        if (!slice.isFirst()) {
            hidden.decode(slice.encoding(), incoming, 0, batch.rows());
        }
        stage.forward(batch, hidden);
        if (!slice.isLast()) {
            hidden.toBytes(slice.encoding()); // what a real step sends on
        }
    }

    /** A batch shape: {@code size} sequences of {@code tokens} positions each per step. */
    private final class Shape {
        final long[] sequences;
        final int tokens;
        final int[] ids;
        int position;

        Shape(int size, int tokens) {
            this.sequences = new long[size];
            for (int i = 0; i < size; i++) {
                sequences[i] = nextSequenceId--;
            }
            this.tokens = tokens;
            this.ids = new int[tokens];
        }

        /** Moves to the next positions, or back to 0 once a sequence is long enough (a prefill: after every chunk). */
        void advance() {
            position += tokens;
            if (tokens > 1 || position + tokens > Math.min(DECODE_POSITIONS, slice.maxContext())) {
                release();
            }
        }

        void release() {
            for (long id : sequences) {
                stage.release(id);
            }
            position = 0;
        }

        @Override
        public String toString() {
            return tokens > 1 ? "prefill " + tokens : "decode ×" + sequences.length;
        }
    }
}
