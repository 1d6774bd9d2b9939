package org.multiprocessing4j.internal.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** When a child can use an AOT cache, and which one. */
@Timeout(30)
class AotCacheTest {
    @TempDir
    Path dir;

    private Path jar(String name, String classPathAttribute) throws Exception {
        Path jar = dir.resolve(name);
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (classPathAttribute != null) {
            manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPathAttribute);
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.flush();
        }
        return jar;
    }

    @Test
    void aClassPathThatStartsWithADirectoryGetsNoCache() throws Exception {
        String classPath = dir + File.pathSeparator + jar("a.jar", null);
        assertThat(AotCache.forPaths(classPath, "", dir.resolve("cache"), AotCoverage.LIBRARY)).isNull();
    }

    @Test
    void theJarsBeforeTheFirstDirectoryGetTheCacheTheyWouldHaveAlone() throws Exception {
        Path a = jar("a.jar", null);
        Path b = jar("b.jar", null);
        String jars = a + File.pathSeparator + b;
        AotCache alone = AotCache.forPaths(jars, "", dir.resolve("cache"), AotCoverage.LIBRARY);
        AotCache withDirectories = AotCache.forPaths(jars + File.pathSeparator + dir + File.pathSeparator
                + jar("c.jar", null), "", dir.resolve("cache"), AotCoverage.LIBRARY);
        assertThat(withDirectories.file()).isEqualTo(alone.file());
    }

    @Test
    void aCacheOfTheBootstrapAloneIsAFileOfItsOwnBesideTheLibrarysOne() throws Exception {
        String classPath = jar("a.jar", null).toString();
        Path library = AotCache.forPaths(classPath, "", dir, AotCoverage.LIBRARY).file();
        Path bootstrap = AotCache.forPaths(classPath, "", dir, AotCoverage.BOOTSTRAP).file();

        assertThat(bootstrap.getParent()).isEqualTo(library.getParent());
        assertThat(bootstrap.getFileName().toString())
                .isEqualTo(library.getFileName().toString().replace(".aot", "-bootstrap.aot"));
    }

    @Test
    void theLibrarysJarGoesFirstOnAChildsClassPathHoweverItIsSpelled() throws Exception {
        String sep = File.pathSeparator;
        Path library = jar("mp4j.jar", null);
        String relative = Path.of("").toAbsolutePath().relativize(library).toString();
        assertThat(AotCache.libraryFirst("classes" + sep + relative + sep + "dep.jar", library.toString()))
                .isEqualTo(relative + sep + "classes" + sep + "dep.jar");
        assertThat(AotCache.libraryFirst("classes" + sep + "dep.jar", library.toString()))
                .as("not on the path").isEqualTo("classes" + sep + "dep.jar");
        assertThat(AotCache.libraryFirst("app-classes" + sep + "classes", "classes"))
                .as("a library in a directory stays where it is").isEqualTo("app-classes" + sep + "classes");
    }

    @Test
    void jarsGetACacheNamedByTheirContentAndAChangedJarGetsAnother() throws Exception {
        Path a = jar("a.jar", null);
        String classPath = a + File.pathSeparator + jar("b.jar", null);
        AotCache first = AotCache.forPaths(classPath, "", dir.resolve("cache"), AotCoverage.LIBRARY);
        assertThat(first).isNotNull();
        assertThat(first.file().getParent()).isEqualTo(dir.resolve("cache"));
        assertThat(first.file().getFileName().toString()).startsWith("child-").endsWith(".aot");
        assertThat(AotCache.forPaths(classPath, "", dir.resolve("cache"), AotCoverage.LIBRARY).file()).isEqualTo(first.file());

        Files.setLastModifiedTime(a, FileTime.from(Instant.now().plusSeconds(60)));
        assertThat(AotCache.forPaths(classPath, "", dir.resolve("cache"), AotCoverage.LIBRARY).file()).isNotEqualTo(first.file());
    }

    @Test
    void aCacheIsUsedOnlyOnceItExistsAndUnlessTheUserChoseOtherwise() throws Exception {
        AotCache cache = AotCache.forPaths(jar("a.jar", null).toString(), "", dir, AotCoverage.LIBRARY);
        assertThat(cache.useOptions(List.of())).isEmpty();
        Files.writeString(cache.file(), "cache");
        assertThat(cache.useOptions(List.of())).contains("-XX:AOTCache=" + cache.file(), "-Xlog:aot=off");
        assertThat(cache.useOptions(List.of("-Xshare:off"))).isEmpty();
        assertThat(cache.useOptions(List.of("-XX:AOTCache=/elsewhere.aot"))).isEmpty();
    }

    @Test
    void aJarWhoseManifestNamesJarsGetsACacheKeyedByThemTooAndOneNamingADirectoryGetsNone() throws Exception {
        Path library = jar("lib.jar", null);
        Path app = jar("app.jar", "lib.jar");
        AotCache cache = AotCache.forPaths(app.toString(), "", dir.resolve("cache"), AotCoverage.LIBRARY);
        assertThat(cache).isNotNull();
        Files.setLastModifiedTime(library, FileTime.from(Instant.now().plusSeconds(60)));
        assertThat(AotCache.forPaths(app.toString(), "", dir.resolve("cache"), AotCoverage.LIBRARY).file())
                .as("a rebuilt library keys a new cache").isNotEqualTo(cache.file());

        assertThat(AotCache.forPaths(jar("a.jar", "classes/").toString(), "", dir, AotCoverage.LIBRARY)).isNull();
        assertThat(AotCache.forPaths(jar("b.jar", "missing.jar").toString(), "", dir, AotCoverage.LIBRARY)).isNull();
        assertThat(AotCache.forPaths(jar("c.jar", "d.jar").toString(), "", dir, AotCoverage.LIBRARY)).as("d.jar does not exist").isNull();
        jar("e.jar", "f.jar");
        assertThat(AotCache.forPaths(jar("f.jar", "e.jar").toString(), "", dir, AotCoverage.LIBRARY)).as("manifests naming each other")
                .isNotNull();
    }

    @Test
    void installMovesTheTrainingOutputIntoPlace() throws Exception {
        AotCache cache = AotCache.forPaths(jar("a.jar", null).toString(), "", dir, AotCoverage.LIBRARY);
        Path output = cache.trainingFile(42);
        Files.writeString(output, "trained");
        cache.install(output);
        assertThat(Files.readString(cache.file())).isEqualTo("trained");
        assertThat(output).doesNotExist();
    }

    @Test
    void installKeepsOnlyTheCachesUsedLast() throws Exception {
        Path caches = Files.createDirectory(dir.resolve("caches"));
        Instant now = Instant.now();
        for (int i = 0; i < AotCache.MAX_CACHES + 3; i++) {
            Path old = caches.resolve("child-" + i + ".aot");
            Files.writeString(old, "old");
            Files.setLastModifiedTime(old, FileTime.from(now.minusSeconds(60L * (i + 1))));
        }
        AotCache cache = AotCache.forPaths(jar("a.jar", null).toString(), "", caches, AotCoverage.LIBRARY);
        Path output = cache.trainingFile(42);
        Files.writeString(output, "trained");
        cache.install(output);
        try (var left = Files.list(caches)) {
            assertThat(left.map(p -> p.getFileName().toString()).sorted().toList())
                    .as("the new cache and the ones used last")
                    .hasSize(AotCache.MAX_CACHES)
                    .contains(cache.file().getFileName().toString(), "child-0.aot", "child-6.aot")
                    .doesNotContain("child-7.aot", "child-10.aot");
        }
    }

    @Test
    void installRemovesWhatDeadTrainersOfOtherCachesLeftButNotWhatALiveOneIsWriting() throws Exception {
        Path caches = Files.createDirectory(dir.resolve("caches"));
        Instant abandoned = Instant.now().minus(AotTrainer.STALE_LOCK).minusSeconds(1);
        List<String> deadTrainers = List.of("child-1.aot.41.tmp", "child-1.aot.41.tmp.config", "child-1.aot.lock");
        for (String name : deadTrainers) {
            Files.writeString(caches.resolve(name), "partial");
            Files.setLastModifiedTime(caches.resolve(name), FileTime.from(abandoned));
        }
        List<String> liveTrainer = List.of("child-2.aot.43.tmp", "child-2.aot.lock");
        for (String name : liveTrainer) {
            Files.writeString(caches.resolve(name), "being written");
        }
        AotCache cache = AotCache.forPaths(jar("a.jar", null).toString(), "", caches, AotCoverage.LIBRARY);
        Path output = cache.trainingFile(42);
        Files.writeString(output, "trained");
        cache.install(output);
        try (var left = Files.list(caches)) {
            assertThat(left.map(p -> p.getFileName().toString()).toList())
                    .containsAll(liveTrainer)
                    .doesNotContainAnyElementsOf(deadTrainers);
        }
    }
}
