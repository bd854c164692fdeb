package org.terroir.api.energy;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Turns energy into CO2-equivalent with the grid intensity of the configured country (configuration pid
 * {@code org.terroir.energy}, property {@code country}; the default is the country of the system's locale, or the
 * world average when it has none or the table does not know it).
 */
@ProviderType
public interface CarbonCalculator {
    String PID = "org.terroir.energy";

    /** The intensity in use. */
    GridIntensity intensity();

    /** Every country the table knows, {@link GridIntensity#WORLD} included. */
    List<GridIntensity> table();

    /** The intensity of a country ({@code FR}, {@code fr}, or {@code WORLD}); empty when the table lacks it. */
    Optional<GridIntensity> intensity(String country);

    /** Grams of CO2-equivalent for this much energy with {@link #intensity()}. */
    default double grams(double joules) {
        return intensity().grams(joules);
    }

    /** The country's name in the reader's language ({@code France}, {@code Allemagne}), or "world" for WORLD. */
    String countryName(GridIntensity intensity, Locale locale);
}
