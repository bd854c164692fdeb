package org.terroir.testkit.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QuantizerTest {

    @Test
    void halfPrecisionKnownValues() {
        assertEquals((short) 0x3C00, Quantizer.toHalf(1f));
        assertEquals((short) 0xC000, Quantizer.toHalf(-2f));
        assertEquals((short) 0x0000, Quantizer.toHalf(0f));
        assertEquals((short) 0x8000, Quantizer.toHalf(-0f));
        assertEquals((short) 0x7BFF, Quantizer.toHalf(65504f));
        assertEquals((short) 0x7C00, Quantizer.toHalf(65520f), "rounds up to infinity");
        assertEquals((short) 0x0400, Quantizer.toHalf(0x1p-14f), "smallest normal");
        assertEquals((short) 0x0001, Quantizer.toHalf(0x1p-24f), "smallest subnormal");
        assertEquals((short) 0x0000, Quantizer.toHalf(0x1p-25f), "halfway to the smallest subnormal: ties to even");
        assertEquals((short) 0x2E66, Quantizer.toHalf(0.1f));
        assertEquals((short) 0x3C00, Quantizer.toHalf(1f + 0x1p-11f), "tie rounds to even (down)");
        assertEquals((short) 0x3C02, Quantizer.toHalf(1f + 3 * 0x1p-11f), "tie rounds to even (up)");
        assertTrue(Float.isNaN(Quantizer.fromHalf(Quantizer.toHalf(Float.NaN))));
    }

    @Test
    void everyHalfSurvivesARoundTrip() {
        for (int h = 0; h < 0x10000; h++) {
            float f = Quantizer.fromHalf((short) h);
            if (!Float.isNaN(f)) {
                assertEquals((short) h, Quantizer.toHalf(f), "half 0x" + Integer.toHexString(h));
            }
        }
    }

    @Test
    void q8_0BlockLayout() {
        float[] x = new float[32];
        for (int i = 0; i < 32; i++) {
            x[i] = i - 16; // -16 .. 15: amax 16
        }
        ByteBuffer out = ByteBuffer.allocate(34).order(ByteOrder.LITTLE_ENDIAN);
        Quantizer.q8_0(x, 0, out);
        assertEquals(34, out.position());
        assertEquals(Quantizer.toHalf(16f / 127), out.getShort(0));
        assertEquals(-127, out.get(2));
        assertEquals(0, out.get(2 + 16));
        assertEquals(Math.round(15 * 127f / 16), out.get(2 + 31));
    }

    @Test
    void q4_0BlockLayout() {
        float[] x = new float[32];
        for (int j = 0; j < 16; j++) {
            x[j] = j - 8;       // -8 .. 7, d = -8 / -8 = 1, q = x + 8 = j
            x[j + 16] = 7 - j;  // 7 .. -8, q = 15 - j
        }
        ByteBuffer out = ByteBuffer.allocate(18).order(ByteOrder.LITTLE_ENDIAN);
        Quantizer.q4_0(x, 0, out);
        assertEquals(18, out.position());
        assertEquals(Quantizer.toHalf(1f), out.getShort(0));
        for (int j = 0; j < 16; j++) {
            int b = out.get(2 + j) & 0xFF;
            assertEquals(j, b & 0x0F, "low nibble holds element " + j);
            assertEquals(15 - j, b >>> 4, "high nibble holds element " + (j + 16));
        }
    }

    @Test
    void quantisedValuesStayWithinOneStep() {
        Random random = new Random(7);
        for (int trial = 0; trial < 200; trial++) {
            float[] x = new float[32];
            for (int i = 0; i < 32; i++) {
                x[i] = (float) random.nextGaussian() * 0.02f;
            }
            ByteBuffer q8 = ByteBuffer.allocate(34).order(ByteOrder.LITTLE_ENDIAN);
            Quantizer.q8_0(x, 0, q8);
            float d8 = Quantizer.fromHalf(q8.getShort(0));
            ByteBuffer q4 = ByteBuffer.allocate(18).order(ByteOrder.LITTLE_ENDIAN);
            Quantizer.q4_0(x, 0, q4);
            float d4 = Quantizer.fromHalf(q4.getShort(0));
            for (int i = 0; i < 32; i++) {
                float v8 = q8.get(2 + i) * d8;
                int nibble = i < 16 ? q4.get(2 + i) & 0x0F : (q4.get(2 + i - 16) & 0xFF) >>> 4;
                float v4 = (nibble - 8) * d4;
                // half a step, plus the fp16 rounding of the scale (2^-11 relative) times up to 127 steps
                assertTrue(Math.abs(v8 - x[i]) <= Math.abs(d8) * 0.57f + 1e-6f, "q8 " + x[i] + " -> " + v8);
                assertTrue(Math.abs(v4 - x[i]) <= Math.abs(d4) * 1.01f + 1e-6f, "q4 " + x[i] + " -> " + v4);
            }
        }
    }

    @Test
    void allZeroBlocksEncodeAsZero() {
        ByteBuffer out = ByteBuffer.allocate(34 + 18);
        Quantizer.q8_0(new float[32], 0, out);
        Quantizer.q4_0(new float[32], 0, out);
        for (int i = 0; i < 34; i++) {
            assertEquals(0, out.get(i));
        }
        assertEquals(0f, Math.abs(Quantizer.fromHalf(out.getShort(34))), "d = -0 / 8, as in ggml");
        for (int i = 36; i < 52; i++) {
            assertEquals((byte) 0x88, out.get(i), "q = 8 means value 0");
        }
    }
}
