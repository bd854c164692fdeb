package org.terroir.testkit.gguf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes one {@link TinyLlama} from the command line, for scripts (bench/run-engine) that need a model file:
 *
 * <pre>
 * java -cp testkit/target/classes org.terroir.testkit.gguf.WriteTinyModel ARCH SIZE TYPE OUT [SEED]
 *   ARCH  llama | qwen3 | qwen3moe | gemma3 | gemma4 | granite | smollm3
 *   SIZE  unit | small | a parameter count for {@link TinyLlama#bench(long)}: 600000000, 600M, 1.5G
 *   TYPE  F32 | F16 | Q8_0 | Q4_0
 * </pre>
 *
 * Prints the model's description; an existing OUT of the same size is rewritten anyway (writing is deterministic).
 */
public final class WriteTinyModel {
    private WriteTinyModel() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4 || args.length > 5) {
            System.err.println("usage: WriteTinyModel ARCH unit|small|PARAMS F32|F16|Q8_0|Q4_0 OUT [SEED]");
            System.exit(2);
        }
        Architecture architecture = Architecture.of(args[0]);
        TinyLlama.Builder builder = size(args[1]).architecture(architecture);
        if (!args[1].equals("unit") && !args[1].equals("small")) {
            builder.name("terroir-bench-" + architecture.ggufName() + "-" + args[1]);
        } else {
            builder.name("terroir-tiny-" + args[1] + "-" + architecture.ggufName());
        }
        builder.weightType(TensorType.valueOf(args[2].toUpperCase(Locale.ROOT)));
        if (args.length == 5) {
            builder.seed(Long.parseLong(args[4]));
        }
        TinyLlama model = builder.build();
        Path out = Path.of(args[3]);
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        long t0 = System.nanoTime();
        GgufLayout layout = model.write(out);
        System.out.printf("%s -> %s (%,d bytes, %.1f s)%n", model, out, layout.fileSize(), (System.nanoTime() - t0) / 1e9);
    }

    static TinyLlama.Builder size(String size) {
        switch (size) {
            case "unit": return TinyLlama.unitTest();
            case "small": return TinyLlama.small();
            default: return TinyLlama.bench(parameters(size));
        }
    }

    /** "600000000", "600M", "1.5G", "750k". */
    static long parameters(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        double scale = 1;
        char last = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
        if (last == 'K' || last == 'M' || last == 'G' || last == 'B') {
            scale = last == 'K' ? 1e3 : last == 'M' ? 1e6 : 1e9;
            t = t.substring(0, t.length() - 1);
        }
        try {
            long n = Math.round(Double.parseDouble(t) * scale);
            if (n <= 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a size: " + text + " (unit, small, or a parameter count like 600M)");
        }
    }
}
