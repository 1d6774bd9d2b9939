package org.multiprocessing4j.testing;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.multiprocessing4j.internal.shm.SharedSegment;
import org.multiprocessing4j.internal.wire.Codec;

/** Where a handle's memory lies, as its compact form names it, and the segments of a process tree. */
public final class Segments {
    private Segments() {}

    /** The files in /dev/shm of the process tree tagged {@code tree} ({@code SharedSegment.treeTag()}). */
    public static Set<Path> ofTree(String tree) throws IOException {
        try (var files = Files.list(SharedSegment.DIRECTORY)) {
            return files.filter(f -> f.getFileName().toString().startsWith("mp4j-" + tree + "-"))
                    .collect(Collectors.toSet());
        }
    }

    /** The name of the segment (in /dev/shm) that {@code handle}'s memory lies in. */
    public static String nameOf(Object handle) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(Codec.encodeCompact(handle)));
        in.readByte(); // the compact form's tag
        in.readUTF(); // the handle's class
        return in.readUTF();
    }
}
