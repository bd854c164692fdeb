package org.terroir.api.energy;

import java.util.Objects;

/**
 * The energy a piece of work used.
 *
 * @param joules the energy, in joules (1 Wh = 3600 J)
 * @param method measured by a hardware counter, or estimated from CPU/GPU time and a power model
 * @param source what it came from, for people and docs (for example {@code RAPL package+dram} or
 *               {@code CPU time × 6 W per core (laptop class)})
 */
public record EnergyUse(double joules, Method method, String source) {
    public enum Method { MEASURED, ESTIMATED }

    public EnergyUse {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(source, "source");
        if (!(joules >= 0) || Double.isInfinite(joules)) {
            throw new IllegalArgumentException("energy is a finite, non-negative number of joules: " + joules);
        }
    }

    public double wattHours() {
        return joules / 3600.0;
    }
}
