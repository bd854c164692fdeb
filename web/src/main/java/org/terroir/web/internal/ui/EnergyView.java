package org.terroir.web.internal.ui;

import java.time.LocalDate;
import java.time.YearMonth;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;

import org.terroir.api.energy.CarbonCalculator;
import org.terroir.api.energy.EnergyMeter;
import org.terroir.api.energy.EnergyTotal;
import org.terroir.api.energy.EnergyUse;
import org.terroir.api.energy.GridIntensity;
import org.terroir.web.internal.Json;
import org.terroir.web.internal.openai.Responses;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonSerializer;

/**
 * The page's energy: each answer's {@code stats.energy} in the same shape as the API's {@code usage.energy} (with the
 * country's name in the page's language), a conversation's total, and the totals of the last 31 days and 12 months
 * for the page's chart ({@code GET /api/energy}).
 */
final class EnergyView {
    static final int DAYS = 31;
    static final int MONTHS = 12;

    private EnergyView() {
    }

    /** The page's JSON codec: {@link Json#UI}, with answers' energy written as the API writes it. */
    static Gson gson(Supplier<Locale> reader) {
        return Json.UI.newBuilder().registerTypeAdapter(EnergyUse.class, (JsonSerializer<EnergyUse>) (value, type,
                context) -> Responses.energy(value, Responses.carbon(), reader.get())).create();
    }

    /** A total: {@code joules}, {@code wh}, {@code measured_joules}, {@code count}, and its CO2e when known. */
    static JsonObject total(EnergyTotal total, CarbonCalculator carbon, Locale locale) {
        JsonObject o = new JsonObject();
        o.addProperty("joules", total.joules());
        o.addProperty("wh", total.wattHours());
        o.addProperty("measured_joules", total.measuredJoules());
        o.addProperty("count", total.count());
        Responses.carbon(o, total.joules(), carbon, locale);
        return o;
    }

    /**
     * The grid in use and the countries to choose from, today's and this month's totals, and one total per day (the
     * last {@value #DAYS}, empty days included) and per month (the last {@value #MONTHS}) for the chart.
     */
    static JsonObject overview(EnergyMeter meter, CarbonCalculator carbon, Locale locale, String configuredCountry,
            LocalDate today) {
        JsonObject view = new JsonObject();
        view.addProperty("configured_country", configuredCountry == null ? "" : configuredCountry);
        if (carbon != null) {
            GridIntensity grid = carbon.intensity();
            view.addProperty("country", grid.country());
            view.addProperty("country_name", carbon.countryName(grid, locale));
            view.addProperty("grid_g_per_kwh", grid.gramsPerKwh());
            view.addProperty("grid_source", grid.source() + ", " + grid.year());
            JsonArray countries = new JsonArray();
            for (GridIntensity row : carbon.table()) {
                JsonObject c = new JsonObject();
                c.addProperty("code", row.country());
                c.addProperty("name", carbon.countryName(row, locale));
                c.addProperty("grid_g_per_kwh", row.gramsPerKwh());
                countries.add(c);
            }
            view.add("countries", countries);
        }
        view.addProperty("measuring", meter != null);
        YearMonth firstMonth = YearMonth.from(today).minusMonths(MONTHS - 1L);
        LocalDate from = firstMonth.atDay(1).isBefore(today.minusDays(DAYS - 1L)) ? firstMonth.atDay(1)
                : today.minusDays(DAYS - 1L);
        SortedMap<LocalDate, EnergyTotal> days = meter == null ? new TreeMap<>() : meter.daily(from, today);
        JsonArray daily = new JsonArray();
        for (LocalDate d = today.minusDays(DAYS - 1L); !d.isAfter(today); d = d.plusDays(1)) {
            JsonObject o = total(days.getOrDefault(d, EnergyTotal.NONE), carbon, locale);
            o.addProperty("date", d.toString());
            daily.add(o);
        }
        view.add("days", daily);
        SortedMap<YearMonth, EnergyTotal> months = new TreeMap<>();
        for (YearMonth m = firstMonth; !m.isAfter(YearMonth.from(today)); m = m.plusMonths(1)) {
            months.put(m, EnergyTotal.NONE);
        }
        for (Map.Entry<LocalDate, EnergyTotal> e : days.entrySet()) {
            months.merge(YearMonth.from(e.getKey()), e.getValue(), EnergyView::sum);
        }
        JsonArray monthly = new JsonArray();
        months.forEach((m, t) -> {
            JsonObject o = total(t, carbon, locale);
            o.addProperty("month", m.toString());
            monthly.add(o);
        });
        view.add("months", monthly);
        view.add("today", total(days.getOrDefault(today, EnergyTotal.NONE), carbon, locale));
        view.add("month", total(months.get(YearMonth.from(today)), carbon, locale));
        return view;
    }

    static EnergyTotal sum(EnergyTotal a, EnergyTotal b) {
        return new EnergyTotal(a.joules() + b.joules(), a.measuredJoules() + b.measuredJoules(), a.count() + b.count());
    }
}
