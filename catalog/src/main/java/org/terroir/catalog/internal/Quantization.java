package org.terroir.catalog.internal;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the quantisation a model file's name announces, the way GGUF publishers name their files. */
public final class Quantization {
    // Longest alternatives first so that Q4_K_M wins over Q4_K; the look-arounds keep "Q8" inside a word out.
    private static final Pattern QUANT = Pattern.compile(
            "(?<![A-Z0-9])(IQ[1-4]_(?:XXS|XS|NL|S|M)|TQ[12]_0|Q[2-8]_K(?:_(?:XXS|XS|S|M|L|XL))?|Q[4-8]_[01]"
                    + "|MXFP4(?:_MOE)?|BF16|FP16|F16|FP32|F32)(?![A-Z0-9])");

    private Quantization() {
    }

    /** {@code Q4_K_M} for {@code qwen2.5-7b-instruct-q4_k_m.gguf}; null when the name carries none. */
    public static String fromFileName(String fileName) {
        if (fileName == null) {
            return null;
        }
        String name = fileName;
        int slash = name.lastIndexOf('/');
        if (slash >= 0) {
            name = name.substring(slash + 1);
        }
        Matcher m = QUANT.matcher(name.toUpperCase(Locale.ROOT));
        String found = null;
        while (m.find()) {
            found = m.group(1); // the last one: "Llama-3-8B-F16-Q4_K_M.gguf" is a Q4_K_M made from an F16
        }
        if (found == null) {
            return null;
        }
        return switch (found) {
            case "FP16" -> "F16";
            case "FP32" -> "F32";
            default -> found;
        };
    }

    /** Whether a quantisation the user typed ({@code q4_k_m}, {@code Q4_K_M}) names this one. */
    public static boolean matches(String wanted, String actual) {
        return wanted != null && actual != null && wanted.replace('-', '_').equalsIgnoreCase(actual);
    }
}
