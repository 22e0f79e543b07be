/**
 * Cancellation: baton.control read by every stage, and the recently cancelled request ids.
 */
package dev.baton.worker.control;
