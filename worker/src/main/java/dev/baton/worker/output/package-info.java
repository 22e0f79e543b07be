/**
 * The last stage's output: sampling, stop conditions, TokenEvents to the reply partition, and the dead-letter topic.
 */
package dev.baton.worker.output;
