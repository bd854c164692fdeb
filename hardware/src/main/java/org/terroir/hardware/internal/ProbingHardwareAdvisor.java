package org.terroir.hardware.internal;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.terroir.api.NeedMoreBytesException;
import org.terroir.api.catalog.ModelLibrary;
import org.terroir.api.hardware.EstimateOptions;
import org.terroir.api.hardware.Fit;
import org.terroir.api.hardware.HardwareAdvisor;
import org.terroir.api.hardware.HardwareProfile;
import org.terroir.api.hardware.MemoryEstimate;
import org.terroir.api.hardware.ModelShape;
import org.terroir.api.hardware.Tier;
import org.terroir.api.hardware.TierAdvice;
import org.terroir.gguf.GgufNeedMoreBytesException;
import org.terroir.gguf.GgufReader;

/** The advisor service: a cached probe, the tier table, the estimator and the fit verdict. */
@Component(service = HardwareAdvisor.class, configurationPid = "org.terroir.hardware")
@Designate(ocd = ProbingHardwareAdvisor.Config.class)
public final class ProbingHardwareAdvisor implements HardwareAdvisor {

    @ObjectClassDefinition(name = "Terroir hardware advisor",
            description = "Constants of the memory estimator; the defaults were measured on the llama.cpp worker.")
    public @interface Config {
        @AttributeDefinition(description = "Resident memory of a llama.cpp worker process with no model, in MiB")
        long processBaselineMiB() default 70;

        @AttributeDefinition(description = "GPU memory a backend context takes before any tensor, in MiB")
        long gpuContextMiB() default 400;

        @AttributeDefinition(description = "Seconds a probed profile stays fresh (free memory changes)")
        long profileTtlSeconds() default 30;
    }

    private final HardwareProbe probe;
    private volatile MemoryEstimator estimator = new MemoryEstimator(Calibration.forThisMachine());
    private volatile long ttlMillis = 30_000;
    private volatile HardwareProfile cached;

    /** Where the models go, so that the free disk is read there (absent: TERROIR_HOME/models). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ModelLibrary library;

    public ProbingHardwareAdvisor() {
        this(HardwareProbe.system());
    }

    /** For tests: a probe over fake /sys and /proc trees. */
    public ProbingHardwareAdvisor(HardwareProbe probe) {
        this.probe = probe;
    }

    @Activate
    @Modified
    void configure(Config config) {
        Calibration base = Calibration.forThisMachine();
        estimator = new MemoryEstimator(new Calibration(config.processBaselineMiB() * Calibration.MIB,
                base.perVocabToken(), config.gpuContextMiB() * Calibration.MIB, base.repackQ4_0(),
                base.swaAwareCache()));
        ttlMillis = Math.max(0, config.profileTtlSeconds()) * 1000;
    }

    @Override
    public HardwareProfile profile() {
        HardwareProfile p = cached;
        Path folder = modelsFolder();
        if (p == null || p.probedAt().toEpochMilli() + ttlMillis < System.currentTimeMillis()
                || folder != null && !folder.equals(p.modelsDir())) {
            p = reprobe();
        }
        return p;
    }

    @Override
    public synchronized HardwareProfile reprobe() {
        Path folder = modelsFolder();
        HardwareProfile p = folder == null ? probe.probe() : probe.probe(folder);
        cached = p;
        return p;
    }

    private Path modelsFolder() {
        ModelLibrary lib = library;
        try {
            return lib == null ? null : lib.root();
        } catch (RuntimeException e) {
            return null; // a library going away: the default folder
        }
    }

    @Override
    public Tier tier() {
        return TierTable.tierOf(profile());
    }

    @Override
    public TierAdvice advice(Locale locale) {
        return TierTable.advice(profile(), locale);
    }

    @Override
    public MemoryEstimate estimate(Path modelFile, EstimateOptions options) {
        Optional<Path> onnx = OnnxEstimates.model(modelFile);
        if (onnx.isPresent()) {
            return estimateOnnx(OnnxEstimates.weightBytes(onnx.get()), modelFile.toString());
        }
        return estimate(GgufShapes.of(GgufReader.read(modelFile)), options);
    }

    @Override
    public ModelShape shape(ByteBuffer prefix, long fileSize, String source) {
        try {
            return GgufShapes.of(GgufReader.read(prefix, fileSize, source));
        } catch (GgufNeedMoreBytesException e) {
            // the api's type, so that callers need not import the gguf bundle
            throw new NeedMoreBytesException(e.code(), e.getMessage(), e.bytesNeeded(), e);
        }
    }

    @Override
    public MemoryEstimate estimateOnnx(long weightBytes, String source) {
        return OnnxEstimates.estimate(weightBytes, source);
    }

    @Override
    public Fit fitOnnx(long weightBytes, String source) {
        return OnnxEstimates.fit(weightBytes, source, profile());
    }

    @Override
    public MemoryEstimate estimate(ByteBuffer prefix, long fileSize, String source, EstimateOptions options) {
        return estimate(shape(prefix, fileSize, source), options);
    }

    @Override
    public MemoryEstimate estimate(ModelShape model, EstimateOptions options) {
        return estimator.estimate(model, options == null ? EstimateOptions.defaults() : options);
    }

    @Override
    public Fit fit(Path modelFile, EstimateOptions options) {
        Optional<Path> onnx = OnnxEstimates.model(modelFile);
        if (onnx.isPresent()) {
            return fitOnnx(OnnxEstimates.weightBytes(onnx.get()), modelFile.toString());
        }
        return fit(GgufShapes.of(GgufReader.read(modelFile)), options);
    }

    @Override
    public Fit fit(ByteBuffer prefix, long fileSize, String source, EstimateOptions options) {
        return fit(shape(prefix, fileSize, source), options);
    }

    @Override
    public Fit fit(ModelShape model, EstimateOptions options) {
        return new FitAdvisor(estimator).fit(model, options == null ? EstimateOptions.defaults() : options,
                profile());
    }
}
