package org.terroir.chat.internal;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.terroir.api.chat.Preset;
import org.terroir.api.i18n.Texts;
import org.terroir.api.inference.Sampling;

/**
 * The built-in presets, for the tasks small models do well. Names, descriptions and system prompts come from
 * {@code presets.properties} / {@code presets_fr.properties}; sampling does not depend on the language.
 */
final class Presets {
    static final Texts TEXTS = Texts.of("org.terroir.chat.internal.presets", Presets.class);

    /** Ids in the order they are shown. */
    static final List<String> IDS = List.of("assistant", "grammar", "summary", "translation", "email", "brainstorm");

    private Presets() {
    }

    static List<Preset> all(Locale locale) {
        return IDS.stream().map(id -> preset(id, locale)).toList();
    }

    static Optional<Preset> find(String id, Locale locale) {
        return id == null || !IDS.contains(id) ? Optional.empty() : Optional.of(preset(id, locale));
    }

    private static Preset preset(String id, Locale locale) {
        return new Preset(id, Messages.text(TEXTS, locale, id + ".name"),
                Messages.text(TEXTS, locale, id + ".description"), Messages.text(TEXTS, locale, id + ".system"),
                sampling(id));
    }

    static Sampling sampling(String id) {
        Sampling base = Sampling.defaults();
        return switch (id) {
            // corrections and translations should be faithful, not creative
            case "grammar", "translation" -> base.withTemperature(0.2f);
            case "summary" -> base.withTemperature(0.3f);
            case "brainstorm" -> base.withTemperature(1.0f).withTopP(0.98f);
            default -> base;
        };
    }
}
