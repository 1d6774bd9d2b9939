package org.multiprocessing4j.testing;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import org.multiprocessing4j.internal.wire.Codec;

/** Where a handle's memory lies, as its compact form names it. */
public final class Segments {
    private Segments() {}

    /** The name of the segment (in /dev/shm) that {@code handle}'s memory lies in. */
    public static String nameOf(Object handle) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(Codec.encodeCompact(handle)));
        in.readByte(); // the compact form's tag
        in.readUTF(); // the handle's class
        return in.readUTF();
    }
}
