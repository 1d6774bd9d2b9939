package org.multiprocessing4j.internal.launch;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The class path a child JVM needs to load what the application's class loader loads in this one.
 *
 * <p>{@code java.class.path} is only the system class loader's path. Hosts that load the
 * application through a class loader of their own ({@code mvn exec:java}, IDE runners, test
 * frameworks) keep it elsewhere: in a {@link URLClassLoader}'s URLs, or for a source-file program
 * ({@code java Hello.java}) in memory. So the path is read off the application's class loader and
 * its parents, parents first, as delegation looks:
 * <ul>
 *   <li>the system class loader contributes {@code java.class.path};
 *   <li>a {@link URLClassLoader} contributes its {@code file:} URLs;
 *   <li>the source launcher's loader contributes the program compiled to a directory
 *       ({@link SourceProgram});
 *   <li>the boot and platform loaders contribute nothing: a child has them too.
 * </ul>
 * Any other loader, or a URL that is not a file, holds classes no child could load: the child
 * would fail to deserialize its task. That is refused here, before any child starts, with a message
 * that names the loader and says what to do.
 */
public final class ClassPath {
    private static final String SOURCE_LAUNCHER_LOADER = "com.sun.tools.javac.launcher.MemoryClassLoader";
    private static final String JSHELL_PACKAGE = "jdk.jshell.";

    private ClassPath() {}

    /**
     * The class path, joined with the platform's separator, for a child that must load
     * {@code application} (the class of a task or of a {@link org.multiprocessing4j.Process}
     * subclass) and this library.
     *
     * @throws IllegalStateException if a class loader on the way holds classes that have no place
     *     on a class path
     */
    public static String forChild(Class<?> application) {
        checkLoadedFromAFile(application);
        Set<String> entries = new LinkedHashSet<>();
        addLoaderChain(application.getClassLoader(), application, entries);
        addLoaderChain(ClassPath.class.getClassLoader(), ClassPath.class, entries);
        return String.join(File.pathSeparator, entries);
    }

    /** The entries that {@code loader} and its parents contribute, parents first. */
    static void addLoaderChain(ClassLoader loader, Class<?> loaded, Set<String> entries) {
        List<ClassLoader> chain = new ArrayList<>();
        for (ClassLoader l = loader; l != null; l = l.getParent()) {
            chain.addFirst(l);
        }
        ClassLoader system = ClassLoader.getSystemClassLoader();
        ClassLoader platform = ClassLoader.getPlatformClassLoader();
        for (ClassLoader l : chain) {
            if (l == platform) {
                continue;
            } else if (l == system) {
                entries.addAll(split(System.getProperty("java.class.path", "")));
            } else if (l.getClass().getName().equals(SOURCE_LAUNCHER_LOADER)) {
                entries.add(SourceProgram.compiled(loaded).toString());
            } else if (l instanceof URLClassLoader urls) {
                for (URL url : urls.getURLs()) {
                    entries.add(fileOf(url, l, loaded));
                }
            } else {
                throw unloadable(l, loaded, "it keeps its classes where no class path reaches");
            }
        }
    }

    /**
     * A class defined from bytes in memory (jshell's snippets, a generated class) has no file a
     * child could load it from, whatever the path of its loader says. A lambda's class counts as
     * its capturing class's, whose protection domain it shares.
     */
    private static void checkLoadedFromAFile(Class<?> application) {
        CodeSource code = application.getProtectionDomain().getCodeSource();
        URL location = code == null ? null : code.getLocation();
        if (location == null || !"file".equals(location.getProtocol())) {
            ClassLoader loader = application.getClassLoader();
            throw unloadable(loader == null ? ClassLoader.getPlatformClassLoader() : loader, application,
                    "the class was defined from " + (location == null ? "bytes in memory" : location)
                            + ", not from a file on a class path");
        }
    }

    /** The entries of a path list, without empty ones. */
    static List<String> split(String pathList) {
        List<String> entries = new ArrayList<>();
        for (String entry : pathList.split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                entries.add(entry);
            }
        }
        return entries;
    }

    private static String fileOf(URL url, ClassLoader loader, Class<?> loaded) {
        if (!"file".equals(url.getProtocol())) {
            throw unloadable(loader, loaded, "it loads from " + url + ", which is not a file a child JVM could "
                    + "put on its class path (a fat JAR with nested JARs, say)");
        }
        try {
            return Path.of(url.toURI()).toString();
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw unloadable(loader, loaded, "its URL " + url + " names no file: " + e.getMessage());
        }
    }

    static IllegalStateException unloadable(ClassLoader loader, Class<?> loaded, String why) {
        String loaderName = loader.getClass().getName();
        if (loaderName.startsWith(JSHELL_PACKAGE) || loaded.getName().startsWith("REPL.")) {
            return new IllegalStateException("cannot start a child process from jshell: the class "
                    + loaded.getName() + " of the task exists only inside jshell, and a child is a new JVM that "
                    + "must load it. Put the task in a class compiled to a JAR or a directory and add that with "
                    + "/env --class-path, or run the program as a source file: java -cp <the library's JAR> Program.java");
        }
        return new IllegalStateException("cannot start a child process for " + loaded.getName() + ": it was loaded by "
                + loaderName + ", and " + why + ". Run the application with its classes on the class path "
                + "(java -cp or java -jar with a Class-Path manifest), or on the module path");
    }
}
