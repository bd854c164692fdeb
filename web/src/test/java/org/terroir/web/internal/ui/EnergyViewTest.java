package org.terroir.web.internal.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.LocalDate;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.terroir.api.energy.EnergyMeter;
import org.terroir.api.energy.EnergyTotal;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

/**
 * The page's day and month series from a ledger's days: the window of 31 days and 12 months, empty days and months
 * present as zero, days summed into their month across a year's end. The whole path with the real meter and
 * calculator is itest's EnergyIT; here the days are given, so that month and year boundaries can be chosen.
 */
class EnergyViewTest {

    /** The days of a ledger, as the real meter returns them for a range. */
    private static EnergyMeter days(SortedMap<LocalDate, EnergyTotal> ledger) {
        return new EnergyMeter() {
            @Override
            public Window open(OptionalLong processId) {
                throw new UnsupportedOperationException("not measured here");
            }

            @Override
            public EnergyTotal total(LocalDate from, LocalDate to) {
                throw new UnsupportedOperationException("the view reads days only");
            }

            @Override
            public SortedMap<LocalDate, EnergyTotal> daily(LocalDate from, LocalDate to) {
                return new TreeMap<>(ledger.subMap(from, to.plusDays(1)));
            }
        };
    }

    @Test
    void daysAndMonthsAcrossAYearsEnd() {
        SortedMap<LocalDate, EnergyTotal> ledger = new TreeMap<>();
        ledger.put(LocalDate.of(2025, 1, 31), new EnergyTotal(999, 0, 9)); // 13 months back: outside
        ledger.put(LocalDate.of(2025, 2, 3), new EnergyTotal(10, 0, 1));
        ledger.put(LocalDate.of(2025, 12, 31), new EnergyTotal(36, 36, 2));
        ledger.put(LocalDate.of(2026, 1, 1), new EnergyTotal(3600, 0, 3));
        ledger.put(LocalDate.of(2026, 1, 20), new EnergyTotal(7.2, 0, 1));
        LocalDate today = LocalDate.of(2026, 1, 20);

        JsonObject view = EnergyView.overview(days(ledger), null, Locale.ENGLISH, "", today);
        JsonArray daily = view.getAsJsonArray("days");
        assertEquals(31, daily.size());
        assertEquals("2025-12-21", daily.get(0).getAsJsonObject().get("date").getAsString());
        assertEquals("2026-01-20", daily.get(30).getAsJsonObject().get("date").getAsString());
        assertEquals(0, daily.get(1).getAsJsonObject().get("count").getAsLong(), "an empty day is a zero bar");
        assertEquals(36, daily.get(10).getAsJsonObject().get("joules").getAsDouble(), 1e-9, "2025-12-31");
        assertEquals(1.0, daily.get(11).getAsJsonObject().get("wh").getAsDouble(), 1e-9, "2026-01-01: 3600 J");

        JsonArray monthly = view.getAsJsonArray("months");
        assertEquals(12, monthly.size());
        assertEquals("2025-02", monthly.get(0).getAsJsonObject().get("month").getAsString());
        assertEquals(10, monthly.get(0).getAsJsonObject().get("joules").getAsDouble(), 1e-9);
        assertEquals(36, monthly.get(10).getAsJsonObject().get("joules").getAsDouble(), 1e-9, "2025-12");
        assertEquals(36, monthly.get(10).getAsJsonObject().get("measured_joules").getAsDouble(), 1e-9);
        assertEquals(3607.2, monthly.get(11).getAsJsonObject().get("joules").getAsDouble(), 1e-9, "2026-01");
        assertEquals(4, monthly.get(11).getAsJsonObject().get("count").getAsLong());

        assertEquals(7.2, view.getAsJsonObject("today").get("joules").getAsDouble(), 1e-9);
        assertEquals(3607.2, view.getAsJsonObject("month").get("joules").getAsDouble(), 1e-9);
        assertFalse(view.getAsJsonObject("today").has("co2_grams"), "no calculator: no CO2e, rather than a guess");
        assertFalse(view.has("country"));
    }

    @Test
    void withoutAMeterEveryBarIsZero() {
        JsonObject view = EnergyView.overview(null, null, Locale.FRENCH, "FR", LocalDate.of(2026, 3, 1));
        assertFalse(view.get("measuring").getAsBoolean());
        assertEquals("FR", view.get("configured_country").getAsString());
        assertEquals(31, view.getAsJsonArray("days").size());
        assertEquals(0, view.getAsJsonObject("month").get("count").getAsLong());
    }
}
