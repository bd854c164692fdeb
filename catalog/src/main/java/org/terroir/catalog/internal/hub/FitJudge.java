package org.terroir.catalog.internal.hub;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.terroir.api.NeedMoreBytesException;
import org.terroir.api.TerroirException;
import org.terroir.api.catalog.FitBadge;
import org.terroir.api.catalog.ModelFile;
import org.terroir.api.hardware.EstimateOptions;
import org.terroir.api.hardware.Fit;
import org.terroir.api.hardware.HardwareAdvisor;
import org.terroir.api.hardware.ModelShape;
import org.terroir.catalog.internal.Msg;

/**
 * Gives remote GGUF files a fit badge by reading only their header with HTTP ranges (2 MB first, more when the
 * reader asks) and asking the hardware advisor; ONNX files get theirs from their sizes. Without an advisor every badge is {@link FitBadge#UNKNOWN}.
 */
public final class FitJudge {
    static final int FIRST_BYTES = 2 << 20;
    static final int MAX_BYTES = 64 << 20;
    private static final List<String> PREFERRED = List.of("Q4_K_M", "Q4_K_S", "Q5_K_M", "IQ4_XS", "Q4_0", "Q5_K_S",
            "Q6_K", "Q8_0");

    private final HubClient hub;
    private final Supplier<HardwareAdvisor> advisor;
    private final Map<String, ModelFile> cache = new ConcurrentHashMap<>();
    private final int firstBytes;

    public FitJudge(HubClient hub, Supplier<HardwareAdvisor> advisor) {
        this(hub, advisor, FIRST_BYTES);
    }

    /** @param firstBytes the first range to read (tests use a small one to prove that more is fetched on demand) */
    /** Whether some engine installed here loads an architecture; null: nobody can tell. */
    private volatile java.util.function.Function<String, Boolean> engines = arch -> null;

    /** Tells the judge which architectures the installed engines load (see HuggingFaceCatalog). */
    public void engines(java.util.function.Function<String, Boolean> loads) {
        this.engines = loads == null ? arch -> null : loads;
    }

    public FitJudge(HubClient hub, Supplier<HardwareAdvisor> advisor, int firstBytes) {
        this.hub = hub;
        this.advisor = advisor;
        this.firstBytes = firstBytes;
    }

    public ModelFile judge(String repo, ModelFile f) {
        HardwareAdvisor a = advisor.get();
        if (!f.isGguf() || f.sizeBytes() <= 0) {
            return f.withFit(FitBadge.UNKNOWN, Msg.text("fit.not-gguf"));
        }
        if (a == null) {
            return f.withFit(FitBadge.UNKNOWN, Msg.text("fit.no-advisor"));
        }
        String key = repo + "/" + f.name() + "@" + f.sha256() + "#" + f.sizeBytes();
        ModelFile known = cache.get(key);
        if (known != null) {
            return known;
        }
        ModelFile judged = f.withFit(FitBadge.UNKNOWN, "");
        int len = (int) Math.min(f.sizeBytes(), firstBytes);
        try {
            while (true) {
                ByteBuffer prefix = hub.readPrefix(repo, f.name(), len);
                try {
                    ModelShape shape = a.shape(prefix, f.sizeBytes(), repo + "/" + f.name());
                    Fit fit = a.fit(shape, EstimateOptions.defaults());
                    judged = f.withFit(badge(fit), fit.reason());
                    String arch = shape.architecture();
                    if (Boolean.FALSE.equals(engines.apply(arch))) {
                        judged = f.withFit(FitBadge.UNSUPPORTED, Msg.text("fit.architecture", arch));
                    }
                    break;
                } catch (NeedMoreBytesException e) {
                    long next = Math.max(e.bytesNeeded(), 2L * len);
                    if (len >= f.sizeBytes() || next > MAX_BYTES) {
                        judged = f.withFit(FitBadge.UNKNOWN, Msg.text("fit.header-too-large", Msg.size(e.bytesNeeded())));
                        break;
                    }
                    len = (int) Math.min(f.sizeBytes(), next);
                }
            }
        } catch (TerroirException e) {
            return f.withFit(FitBadge.UNKNOWN, e.getMessage());
        }
        cache.put(key, judged);
        return judged;
    }

    /**
     * An ONNX file's badge from its size and that of its external data (the files of the same folder whose names
     * start with its name, e.g. {@code model.onnx_data}); nothing is read from the Hub but the listing.
     */
    public ModelFile judgeOnnx(ModelFile f, List<ModelFile> all) {
        HardwareAdvisor a = advisor.get();
        if (a == null) {
            return f.withFit(FitBadge.UNKNOWN, Msg.text("fit.no-advisor"));
        }
        String folder = folder(f.name());
        long bytes = all.stream().filter(o -> folder(o.name()).equals(folder) && o.name().startsWith(f.name()))
                .mapToLong(o -> Math.max(0, o.sizeBytes())).sum();
        try {
            Fit fit = a.fitOnnx(bytes, f.name());
            return f.withFit(badge(fit), fit.reason());
        } catch (TerroirException e) {
            return f.withFit(FitBadge.UNKNOWN, e.getMessage());
        }
    }

    private static String folder(String name) {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? "" : name.substring(0, slash);
    }

    static FitBadge badge(Fit fit) {
        return switch (fit.verdict()) {
            case FULL_GPU, CPU_ONLY -> FitBadge.FITS;
            case PARTIAL_GPU -> FitBadge.PARTLY_FITS;
            case TOO_LARGE -> FitBadge.TOO_LARGE;
        };
    }

    /** The file to pull when the user names no quantisation: a good 4-bit one, else the smallest GGUF. */
    public static ModelFile recommended(List<ModelFile> files) {
        List<ModelFile> gguf = files.stream().filter(ModelFile::isGguf)
                .filter(f -> !f.name().toLowerCase(java.util.Locale.ROOT).contains("mmproj"))
                .filter(f -> !f.name().matches(".*-0000[2-9]-of-\\d+\\.gguf")).toList();
        for (String q : PREFERRED) {
            for (ModelFile f : gguf) {
                if (q.equals(f.quantization())) {
                    return f;
                }
            }
        }
        return gguf.stream().filter(f -> f.sizeBytes() > 0)
                .min(java.util.Comparator.comparingLong(ModelFile::sizeBytes))
                .orElse(gguf.isEmpty() ? null : gguf.get(0));
    }
}
