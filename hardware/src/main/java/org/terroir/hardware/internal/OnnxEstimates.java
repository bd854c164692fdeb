package org.terroir.hardware.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.terroir.api.InvalidModelException;
import org.terroir.api.hardware.Fit;
import org.terroir.api.hardware.HardwareProfile;
import org.terroir.api.hardware.MemoryEstimate;
import org.terroir.api.hardware.MemorySplit;
import org.terroir.api.hardware.Verdict;

/**
 * What an ONNX model takes: ONNX Runtime runs in Terroir's own process, on the CPU, and holds the initializers
 * (the .onnx file and its external data) in RAM; on top of them come its arena for activations and the copies it
 * makes when it prepacks weights for its matrix kernels, here an eighth of the weights and at least 64 MiB, and
 * its native libraries and session, a fixed 48 MiB. Nothing of the graph is read, so the estimate is always
 * approximate and says so.
 */
final class OnnxEstimates {
    static final long MIB = 1L << 20;
    static final long MIN_WORKING = 64 * MIB;
    static final long RUNTIME = 48 * MIB;
    private static final List<String> MODEL_FILES = List.of("model.onnx", "onnx/model.onnx");

    private OnnxEstimates() {
    }

    /** The .onnx file a path names (itself, or model.onnx or onnx/model.onnx in a folder), if it is ONNX at all. */
    static Optional<Path> model(Path path) {
        if (path.getFileName() != null && path.getFileName().toString().endsWith(".onnx")) {
            return Optional.of(path);
        }
        if (Files.isDirectory(path)) {
            return MODEL_FILES.stream().map(path::resolve).filter(Files::isRegularFile).findFirst();
        }
        return Optional.empty();
    }

    /** Bytes of the model file and of the files beside it whose names start with its name (external data). */
    static long weightBytes(Path model) {
        if (!Files.isRegularFile(model)) {
            throw new InvalidModelException("onnx.missing", Messages.get("onnx.missing", model));
        }
        String name = model.getFileName().toString();
        try (Stream<Path> files = Files.list(model.toAbsolutePath().getParent())) {
            return files.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().startsWith(name))
                    .mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            return model.toFile().length();
        }
    }

    static MemoryEstimate estimate(long weightBytes, String source) {
        if (weightBytes <= 0) {
            throw new InvalidModelException("onnx.empty", Messages.get("onnx.empty", source));
        }
        long working = Math.max(MIN_WORKING, weightBytes / 8);
        return new MemoryEstimate(new MemorySplit(weightBytes, 0), MemorySplit.NONE, new MemorySplit(working, 0),
                new MemorySplit(RUNTIME, 0), 0, 0, 0, "", 0, true, List.of(Messages.get("onnx.bySize")));
    }

    static Fit fit(long weightBytes, String source, HardwareProfile profile) {
        MemoryEstimate e = estimate(weightBytes, source);
        long ram = profile.usableRam();
        boolean fits = e.ram() <= ram;
        String reason = (fits ? Messages.get("fit.cpu", Bytes.format(e.ram()), Bytes.format(ram))
                : Messages.get("fit.tooLarge", Bytes.format(e.ram()), Bytes.format(ram)))
                + " " + Messages.get("fit.approximate");
        return new Fit(fits ? Verdict.CPU_ONLY : Verdict.TOO_LARGE, reason, 0, 0, true, e);
    }
}
