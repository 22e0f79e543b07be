package dev.baton.proto;

/**
 * The version written into every Kafka record's {@code schema_version} field. Bumped whenever a field is added to
 * {@code records.proto}; fields are only ever added, so a reader of any version can read a record of any other
 * (see the compatibility rule at the top of records.proto).
 */
public final class RecordSchema {
    /**
     * Version 2: {@code Sampling.seed} has presence; an absent seed means "derive it from the request id".
     * (Version 1: InferenceRequest, TokenEvent and Control as first published; an absent seed meant seed 0.)
     */
    public static final int CURRENT_VERSION = 2;

    /** The first version in which an InferenceRequest without a seed asks for one derived from its id. */
    public static final int DERIVED_SEED_SINCE = 2;

    private RecordSchema() {
    }
}
