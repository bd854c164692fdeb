package org.terroir.hardware.internal;

import java.util.Optional;

import org.terroir.api.hardware.EstimateOptions;
import org.terroir.api.hardware.Fit;
import org.terroir.api.hardware.GpuInfo;
import org.terroir.api.hardware.HardwareProfile;
import org.terroir.api.hardware.MemoryEstimate;
import org.terroir.api.hardware.ModelShape;
import org.terroir.api.hardware.Verdict;
import org.terroir.hardware.internal.MemoryEstimator.ModelFactsView;

/**
 * The fit verdict: the best placement that fits this machine (all layers on the GPU, then as many as fit, then
 * the CPU), and the largest context that still fits with it.
 */
public final class FitAdvisor {
    /** Smallest context worth running. */
    static final int MIN_CONTEXT = 512;

    private final MemoryEstimator estimator;

    public FitAdvisor(MemoryEstimator estimator) {
        this.estimator = estimator;
    }

    public Fit fit(ModelShape model, EstimateOptions options, HardwareProfile profile) {
        ModelFactsView view = MemoryEstimator.facts(model);
        Budget budget = Budget.of(profile);
        int layers = view.layers();
        Integer requested = options.gpuLayers();
        if (requested != null) {
            // The user chose the placement: judge that one only.
            MemoryEstimate e = estimator.estimate(view, options);
            int g = e.gpuLayers();
            if (g > 0 && budget.vram() <= 0) {
                return verdict(view, options, Verdict.TOO_LARGE, 0, e, budget,
                        Messages.get("fit.noGpu", g));
            }
            if (!budget.fits(e)) {
                return tooLarge(view, options, e, budget);
            }
            Verdict v = g == 0 ? Verdict.CPU_ONLY : g > layers ? Verdict.FULL_GPU : Verdict.PARTIAL_GPU;
            return verdict(view, options, v, g, e, budget, reason(v, e, budget, layers));
        }
        if (budget.vram() > 0) {
            MemoryEstimate full = estimator.estimate(view, options.withGpuLayers(-1));
            if (budget.fits(full)) {
                return verdict(view, options, Verdict.FULL_GPU, layers + 1, full, budget,
                        reason(Verdict.FULL_GPU, full, budget, layers));
            }
            int best = 0;
            int lo = 1;
            int hi = layers;
            while (lo <= hi) {
                // More layers on the GPU only add VRAM and remove RAM, so the largest count that fits is found
                // by bisection on the VRAM side; the RAM side is checked below.
                int mid = (lo + hi) >>> 1;
                MemoryEstimate e = estimator.estimate(view, options.withGpuLayers(mid));
                if (e.vram() <= budget.vram()) {
                    best = mid;
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            if (best > 0) {
                MemoryEstimate partial = estimator.estimate(view, options.withGpuLayers(best));
                if (budget.fits(partial)) {
                    return verdict(view, options, Verdict.PARTIAL_GPU, best, partial, budget,
                            reason(Verdict.PARTIAL_GPU, partial, budget, layers));
                }
            }
        }
        MemoryEstimate cpu = estimator.estimate(view, options.withGpuLayers(0));
        if (budget.fits(cpu)) {
            return verdict(view, options, Verdict.CPU_ONLY, 0, cpu, budget,
                    reason(Verdict.CPU_ONLY, cpu, budget, layers));
        }
        return tooLarge(view, options, cpu, budget);
    }

    private Fit tooLarge(ModelFactsView view, EstimateOptions options, MemoryEstimate e, Budget budget) {
        String why = budget.vram() > 0 && e.gpuLayers() > 0
                ? Messages.get("fit.tooLarge.gpu", Bytes.format(e.vram()), Bytes.format(budget.vram()),
                        Bytes.format(e.ram()), Bytes.format(budget.ram()))
                : Messages.get("fit.tooLarge", Bytes.format(e.ram()), Bytes.format(budget.ram()));
        return verdict(view, options, Verdict.TOO_LARGE, e.gpuLayers(), e, budget, why);
    }

    private Fit verdict(ModelFactsView view, EstimateOptions options, Verdict v, int gpuLayers, MemoryEstimate e,
            Budget budget, String reason) {
        int maxCtx = maxContext(view, options.withGpuLayers(v == Verdict.TOO_LARGE ? e.gpuLayers() : gpuLayers),
                budget);
        String full = reason;
        if (maxCtx > 0) {
            full += " " + Messages.get("fit.maxContext", maxCtx);
        } else if (maxCtx == 0) {
            full += " " + Messages.get("fit.noContext");
        }
        if (e.approximate()) {
            full += " " + Messages.get("fit.approximate");
        }
        return new Fit(v, full, v == Verdict.TOO_LARGE ? 0 : gpuLayers, maxCtx, e.approximate(), e);
    }

    /** Largest context up to the trained length (or the requested one if larger) that fits; 0 if none. */
    int maxContext(ModelFactsView view, EstimateOptions placed, HardwareProfile profile) {
        return maxContext(view, placed, Budget.of(profile));
    }

    private int maxContext(ModelFactsView view, EstimateOptions placed, Budget budget) {
        long upper = view.trainedContext();
        if (placed.contextLength() != null && placed.contextLength() > upper) {
            upper = placed.contextLength();
        }
        upper = Math.min(upper, Integer.MAX_VALUE / 2);
        if (!budget.fits(estimator.estimate(view, placed.withContextLength(MIN_CONTEXT)))) {
            return 0;
        }
        long lo = MIN_CONTEXT;
        long hi = upper;
        while (lo < hi) {
            long mid = (lo + hi + 1) >>> 1;
            if (budget.fits(estimator.estimate(view, placed.withContextLength((int) mid)))) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        // Report a round figure a user would type: a multiple of 256 when above it.
        return (int) (lo >= 256 ? lo / 256 * 256 : lo);
    }

    private static String reason(Verdict v, MemoryEstimate e, Budget budget, int layers) {
        return switch (v) {
            case FULL_GPU -> Messages.get("fit.full", layers, budget.gpuName(), Bytes.format(e.vram()),
                    Bytes.format(budget.vram()), Bytes.format(e.ram()), Bytes.format(budget.ram()));
            case PARTIAL_GPU -> Messages.get("fit.partial", e.gpuLayers(), layers, budget.gpuName(),
                    Bytes.format(e.vram()), Bytes.format(budget.vram()), Bytes.format(e.ram()),
                    Bytes.format(budget.ram()));
            case CPU_ONLY -> Messages.get(budget.vram() > 0 ? "fit.cpu.gpuTooSmall" : "fit.cpu",
                    Bytes.format(e.ram()), Bytes.format(budget.ram()));
            case TOO_LARGE -> Messages.get("fit.tooLarge", Bytes.format(e.ram()), Bytes.format(budget.ram()));
        };
    }

    /**
     * What a model may use. With unified memory (Apple Silicon) the GPU share and the RAM are the same memory,
     * so the whole estimate must fit the RAM as well.
     */
    record Budget(long ram, long vram, boolean unified, String gpuName) {
        static Budget of(HardwareProfile p) {
            Optional<GpuInfo> gpu = p.bestGpu();
            long vram = gpu.map(GpuInfo::usableVram).orElse(0L);
            return new Budget(p.usableRam(), vram, gpu.map(GpuInfo::unifiedMemory).orElse(false),
                    gpu.map(GpuInfo::name).orElse(""));
        }

        boolean fits(MemoryEstimate e) {
            if (e.vram() > vram) {
                return false;
            }
            return unified ? e.total() <= ram : e.ram() <= ram;
        }
    }
}
