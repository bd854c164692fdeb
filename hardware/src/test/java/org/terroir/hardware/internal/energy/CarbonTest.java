package org.terroir.hardware.internal.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.terroir.api.energy.GridIntensity;

class CarbonTest {
    private static final double KWH = 3_600_000;

    @Test
    void everyRequiredCountryHasASourcedFigure() {
        GridCarbonCalculator c = new GridCarbonCalculator(Locale.ROOT, "");
        Set<String> codes = new HashSet<>();
        for (GridIntensity g : c.table()) {
            codes.add(g.country());
            assertTrue(g.gramsPerKwh() > 0 && g.gramsPerKwh() < 1200, g.toString());
            assertTrue(!g.source().isBlank() && g.year() >= 2020, g.toString());
        }
        assertTrue(codes.containsAll(List.of("FR", "BE", "CH", "DE", "ES", "IT", "CA", "US", "WORLD")), codes.toString());
    }

    @Test
    void gramsPerCountry() {
        Map<String, Double> perKwh = Map.of("FR", 56.0, "BE", 138.0, "CH", 35.0, "DE", 381.0, "ES", 174.0,
                "IT", 288.0, "CA", 170.0, "US", 369.0, "WORLD", 481.0);
        perKwh.forEach((country, grams) -> {
            GridCarbonCalculator c = new GridCarbonCalculator(Locale.ROOT, country);
            assertEquals(country, c.intensity().country());
            assertEquals(grams, c.grams(KWH), 1e-9, country);
            assertEquals(grams / 1000, c.grams(3600), 1e-12, country + ": one Wh");
        });
    }

    @Test
    void defaultIsTheLocalesCountryThenTheWorld() {
        assertEquals("FR", new GridCarbonCalculator(Locale.FRANCE, "").intensity().country());
        assertEquals("CA", new GridCarbonCalculator(Locale.CANADA_FRENCH, "").intensity().country());
        assertEquals("WORLD", new GridCarbonCalculator(Locale.JAPAN, "").intensity().country());
        assertEquals("WORLD", new GridCarbonCalculator(Locale.ENGLISH, "").intensity().country());
    }

    @Test
    void configurationWinsAndAnUnknownCountryFallsBack() {
        assertEquals("DE", new GridCarbonCalculator(Locale.FRANCE, " de ").intensity().country());
        assertEquals("FR", new GridCarbonCalculator(Locale.FRANCE, "XX").intensity().country());
        GridCarbonCalculator c = new GridCarbonCalculator(Locale.FRANCE, "");
        c.configure(Map.of("country", "CH"));
        assertEquals("CH", c.intensity().country());
    }

    @Test
    void namesInTheReadersLanguage() {
        GridCarbonCalculator c = new GridCarbonCalculator(Locale.ROOT, "");
        assertEquals("Allemagne", c.countryName(c.intensity("DE").orElseThrow(), Locale.FRENCH));
        assertEquals("Germany", c.countryName(c.intensity("DE").orElseThrow(), Locale.ENGLISH));
        assertEquals("moyenne mondiale", c.countryName(c.intensity("WORLD").orElseThrow(), Locale.FRENCH));
    }
}
