package org.terroir.api.hardware;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Locale;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What this machine can run. GGUF estimates read metadata only, never tensor data, so they work before a model
 * is downloaded (from the first megabytes of the remote file). ONNX estimates come from the size of the weights
 * (the .onnx file and its external data), which ONNX Runtime holds in RAM, plus its working memory: they are
 * always {@link MemoryEstimate#approximate() approximate}.
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

    /**
     * Estimate for a local model: a GGUF file (read and validated by the gguf bundle; tensor data is not read), or
     * an ONNX model, named by its .onnx file or by its folder (model.onnx or onnx/model.onnx), whose weights are
     * that file and the files beside it whose names start with its name (external data).
     */
    MemoryEstimate estimate(Path modelFile, EstimateOptions options);

    /**
     * Estimate from the first bytes of a GGUF file whose total size is known (e.g. a file on the Hugging Face
     * Hub). Throws {@link org.terroir.api.NeedMoreBytesException} (it tells how many bytes it needs) when the
     * prefix is too short.
     */
    MemoryEstimate estimate(ByteBuffer prefix, long fileSize, String source, EstimateOptions options);

    /**
     * The shape read from the first bytes of a GGUF file (its architecture, metadata and tensor table), to estimate
     * it and fit it without reading it again. Throws {@link org.terroir.api.NeedMoreBytesException} when the prefix
     * is too short, an {@link org.terroir.api.InvalidModelException} when it is not GGUF.
     *
     * @since 1.1
     */
    ModelShape shape(ByteBuffer prefix, long fileSize, String source);

    /**
     * Estimate for an ONNX model of {@code weightBytes} (the .onnx file and its external data), e.g. a file on the
     * Hub whose size only is known. Runs on the CPU; approximate.
     *
     * @since 1.1
     */
    MemoryEstimate estimateOnnx(long weightBytes, String source);

    /** The fit verdict of an ONNX model of {@code weightBytes}; see {@link #estimateOnnx}. @since 1.1 */
    Fit fitOnnx(long weightBytes, String source);

    /** Estimate for a model shape built by hand or by another bundle. */
    MemoryEstimate estimate(ModelShape model, EstimateOptions options);

    /** The fit verdict of a local model (GGUF or ONNX, see {@link #estimate(Path, EstimateOptions)}) on this machine. */
    Fit fit(Path modelFile, EstimateOptions options);

    /** The fit verdict from the first bytes of a remote GGUF file; see {@link #estimate(ByteBuffer, long, String, EstimateOptions)}. */
    Fit fit(ByteBuffer prefix, long fileSize, String source, EstimateOptions options);

    /** The fit verdict of a model shape on this machine. */
    Fit fit(ModelShape model, EstimateOptions options);
}
