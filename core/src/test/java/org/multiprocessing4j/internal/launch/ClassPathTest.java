package org.multiprocessing4j.internal.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Which class path a child gets for the class loader that loaded the application. */
@Timeout(30)
class ClassPathTest {
    /** A class for the loaders below to load; it is on the test class path too. */
    public static final class Loaded {}

    private static Path testClasses() throws Exception {
        return Path.of(Loaded.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static List<String> entries(String classPath) {
        return List.of(classPath.split(File.pathSeparator));
    }

    @Test
    void anApplicationOnTheSystemClassPathGetsJavaClassPath() {
        assertThat(entries(ClassPath.forChild(Loaded.class)))
                .containsExactlyElementsOf(ClassPath.split(System.getProperty("java.class.path")));
    }

    @Test
    void aUrlClassLoadersFilesComeAfterItsParentsAndTheLibraryIsAddedWhenItIsElsewhere() throws Exception {
        Path extra = Path.of("/nonexistent/extra.jar");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {testClasses().toUri().toURL(), extra.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> loaded = loader.loadClass(Loaded.class.getName());
            assertThat(loaded.getClassLoader()).isSameAs(loader);
            List<String> expected = new ArrayList<>(List.of(testClasses().toString(), extra.toString()));
            for (String entry : ClassPath.split(System.getProperty("java.class.path"))) {
                if (!expected.contains(entry)) {
                    expected.add(entry); // the library's own loader, the system one in this test
                }
            }
            assertThat(entries(ClassPath.forChild(loaded))).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void aLoaderWithANestedJarIsRefusedNamingTheUrl() throws Exception {
        URL nested = URI.create("jar:file:/app.jar!/BOOT-INF/lib/lib.jar!/").toURL(); // a JAR inside a JAR
        try (URLClassLoader loader = new URLClassLoader(new URL[] {testClasses().toUri().toURL(), nested},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> loaded = loader.loadClass(Loaded.class.getName());
            assertThatThrownBy(() -> ClassPath.forChild(loaded)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot start a child process for " + Loaded.class.getName())
                    .hasMessageContaining("jar:file:/app.jar!/BOOT-INF/lib/lib.jar")
                    .hasMessageContaining("Run the application with its classes on the class path");
        }
    }

    @Test
    void aClassDefinedFromBytesInMemoryIsRefused() throws Exception {
        byte[] bytes;
        try (InputStream in = Loaded.class.getResourceAsStream("ClassPathTest$Loaded.class")) {
            bytes = in.readAllBytes();
        }
        ClassLoader memory = new ClassLoader("memory", ClassLoader.getPlatformClassLoader()) {
            @Override
            protected Class<?> findClass(String name) {
                return defineClass(name, bytes, 0, bytes.length);
            }
        };
        Class<?> loaded = memory.loadClass(Loaded.class.getName());
        assertThatThrownBy(() -> ClassPath.forChild(loaded)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("defined from bytes in memory");
    }
}
