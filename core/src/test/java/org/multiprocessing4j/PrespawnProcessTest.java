package org.multiprocessing4j;

import org.junit.jupiter.api.extension.ExtendWith;
import org.multiprocessing4j.testing.Prespawn;

/** {@link ProcessTest}'s scenarios with every child handed to a spare JVM (PRESPAWN). */
@ExtendWith(Prespawn.class)
class PrespawnProcessTest extends ProcessTest {}
