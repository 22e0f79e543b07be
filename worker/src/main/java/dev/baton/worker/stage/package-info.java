/**
 * The slice of the model this stage computes ({@link dev.baton.worker.stage.ModelSlice}) and how request values map to the engine's.
 */
package dev.baton.worker.stage;
