package org.terroir.api.hardware;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Locale;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What this machine can run. Estimates read GGUF metadata only, never tensor data, so they work before a model
 * is downloaded (from the first megabytes of the remote file).
 *
 * <p>Errors are {@link org.terroir.api.TerroirException}s with localized messages: an unreadable file is an
 * {@link org.terroir.api.InvalidModelException}; metadata that are merely incomplete or absurd give an estimate
 * marked {@link MemoryEstimate#approximate()} with warnings, not an exception.
 */
@ProviderType
public interface HardwareAdvisor {

    /** The profile probed last (probing once on first use). */
    HardwareProfile profile();

    /** Probes the machine again (memory available, GPU memory free, disk free change over time). */
    HardwareProfile reprobe();

    /** This machine's tier. */
    Tier tier();

    /** This machine's tier explained in {@code locale}'s language, with what to try first. */
    TierAdvice advice(Locale locale);

    /** Estimate for a local GGUF file (read and validated by the gguf bundle; tensor data is not read). */
    MemoryEstimate estimate(Path ggufFile, EstimateOptions options);

    /**
     * Estimate from the first bytes of a GGUF file whose total size is known (e.g. a file on the Hugging Face
     * Hub). Throws the gguf bundle's {@code GgufNeedMoreBytesException} (an InvalidModelException that tells
     * how many bytes it needs) when the prefix is too short.
     */
    MemoryEstimate estimate(ByteBuffer prefix, long fileSize, String source, EstimateOptions options);

    /** Estimate for a model shape built by hand or by another bundle. */
    MemoryEstimate estimate(ModelShape model, EstimateOptions options);

    /** The fit verdict of a local GGUF file on this machine. */
    Fit fit(Path ggufFile, EstimateOptions options);

    /** The fit verdict from the first bytes of a remote GGUF file; see {@link #estimate(ByteBuffer, long, String, EstimateOptions)}. */
    Fit fit(ByteBuffer prefix, long fileSize, String source, EstimateOptions options);

    /** The fit verdict of a model shape on this machine. */
    Fit fit(ModelShape model, EstimateOptions options);
}
