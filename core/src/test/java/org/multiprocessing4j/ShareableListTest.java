package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Python's test_shared_memory_ShareableList_basics, and the list across processes. */
@Timeout(60)
class ShareableListTest {
    private static final Object[] PYTHONS_ITEMS = {"howdy", "HoWdY".getBytes(), -273.154, 100L, null, true, 42L};

    @Test
    void itHoldsPythonsItemsInPythonsFormat() {
        try (ShareableList sl = ShareableList.of(PYTHONS_ITEMS)) {
            assertThat(sl.format()).isEqualTo("8s8sdqxxxxxx?xxxxxxxx?q");
            assertThat(sl).hasSize(7);
            assertThat(sl.get(0)).isEqualTo("howdy");
            assertThat((byte[]) sl.get(1)).isEqualTo("HoWdY".getBytes());
            assertThat(sl.subList(2, 7)).containsExactly(-273.154, 100L, null, true, 42L);
            assertThat(sl.toString()).contains(sl.name()).contains("howdy, [72, 111, 87, 100, 89], -273.154, 100, null, true, 42");
            sl.unlink();
        }
    }

    @Test
    void aMissingIndexIsAnErrorOnGetAndSet() {
        try (ShareableList sl = ShareableList.of(PYTHONS_ITEMS)) {
            assertThatThrownBy(() -> sl.get(7)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> sl.set(7, 1L)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> sl.get(-1)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> sl.add(1L)).isInstanceOf(UnsupportedOperationException.class);
            sl.unlink();
        }
    }

    @Test
    void indexAndCountFindValuesOfTheirOwnType() {
        try (ShareableList sl = ShareableList.of(PYTHONS_ITEMS)) {
            assertThat(sl.indexOf("100")).isEqualTo(-1);
            assertThat(sl.indexOf(100L)).isEqualTo(3);
            assertThat(sl.indexOf("HoWdY".getBytes())).isEqualTo(1);
            assertThat(sl.count("howdy")).isEqualTo(1);
            assertThat(sl.count(42L)).isEqualTo(1);
            assertThat(sl.contains(null)).isTrue();
            sl.unlink();
        }
    }

    @Test
    void aSlotTakesAnotherTypeIfItFitsAndKeepsItsValueIfNot() {
        try (ShareableList sl = ShareableList.of(PYTHONS_ITEMS)) {
            sl.set(4, "some"); // None's 8 bytes take a short String
            assertThat(sl.get(4)).isEqualTo("some");
            assertThat(sl.format()).isEqualTo("8s8sdq8sxxxxxxx?q");
            assertThatThrownBy(() -> sl.set(4, "far too many")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("exceeds the 8 bytes of storage of slot 4");
            assertThat(sl.get(4)).isEqualTo("some");
            sl.set(0, "encodés"); // 8 bytes of UTF-8
            assertThat(sl.get(0)).isEqualTo("encodés");
            assertThatThrownBy(() -> sl.set(0, "encodées")).isInstanceOf(IllegalArgumentException.class);
            assertThat(sl.get(0)).isEqualTo("encodés");
            sl.set(3, 7); // an Integer is stored as a long
            assertThat(sl.get(3)).isEqualTo(7L);
            sl.set(2, 1.5f);
            assertThat(sl.get(2)).isEqualTo(1.5);
            sl.set(1, null);
            assertThat(sl.get(1)).isNull();
            assertThatThrownBy(() -> sl.set(5, new Object())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not java.lang.Object");
            assertThat(sl.get(5)).isEqualTo(true);
            sl.unlink();
        }
    }

    @Test
    void itemsOfOtherTypesAreRefusedBeforeAnyBlockIsMade() {
        assertThatThrownBy(() -> ShareableList.of(1L, List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds Long");
    }

    @Test
    void aStringWhoseUtf8BytesNeedMoreThanPythonGivesIsStoredWhole() {
        try (ShareableList sl = ShareableList.of("日本語", "end\0")) {
            assertThat(sl).containsExactly("日本語", "end\0");
            sl.unlink();
        }
    }

    @Test
    void aDuplicateHasTheSameValuesUnderAnotherName() {
        try (ShareableList sl = ShareableList.of(PYTHONS_ITEMS); ShareableList copy = ShareableList.create(sl)) {
            assertThat(copy.name()).isNotEqualTo(sl.name());
            assertThat(copy.format()).isEqualTo(sl.format());
            assertThat(copy.subList(2, 7)).isEqualTo(sl.subList(2, 7));
            sl.unlink();
            copy.unlink();
        }
    }

    @Test
    void aSecondHandleByNameSeesWrites() {
        try (ShareableList sl = ShareableList.of(PYTHONS_ITEMS); ShareableList same = ShareableList.attach(sl.name())) {
            sl.set(6, 24L);
            assertThat(same.get(6)).isEqualTo(24L);
            same.set(0, "hi");
            assertThat(sl.get(0)).isEqualTo("hi");
            sl.unlink();
        }
    }

    @Test
    void anEmptyListHasNoSlotsAndAnEmptyFormat() {
        try (ShareableList empty = ShareableList.create(List.of())) {
            assertThat(empty).isEmpty();
            assertThat(empty.format()).isEmpty();
            empty.unlink();
        }
    }

    @Test
    void aChildWritesThroughItsHandleAndByNameAndTheParentSeesIt() throws Exception {
        try (ShareableList sl = ShareableList.of(0L, "........", 0.0)) {
            String name = sl.name();
            Process child = new Process(() -> {
                sl.set(0, 10L);
                try (ShareableList byName = ShareableList.attach(name)) {
                    byName.set(1, "child");
                    byName.set(2, 2.5);
                }
            });
            child.start();
            child.join();
            assertThat(sl).containsExactly(10L, "child", 2.5);
            sl.unlink();
        }
    }

    @Test
    void aBlockThatHoldsNoListIsRefusedAndAClosedListSaysSo() {
        try (SharedMemory plain = SharedMemory.create(64)) {
            assertThatThrownBy(() -> ShareableList.attach(plain.name())).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("does not hold a ShareableList");
            plain.unlink();
        }
        ShareableList sl = ShareableList.of(1L);
        sl.close();
        assertThatThrownBy(() -> sl.get(0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        sl.unlink();
        assertThatThrownBy(() -> ShareableList.attach(sl.name())).isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void damagedSlotsAreReportedNotRead() {
        try (ShareableList sl = ShareableList.of("howdy", 1L)) {
            try (SharedMemory raw = SharedMemory.attach(sl.name())) {
                raw.segment().set(ValueLayout.JAVA_INT, 16 + 8, 1 << 30); // slot 0's capacity
                assertThatThrownBy(() -> ShareableList.attach(sl.name())).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("damaged");
                raw.segment().set(ValueLayout.JAVA_LONG, 16, (100L << 32) | 4); // slot 0: a String of 100 bytes
                assertThatThrownBy(() -> sl.get(0)).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("damaged");
                raw.segment().set(ValueLayout.JAVA_LONG, 16 + 16, 99L); // slot 1: no such type
                assertThatThrownBy(() -> sl.get(1)).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("has no type");
            }
            sl.unlink();
        }
    }
}
