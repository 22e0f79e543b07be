package dev.baton.proto;

/**
 * The version written into every Kafka record's {@code schema_version} field. Bumped whenever a field is added to
 * {@code records.proto}; fields are only ever added, so a reader of any version can read a record of any other
 * (see the compatibility rule at the top of records.proto).
 */
public final class RecordSchema {
    /** Version 1: InferenceRequest, TokenEvent and Control as first published. */
    public static final int CURRENT_VERSION = 1;

    private RecordSchema() {
    }
}
