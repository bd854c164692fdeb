package org.terroir.api.energy;

import java.util.Objects;

/**
 * How much CO2-equivalent a kilowatt-hour of a country's electricity emits, on average over a year.
 *
 * @param country       ISO 3166 alpha-2 code ({@code FR}), or {@code WORLD} for the world average
 * @param gramsPerKwh   grams of CO2-equivalent per kWh
 * @param source        where the figure comes from (for example {@code Ember}), shown in docs and by {@code energy}
 * @param year          the year the figure describes
 */
public record GridIntensity(String country, double gramsPerKwh, String source, int year) {
    public static final String WORLD = "WORLD";

    public GridIntensity {
        Objects.requireNonNull(country, "country");
        Objects.requireNonNull(source, "source");
        if (!(gramsPerKwh >= 0) || Double.isInfinite(gramsPerKwh)) {
            throw new IllegalArgumentException("grid intensity is a finite, non-negative number: " + gramsPerKwh);
        }
    }

    /** Grams of CO2-equivalent for this much energy. */
    public double grams(double joules) {
        return joules / 3_600_000.0 * gramsPerKwh;
    }
}
