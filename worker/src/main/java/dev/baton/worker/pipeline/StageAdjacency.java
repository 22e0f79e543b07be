package dev.baton.worker.pipeline;

import dev.baton.proto.StageDescription;

/**
 * Whether stage {@code callee} can follow stage {@code caller} in one pipeline: the same model file (name, size and
 * header digest), the callee's layers starting where the caller's end, the next index of the same stage count, the
 * same context length, and at least the caller's capacity (so anything stage 0 admits fits every later stage).
 */
public final class StageAdjacency {
    private StageAdjacency() {
    }

    /** Why the two cannot be adjacent, or null when they can. */
    public static String mismatch(StageDescription caller, StageDescription callee) {
        if (!caller.getModel().getDigest().equals(callee.getModel().getDigest())
                || caller.getModel().getFileSize() != callee.getModel().getFileSize()) {
            return "stage " + callee.getStageIndex() + " serves model " + callee.getModel().getName() + " ("
                    + callee.getModel().getFileSize() + " bytes, digest " + shortDigest(callee) + "), stage "
                    + caller.getStageIndex() + " " + caller.getModel().getName() + " ("
                    + caller.getModel().getFileSize() + " bytes, digest " + shortDigest(caller) + ")";
        }
        if (callee.getStageCount() != caller.getStageCount()
                || callee.getStageIndex() != caller.getStageIndex() + 1) {
            return "stage " + caller.getStageIndex() + " of " + caller.getStageCount() + " cannot be followed by stage "
                    + callee.getStageIndex() + " of " + callee.getStageCount();
        }
        if (callee.getLayers().getFrom() != caller.getLayers().getTo()) {
            return "stage " + caller.getStageIndex() + " ends at block " + caller.getLayers().getTo()
                    + " but stage " + callee.getStageIndex() + " starts at block " + callee.getLayers().getFrom();
        }
        if (callee.getMaxContext() != caller.getMaxContext()) {
            return "max-context differs: " + caller.getMaxContext() + " on stage " + caller.getStageIndex() + ", "
                    + callee.getMaxContext() + " on stage " + callee.getStageIndex();
        }
        if (callee.getMaxBatch() < caller.getMaxBatch() || callee.getKvCacheTokens() < caller.getKvCacheTokens()
                || callee.getMaxStepTokens() < caller.getMaxStepTokens()) {
            return "stage " + callee.getStageIndex() + " holds less (max-batch " + callee.getMaxBatch()
                    + ", kv-cache-tokens " + callee.getKvCacheTokens() + ", max-step-tokens "
                    + callee.getMaxStepTokens() + ") than stage " + caller.getStageIndex() + " sends ("
                    + caller.getMaxBatch() + ", " + caller.getKvCacheTokens() + ", " + caller.getMaxStepTokens() + ")";
        }
        return null;
    }

    private static String shortDigest(StageDescription d) {
        String digest = d.getModel().getDigest();
        return digest.length() > 12 ? digest.substring(0, 12) : digest;
    }
}
