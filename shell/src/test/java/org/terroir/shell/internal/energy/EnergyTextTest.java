package org.terroir.shell.internal.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.terroir.api.energy.CarbonCalculator;
import org.terroir.api.energy.EnergyUse;
import org.terroir.api.energy.GridIntensity;

class EnergyTextTest {
    /** A one-row table: the formatting, not the table, is under test here (the table is tested in hardware). */
    private static final CarbonCalculator FRANCE = new CarbonCalculator() {
        private final GridIntensity fr = new GridIntensity("FR", 56, "test", 2023);

        @Override
        public GridIntensity intensity() {
            return fr;
        }

        @Override
        public List<GridIntensity> table() {
            return List.of(fr);
        }

        @Override
        public Optional<GridIntensity> intensity(String country) {
            return Optional.of(fr).filter(g -> g.country().equalsIgnoreCase(country));
        }

        @Override
        public String countryName(GridIntensity intensity, Locale locale) {
            return new Locale("", intensity.country()).getDisplayCountry(locale);
        }
    };

    @Test
    void wattHoursWithCo2InBothLanguages() {
        EnergyUse use = new EnergyUse(0.21 * 3600, EnergyUse.Method.ESTIMATED, "x");
        assertEquals(" · ≈ 0.21 Wh · ≈ 0.01 g CO2e (France) · estimated",
                EnergyText.suffix(use, FRANCE, Locale.ENGLISH));
        assertEquals(" · ≈ 0,21 Wh · ≈ 0,01 g CO2e (France) · estimé",
                EnergyText.suffix(use, FRANCE, Locale.FRENCH));
    }

    @Test
    void joulesUnderATenthOfAWattHour() {
        EnergyUse use = new EnergyUse(42.25, EnergyUse.Method.MEASURED, "x");
        assertEquals(" · ≈ 42,2 J · < 0,01 g CO2e (France) · mesuré", EnergyText.suffix(use, FRANCE, Locale.FRENCH));
        assertEquals(" · ≈ 42.2 J · measured", EnergyText.suffix(use, null, Locale.ENGLISH));
    }

    @Test
    void unknownEnergyAddsNothing() {
        assertEquals("", EnergyText.suffix(null, FRANCE, Locale.ENGLISH));
    }

    @Test
    void frenchTextsAreFrench() {
        // (both languages' keys: shell's MessagesTest)
        assertEquals("estimé", EnergyText.TEXTS.bundle(Locale.FRENCH).getString("energy.method.estimated"));
    }
}
