package org.multiprocessing4j;

import org.junit.jupiter.api.extension.ExtendWith;
import org.multiprocessing4j.testing.Prespawn;

/** {@link ProgramExitTest}'s scenarios with every program's children handed to spare JVMs (PRESPAWN). */
@ExtendWith(Prespawn.class)
class PrespawnProgramExitTest extends ProgramExitTest {}
