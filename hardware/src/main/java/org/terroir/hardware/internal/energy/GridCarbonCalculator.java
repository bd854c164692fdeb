package org.terroir.hardware.internal.energy;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.terroir.api.energy.CarbonCalculator;
import org.terroir.api.energy.GridIntensity;
import org.terroir.api.i18n.Texts;

/** Grams of CO2e from joules, with the grid of the configured country or the locale's. */
@Component(service = CarbonCalculator.class, configurationPid = CarbonCalculator.PID)
@Designate(ocd = GridCarbonCalculator.Config.class)
public final class GridCarbonCalculator implements CarbonCalculator {
    static final Texts TEXTS = Texts.of("org.terroir.hardware.internal.energy.messages", GridCarbonCalculator.class);
    private static final System.Logger LOG = System.getLogger(GridCarbonCalculator.class.getName());

    @ObjectClassDefinition(name = "Terroir energy", description = "Which grid's carbon intensity turns energy into CO2e")
    public @interface Config {
        @AttributeDefinition(description = "ISO country code (FR, BE, CH, DE, ES, IT, CA, US) or WORLD; empty: the "
                + "country of the system's locale")
        String country() default "";
    }

    private volatile GridIntensity intensity;

    public GridCarbonCalculator() {
        this(Locale.getDefault(), "");
    }

    GridCarbonCalculator(Locale locale, String country) {
        intensity = choose(country, locale);
    }

    @Activate
    @Modified
    void configure(Map<String, Object> properties) {
        Object value = properties == null ? null : properties.get("country");
        intensity = choose(value == null ? "" : value.toString(), Locale.getDefault());
    }

    /** The configured country's row; the locale's when none is set; the world's when the table lacks either. */
    GridIntensity choose(String configured, Locale locale) {
        String wanted = configured == null ? "" : configured.trim();
        if (!wanted.isEmpty()) {
            Optional<GridIntensity> row = intensity(wanted);
            if (row.isPresent()) {
                return row.get();
            }
            LOG.log(System.Logger.Level.WARNING, TEXTS.get(Locale.ROOT, "carbon.unknown.country", wanted,
                    String.join(", ", table().stream().map(GridIntensity::country).toList())));
        }
        return intensity(locale.getCountry()).orElseGet(() -> intensity(GridIntensity.WORLD).orElseThrow());
    }

    @Override
    public GridIntensity intensity() {
        return intensity;
    }

    @Override
    public List<GridIntensity> table() {
        return GridTable.ROWS;
    }

    @Override
    public Optional<GridIntensity> intensity(String country) {
        if (country == null || country.isBlank()) {
            return Optional.empty();
        }
        String code = country.trim().toUpperCase(Locale.ROOT);
        return GridTable.ROWS.stream().filter(r -> r.country().equals(code)).findFirst();
    }

    @Override
    public String countryName(GridIntensity row, Locale locale) {
        if (GridIntensity.WORLD.equals(row.country())) {
            return TEXTS.get(locale, "carbon.world");
        }
        return new Locale("", row.country()).getDisplayCountry(locale);
    }
}
