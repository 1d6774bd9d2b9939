package org.multiprocessing4j.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Serializable;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The library's own serializable types are ones a fresh JVM reads cheaply (docs/DESIGN.md, "Start-up cost"). */
@Timeout(60)
class SerializableFormsTest {
    /** Every class compiled from the library's main sources. */
    private static List<Class<?>> libraryClasses() throws IOException, URISyntaxException {
        Path root = Path.of(CompactForms.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertThat(root).as("the library's classes, as a build directory").isDirectory();
        try (Stream<Path> files = Files.walk(root)) {
            return files.map(root::relativize).map(Path::toString)
                    .filter(name -> name.endsWith(".class") && !name.endsWith("module-info.class"))
                    .map(name -> name.substring(0, name.length() - ".class".length()).replace('/', '.'))
                    .map(SerializableFormsTest::load)
                    .toList();
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, CompactForms.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void noSerializableTypeOfTheLibraryIsARecord() throws Exception {
        List<Class<?>> classes = libraryClasses();
        assertThat(classes).hasSizeGreaterThan(100);
        assertThat(classes).filteredOn(type -> type.isRecord() && Serializable.class.isAssignableFrom(type))
                .as("records read by Java serialization, which generates classes for each in a fresh JVM")
                .isEmpty();
    }
}
