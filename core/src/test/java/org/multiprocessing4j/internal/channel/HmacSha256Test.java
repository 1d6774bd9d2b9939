package org.multiprocessing4j.internal.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The hand-written HMAC-SHA256 agrees with the JDK's on every padding boundary. */
@Timeout(30)
class HmacSha256Test {
    @Test
    void sha256MatchesTheJdkAcrossBlockBoundaries() throws Exception {
        Random random = new Random(42);
        for (int length : new int[] {0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000}) {
            byte[] message = new byte[length];
            random.nextBytes(message);
            assertThat(HmacSha256.sha256(message))
                    .as("length %d", length)
                    .isEqualTo(MessageDigest.getInstance("SHA-256").digest(message));
        }
    }

    @Test
    void knownAnswerForAbc() {
        assertThat(HexFormat.of().formatHex(HmacSha256.sha256("abc".getBytes())))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void hmacMatchesTheJdkForShortExactAndLongKeys() throws Exception {
        Random random = new Random(7);
        for (int keyLength : new int[] {0, 16, 32, 64, 65, 200}) {
            for (int length : new int[] {0, 32, 100}) {
                byte[] key = new byte[keyLength];
                byte[] head = new byte[length / 3];
                byte[] tail = new byte[length - head.length];
                random.nextBytes(key);
                random.nextBytes(head);
                random.nextBytes(tail);
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
                if (key.length == 0) {
                    continue; // SecretKeySpec refuses an empty key; RFC 2104 allows it, we never use it
                }
                mac.update(head);
                assertThat(HmacSha256.mac(key, head, tail))
                        .as("key %d, message %d", keyLength, length)
                        .isEqualTo(mac.doFinal(tail));
            }
        }
    }
}
