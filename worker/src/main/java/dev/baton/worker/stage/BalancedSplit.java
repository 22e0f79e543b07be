package dev.baton.worker.stage;

import dev.baton.engine.gguf.GgufFile;
import dev.baton.engine.gguf.GgufTensorInfo;
import dev.baton.engine.model.LayerRange;
import dev.baton.engine.model.LlamaConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.DoubleBinaryOperator;

/**
 * The default split of a model's blocks over a pipeline's stages: contiguous ranges, at least one block each, that
 * minimise the largest amount of weights one stage streams per step. The last stage also applies the output head
 * (vocab × dim, several blocks' worth on small models: 3.5 blocks on llama-110m), so a split by block count alone
 * leaves the earlier stages waiting for it. With equal blocks and no head it gives the even split (earlier stages
 * taking the remainder). Every stage computes the same split from the same file.
 */
public final class BalancedSplit {
    private BalancedSplit() {
    }

    /** Block costs and the head's, in bytes of weights, read from the file's tensor table. */
    public static List<LayerRange> of(GgufFile file, LlamaConfig model, int stages) {
        long[] blocks = new long[model.layers()];
        long head = 0;
        long tiedHead = 0;
        for (GgufTensorInfo tensor : file.tensors()) {
            String name = tensor.name();
            if (name.startsWith("blk.")) {
                int end = name.indexOf('.', 4);
                int block = end < 0 ? -1 : Integer.parseInt(name.substring(4, end));
                if (block >= 0 && block < blocks.length) {
                    blocks[block] += tensor.byteSize();
                }
            } else if (name.equals("output.weight")) {
                head = tensor.byteSize();
            } else if (name.equals("token_embd.weight")) {
                tiedHead = tensor.byteSize();
            }
        }
        return of(blocks, head > 0 ? head : tiedHead, stages);
    }

    /**
     * Minimises the largest stage cost, then, among the splits that reach it, the sum of squared stage costs (so the
     * stages other than the busiest are balanced too); on ties a boundary lies as late as possible, so earlier stages
     * take more.
     *
     * @param blockCost cost of each block
     * @param headCost  extra cost of the last stage
     */
    public static List<LayerRange> of(long[] blockCost, long headCost, int stages) {
        int n = blockCost.length;
        if (stages < 1 || stages > n) {
            throw new IllegalArgumentException("cannot split " + n + " blocks over " + stages + " stages (need 1.."
                    + n + ")");
        }
        double[] prefix = new double[n + 1];
        for (int i = 0; i < n; i++) {
            prefix[i + 1] = prefix[i] + blockCost[i];
        }
        Plan fewestLargest = plan(prefix, headCost, stages, Math::max, Double.POSITIVE_INFINITY);
        double largest = fewestLargest.value();
        Plan balanced = plan(prefix, headCost, stages, (sum, cost) -> sum + cost * cost, largest);
        return balanced.ranges(n, stages);
    }

    /** The best value of a split by {@code combine} over its stage costs, each at most {@code cap}, and its cuts. */
    private record Plan(double value, int[][] cuts) {
        List<LayerRange> ranges(int n, int stages) {
            List<LayerRange> ranges = new ArrayList<>(stages);
            int to = n;
            for (int s = stages; s >= 1; s--) {
                int from = cuts[s][to];
                ranges.add(new LayerRange(from, to));
                to = from;
            }
            Collections.reverse(ranges);
            return List.copyOf(ranges);
        }
    }

    private static Plan plan(double[] prefix, long headCost, int stages, DoubleBinaryOperator combine, double cap) {
        int n = prefix.length - 1;
        // best[s][i]: the best value for blocks [0, i) in s stages; cuts[s][i]: where the s-th stage begins
        double[][] best = new double[stages + 1][n + 1];
        int[][] cuts = new int[stages + 1][n + 1];
        for (double[] row : best) {
            Arrays.fill(row, Double.POSITIVE_INFINITY);
        }
        best[0][0] = 0;
        for (int s = 1; s <= stages; s++) {
            for (int i = s; i <= n; i++) {
                double tail = s == stages && i == n ? headCost : 0;
                for (int j = s - 1; j < i; j++) {
                    double stage = prefix[i] - prefix[j] + tail;
                    if (best[s - 1][j] == Double.POSITIVE_INFINITY || stage > cap) {
                        continue;
                    }
                    double value = combine.applyAsDouble(best[s - 1][j], stage);
                    if (value <= best[s][i]) {
                        best[s][i] = value;
                        cuts[s][i] = j;
                    }
                }
            }
        }
        return new Plan(best[stages][n], cuts);
    }
}
