package org.terroir.api.catalog;

import java.util.Objects;

/**
 * A file of a model repository.
 *
 * @param name         path of the file in the repository, e.g. {@code qwen2.5-0.5b-instruct-q4_k_m.gguf}
 * @param quantization quantisation read from the name ({@code Q4_K_M}, {@code Q8_0}, {@code F16}, ...), or
 *                     {@code null} when the name says none
 * @param sizeBytes    size in bytes, -1 when unknown
 * @param sha256       SHA-256 of the content as the Hub lists it (lower-case hex), or {@code null}
 * @param fit          fit badge for this machine
 * @param fitDetail    why, in the user's language (may be empty)
 */
public record ModelFile(String name, String quantization, long sizeBytes, String sha256, FitBadge fit,
        String fitDetail) {
    public ModelFile {
        Objects.requireNonNull(name, "name");
        fit = fit == null ? FitBadge.UNKNOWN : fit;
        fitDetail = fitDetail == null ? "" : fitDetail;
    }

    public boolean isGguf() {
        return name.toLowerCase(java.util.Locale.ROOT).endsWith(".gguf");
    }

    public ModelFile withFit(FitBadge badge, String detail) {
        return new ModelFile(name, quantization, sizeBytes, sha256, badge, detail);
    }
}
