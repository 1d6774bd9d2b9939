package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Serial;
import java.io.StreamCorruptedException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A plugged-in serializer is used for items without a compact form, in the children too. */
@Timeout(60)
class SerializerTest {
    /** A point, which this serializer writes as text; Java serialization could not (not Serializable). */
    record Point(int x, int y) {}

    static final class PointSerializer implements Serializer {
        @Serial
        private static final long serialVersionUID = 1L;

        @Override
        public byte[] serialize(Object object) {
            if (!(object instanceof Point p)) {
                throw new IllegalArgumentException("PointSerializer writes Points, not " + object.getClass().getName());
            }
            return ("point:" + p.x() + "," + p.y()).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public Object deserialize(byte[] bytes) throws IOException {
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (!text.startsWith("point:")) {
                throw new StreamCorruptedException("not a point: " + text);
            }
            String[] xy = text.substring("point:".length()).split(",");
            return new Point(Integer.parseInt(xy[0]), Integer.parseInt(xy[1]));
        }
    }

    @AfterEach
    void restoreJavaSerialization() {
        Multiprocessing.setSerializer(null);
    }

    @Test
    void itemsGoThroughThePluggedInSerializerInParentAndChild() throws Exception {
        Multiprocessing.setSerializer(new PointSerializer());
        Queue<Object> toChild = new Queue<>();
        Queue<Object> toParent = new Queue<>();
        Process p = new Process(() -> {
            Point received = (Point) toChild.take();
            toParent.put(new Point(received.x() * 10, received.y() * 10));
            toParent.put(Multiprocessing.serializer().isPresent());
        });
        p.start();
        toChild.put(new Point(1, 2));
        assertThat(toParent.take()).isEqualTo(new Point(10, 20));
        assertThat(toParent.take()).isEqualTo(true);
        p.join();
        assertThat(p.exitCode()).hasValue(0);
    }

    @Test
    void aProcessWithoutTheSerializerCannotReadItemsWrittenWithItAndSaysSo() throws Exception {
        Queue<Object> q = new Queue<>();
        Multiprocessing.setSerializer(new PointSerializer());
        q.put(new Point(3, 4));
        Multiprocessing.setSerializer(null);
        assertThatThrownBy(q::take).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("plugged-in Serializer");
        q.put("the queue goes on");
        assertThat(q.take()).isEqualTo("the queue goes on");
    }
}
