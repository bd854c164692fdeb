package org.terroir.gguf;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.terroir.api.InvalidModelException;

/**
 * Random damage to the header must end in a clean accept or a clean {@link InvalidModelException}: never an
 * index, cast, arithmetic or memory error. The seed is fixed so a failure repeats.
 */
class MutatedGgufTest {

    @Test
    void randomDamageNeverEscapesAsAnotherException() {
        byte[] valid = TestGguf.tinyLlama().u32("general.alignment", 32).build();
        int header = (int) GgufReader.read(ByteBuffer.wrap(valid), valid.length, "valid").dataOffset();
        Random random = new Random(20261127);
        Set<String> codes = new TreeSet<>();
        int accepted = 0;
        for (int round = 0; round < 4000; round++) {
            byte[] bytes = valid.clone();
            int changes = 1 + random.nextInt(4);
            for (int c = 0; c < changes; c++) {
                int at = random.nextInt(header);
                // Half the time a plausible small value, half the time any byte: both reach different checks.
                bytes[at] = (byte) (random.nextBoolean() ? random.nextInt(256) : random.nextInt(5));
            }
            try {
                GgufReader.read(ByteBuffer.wrap(bytes), bytes.length, "mutant");
                accepted++;
            } catch (InvalidModelException e) {
                codes.add(e.code());
                assertTrue(e.code().startsWith("gguf."), e.code());
            } catch (RuntimeException | Error e) {
                fail("round " + round + ": " + e, e);
            }
        }
        // The damage reaches many different checks, and not every change breaks a file (a byte of a float).
        assertTrue(codes.size() >= 6, codes.toString());
        assertTrue(accepted > 0, "no mutant was accepted");
    }
}
