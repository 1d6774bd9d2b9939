package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multiprocessing4j.internal.launch.AotCoverage;
import org.multiprocessing4j.internal.wire.Codec;
import org.multiprocessing4j.testing.Scratch;

/**
 * Which form a launch takes: compact, read without ObjectInputStream, for a plain process whose
 * lambda captures plain values and handles; Java serialization for everything else. Both come back
 * whole. And which AOT cache the child boots on: its bootstrap's alone, for a target that captures
 * only plain values; the library's otherwise.
 */
@Timeout(30)
class ChildLaunchTest {
    @TempDir
    Path dir;

    private static ChildLaunch launch(Process process) {
        return new ChildLaunch(process, "MainProcess", 1234);
    }

    private static Process roundTrip(byte[] bytes) throws Exception {
        return ((ChildLaunch) Codec.decode(bytes)).process();
    }

    @Test
    void aPlainProcessWithALambdaOfPlainValuesIsCompactAndComesBackWhole() throws Exception {
        String out = dir.resolve("out").toString();
        int number = 3;
        byte[] payload = {1, 2, 3};
        Process process = new Process(() -> Scratch.write(out, number + ":" + payload.length), "Named");
        process.setDaemon(true);
        process.setJvmOptions(List.of("-Xmx64m", "-Dk=v"));

        byte[] bytes = launch(process).encode();
        assertThat(bytes[0]).isEqualTo(Codec.COMPACT_OBJECT);

        Process back = roundTrip(bytes);
        assertThat(back.name()).isEqualTo("Named");
        assertThat(back.isDaemon()).isTrue();
        assertThat(back.jvmOptions()).containsExactly("-Xmx64m", "-Dk=v");
        assertThat(back.identity()).isEqualTo(process.identity());
        back.run();
        assertThat(Scratch.read(out)).isEqualTo("3:3");
    }

    @Test
    void aCapturedHandleHasACompactFormToo() throws Exception {
        Event event = new Event();
        Process process = new Process(event::set);
        byte[] bytes = launch(process).encode();
        assertThat(bytes[0]).isEqualTo(Codec.COMPACT_OBJECT);
        roundTrip(bytes).run();
        assertThat(event.isSet()).isTrue();
    }

    @Test
    void aCaptureWithoutACompactFormGoesThroughJavaSerialization() throws Exception {
        String out = dir.resolve("out").toString();
        List<Integer> list = List.of(1, 2);
        byte[] bytes = launch(new Process(() -> Scratch.write(out, list.toString()))).encode();
        assertThat(bytes[0]).isEqualTo(Codec.SERIALIZED);
        roundTrip(bytes).run();
        assertThat(Scratch.read(out)).isEqualTo("[1, 2]");
    }

    @Test
    void aSubclassGoesThroughJavaSerialization() throws Exception {
        byte[] bytes = launch(new Subclass()).encode();
        assertThat(bytes[0]).isEqualTo(Codec.SERIALIZED);
        assertThat(roundTrip(bytes)).isInstanceOf(Subclass.class);
    }

    @Test
    void aPluggedInSerializerGoesWithJavaSerialization() throws Exception {
        Multiprocessing.setSerializer(new SerializerTest.PointSerializer());
        try {
            byte[] bytes = launch(new Process(() -> { })).encode();
            assertThat(bytes[0]).isEqualTo(Codec.SERIALIZED);
        } finally {
            Multiprocessing.setSerializer(null);
        }
    }

    @Test
    void aChildWhoseTargetCapturesOnlyPlainValuesBootsOnTheCacheOfItsBootstrapAlone() {
        String text = "text";
        long number = 7;
        int[] numbers = {1, 2};
        Integer none = null;

        assertThat(launch(new Process(() -> { })).coverage()).isEqualTo(AotCoverage.BOOTSTRAP);
        assertThat(launch(new Process(() -> System.out.println(text + number + numbers.length + none))).coverage())
                .isEqualTo(AotCoverage.BOOTSTRAP);
    }

    @Test
    void aChildGivenAHandleOrAnythingElseBootsOnTheCacheOfTheLibrary() {
        Event event = new Event();
        Queue<String> queue = new Queue<>();
        List<Integer> list = List.of(1, 2);
        Object[] objects = {event};
        float[] floats = {1.5f};

        assertThat(launch(new Process(event::set)).coverage()).isEqualTo(AotCoverage.LIBRARY);
        assertThat(launch(new Process(() -> queue.put("x"))).coverage()).isEqualTo(AotCoverage.LIBRARY);
        assertThat(launch(new Process(() -> list.size())).coverage()).as("a collection may hold a handle")
                .isEqualTo(AotCoverage.LIBRARY);
        assertThat(launch(new Process(() -> objects.clone())).coverage()).as("an array of objects may too")
                .isEqualTo(AotCoverage.LIBRARY);
        assertThat(launch(new Process(() -> floats.clone())).coverage()).as("an array without a compact form")
                .isEqualTo(AotCoverage.LIBRARY);
        assertThat(launch(new Subclass()).coverage()).isEqualTo(AotCoverage.LIBRARY);
        Multiprocessing.setSerializer(new SerializerTest.PointSerializer());
        try {
            assertThat(launch(new Process(() -> { })).coverage()).as("a launch in Java serialization")
                    .isEqualTo(AotCoverage.LIBRARY);
        } finally {
            Multiprocessing.setSerializer(null);
        }
    }

    static final class Subclass extends Process {
        @Override
        public void run() {}
    }
}
