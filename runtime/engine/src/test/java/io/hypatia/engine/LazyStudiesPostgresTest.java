package io.hypatia.engine;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/** Every test of {@link LazyStudiesTest}, on a PostgreSQL store (a fresh database per test). */
class LazyStudiesPostgresTest extends LazyStudiesTest {
    @Override
    boolean onPostgres() {
        return true;
    }

    @Override
    @Test
    @Disabled("a shared store reads a study's counts with its trials (the guard refreshes the study); LazyStudiesTest shows the embedded store's")
    void aRestartReadsSpecsAndCountsOnlyAndEachStudyOnItsFirstUse() {
    }
}
