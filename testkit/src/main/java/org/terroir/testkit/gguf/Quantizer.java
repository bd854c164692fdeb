package org.terroir.testkit.gguf;

import java.nio.ByteBuffer;

/**
 * Encoders for the block formats of ggml, written from the layouts of ggml-quants' reference quantisers
 * (one block = fp16 scale followed by the packed values).
 */
final class Quantizer {
    static final int QK = 32;

    private Quantizer() {
    }

    /** IEEE 754 binary16 of {@code f}, rounded to nearest even (Float.floatToFloat16 only came in Java 20). */
    static short toHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0xff) {
            return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
        }
        int e = exp - 127 + 15;
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign;
            }
            int m = mant | 0x800000;
            int shift = 14 - e;
            int half = m >> shift;
            int rem = m & ((1 << shift) - 1);
            int halfway = 1 << (shift - 1);
            if (rem > halfway || (rem == halfway && (half & 1) != 0)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >> 13);
        int rem = mant & 0x1fff;
        // a carry out of the mantissa correctly bumps the exponent (up to infinity)
        if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) {
            half++;
        }
        return (short) (sign | half);
    }

    static float fromHalf(short h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    /** Q8_0: scale d = max|x| / 127, then 32 signed bytes round(x / d). */
    static void q8_0(float[] x, int from, ByteBuffer out) {
        float amax = 0;
        for (int i = 0; i < QK; i++) {
            amax = Math.max(amax, Math.abs(x[from + i]));
        }
        float d = amax / 127f;
        float id = d != 0 ? 1f / d : 0f;
        out.putShort(toHalf(d));
        for (int i = 0; i < QK; i++) {
            out.put((byte) roundHalfAway(x[from + i] * id));
        }
    }

    /**
     * Q4_0: d = (the value of largest magnitude, sign kept) / -8, then 4-bit q = x / d + 8 clamped to 0..15, so that
     * x = (q - 8) * d. Byte j holds element j in its low nibble and element j + 16 in its high nibble.
     */
    static void q4_0(float[] x, int from, ByteBuffer out) {
        float amax = 0;
        float max = 0;
        for (int i = 0; i < QK; i++) {
            float v = x[from + i];
            if (Math.abs(v) > amax) {
                amax = Math.abs(v);
                max = v;
            }
        }
        float d = max / -8f;
        float id = d != 0 ? 1f / d : 0f;
        out.putShort(toHalf(d));
        for (int j = 0; j < QK / 2; j++) {
            int lo = Math.min(15, (int) (x[from + j] * id + 8.5f));
            int hi = Math.min(15, (int) (x[from + j + QK / 2] * id + 8.5f));
            out.put((byte) (lo | (hi << 4)));
        }
    }

    private static int roundHalfAway(float v) {
        return v >= 0 ? (int) (v + 0.5f) : -(int) (-v + 0.5f);
    }
}
