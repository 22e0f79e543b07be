/**
 * The slice of the model this stage computes ({@link dev.baton.worker.stage.ModelSlice}), the default split of the
 * blocks over the stages ({@link dev.baton.worker.stage.BalancedSplit}) and how request values map to the engine's.
 */
package dev.baton.worker.stage;
