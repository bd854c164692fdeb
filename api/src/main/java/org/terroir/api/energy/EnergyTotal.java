package org.terroir.api.energy;

/**
 * The energy many pieces of work used together.
 *
 * @param joules       the sum, in joules
 * @param measuredJoules the part of it read from hardware counters (the rest is estimated)
 * @param count        how many pieces of work
 */
public record EnergyTotal(double joules, double measuredJoules, long count) {
    public static final EnergyTotal NONE = new EnergyTotal(0, 0, 0);

    public double wattHours() {
        return joules / 3600.0;
    }

    public EnergyTotal plus(EnergyUse use) {
        return new EnergyTotal(joules + use.joules(),
                measuredJoules + (use.method() == EnergyUse.Method.MEASURED ? use.joules() : 0), count + 1);
    }
}
