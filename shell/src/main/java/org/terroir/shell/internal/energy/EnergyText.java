package org.terroir.shell.internal.energy;

import java.util.Locale;

import org.terroir.api.energy.CarbonCalculator;
import org.terroir.api.energy.EnergyUse;
import org.terroir.api.energy.GridIntensity;
import org.terroir.api.i18n.Texts;

/**
 * The energy part of the line shown after an answer: "≈ 0.21 Wh · ≈ 0.01 g CO2e (France) · estimated". Energy under
 * 0.1 Wh reads in joules (≈ 42 J), where watt-hours would only show zeros.
 */
public final class EnergyText {
    static final Texts TEXTS = Texts.of("org.terroir.shell.internal.energy.messages", EnergyText.class);
    /** Below this, joules: 0.1 Wh = 360 J. */
    static final double JOULES_BELOW = 360;

    private EnergyText() {
    }

    /** The suffix for the stats line (starting with " · "), or "" when the energy is unknown. */
    /** In the shell's language; {@code carbon} is the commands' optional reference (null: no CO2e). */
    public static String suffix(EnergyUse energy, CarbonCalculator carbon) {
        return suffix(energy, carbon, Texts.locale());
    }

    static String suffix(EnergyUse energy, CarbonCalculator carbon, Locale locale) {
        if (energy == null) {
            return "";
        }
        String amount = energy.joules() < JOULES_BELOW
                ? TEXTS.get(locale, "energy.joules", energy.joules())
                : TEXTS.get(locale, "energy.wh", energy.wattHours());
        String method = TEXTS.get(locale, "energy.method." + energy.method().name().toLowerCase(Locale.ROOT));
        if (carbon == null) {
            return " " + TEXTS.get(locale, "energy.line", amount, method);
        }
        GridIntensity grid = carbon.intensity();
        double grams = grid.grams(energy.joules());
        String co2 = grams < 0.01 && grams > 0 ? TEXTS.get(locale, "energy.co2.tiny")
                : TEXTS.get(locale, "energy.co2", grams);
        return " " + TEXTS.get(locale, "energy.line.co2", amount, co2, carbon.countryName(grid, locale), method);
    }
}
