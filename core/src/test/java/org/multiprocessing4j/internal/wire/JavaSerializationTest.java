package org.multiprocessing4j.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.InvalidClassException;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class JavaSerializationTest {
    @Test
    void valuesRoundTrip() throws Exception {
        List<Object> value = List.of(1, "two", 3.0, List.of(4L));
        assertThat(JavaSerialization.fromBytes(JavaSerialization.toBytes(value, "a list"))).isEqualTo(value);
    }

    @Test
    void aValueThatCannotBeSerializedIsNamedWithItsClass() {
        List<Object> value = List.of(new Object());
        assertThatThrownBy(() -> JavaSerialization.toBytes(value, "the task"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot send the task to another process: class java.lang.Object is not Serializable");
    }

    @Test
    void theFilterRejectsAKnownGadgetClass() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            // A classic gadget, made by reflection: the module under test does not read java.management.
            out.writeObject(Class.forName("javax.management.BadAttributeValueExpException")
                    .getConstructor(Object.class).newInstance("x"));
        }
        assertThatThrownBy(() -> JavaSerialization.fromBytes(bytes.toByteArray()))
                .isInstanceOf(InvalidClassException.class)
                .hasMessageContaining("REJECTED");
    }

    @Test
    void garbageIsAnIoExceptionNotACrash() {
        assertThatThrownBy(() -> JavaSerialization.fromBytes("not serialized".getBytes()))
                .isInstanceOf(java.io.StreamCorruptedException.class);
    }
}
