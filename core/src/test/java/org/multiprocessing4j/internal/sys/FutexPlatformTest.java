package org.multiprocessing4j.internal.sys;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The futex syscall's number by architecture, and none where this library does not run. */
@Timeout(10)
class FutexPlatformTest {
    @Test
    void linuxOnX86_64Aarch64AndRiscv64HaveTheirNumbers() {
        assertThat(Futex.futexSyscallNumber("Linux", "amd64")).isEqualTo(202);
        assertThat(Futex.futexSyscallNumber("Linux", "x86_64")).isEqualTo(202);
        assertThat(Futex.futexSyscallNumber("Linux", "aarch64")).isEqualTo(98);
        assertThat(Futex.futexSyscallNumber("Linux", "riscv64")).isEqualTo(98);
    }

    @Test
    void otherSystemsAndArchitecturesHaveNone() {
        assertThat(Futex.futexSyscallNumber("Mac OS X", "aarch64")).isZero();
        assertThat(Futex.futexSyscallNumber("Windows 11", "amd64")).isZero();
        assertThat(Futex.futexSyscallNumber("Linux", "x86")).isZero();
        assertThat(Futex.futexSyscallNumber("Linux", "ppc64le")).isZero();
    }
}
