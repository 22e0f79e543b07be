/**
 * The pipeline scaler: a leader-elected process that sets every stage StatefulSet to the same pipeline count from
 * the request topic's consumer lag ({@code scaling}, {@code lag}), acting on Kubernetes through the fabric8 client
 * ({@code kubernetes}) and draining a pipeline's stage 0 before removing it ({@code drain}). Kafka and Kubernetes do
 * the distributing; the scaler only decides the count.
 */
package dev.baton.scaler;
