package org.terroir.chat.internal;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.terroir.api.chat.Preset;
import org.terroir.api.i18n.Texts;
import org.terroir.api.inference.Sampling;

/**
 * The built-in presets: six general ones and ten for associations and collectives (minutes, press release, leaflet,
 * argument sheet, summary of a report, translation keeping the tone, proofreading, reply to an e-mail, social-media
 * post, plain language), their system prompts written as short explicit steps that a 3 to 8 B model follows. Names,
 * descriptions, prompts, examples and categories come from {@code presets.properties} / {@code presets_fr.properties};
 * sampling does not depend on the language.
 */
final class Presets {
    static final Texts TEXTS = Texts.of("org.terroir.chat.internal.presets", Presets.class);

    /** Ids in the order they are shown. */
    static final List<String> IDS = List.of("assistant", "grammar", "summary", "translation", "email", "brainstorm",
            "minutes", "press-release", "leaflet", "arguments", "report-summary", "tone-translation", "proofreading",
            "email-reply", "social-post", "plain-language");

    /** The category of each preset (a key {@code category.<id>} of the bundle). */
    static final Map<String, String> CATEGORY = Map.ofEntries(Map.entry("assistant", "general"),
            Map.entry("grammar", "texts"), Map.entry("summary", "texts"), Map.entry("translation", "texts"),
            Map.entry("email", "organising"), Map.entry("brainstorm", "general"), Map.entry("minutes", "organising"),
            Map.entry("press-release", "campaign"), Map.entry("leaflet", "campaign"),
            Map.entry("arguments", "campaign"), Map.entry("report-summary", "texts"),
            Map.entry("tone-translation", "texts"), Map.entry("proofreading", "texts"),
            Map.entry("email-reply", "organising"), Map.entry("social-post", "campaign"),
            Map.entry("plain-language", "texts"));

    /** The parts every preset has in both languages. */
    static final List<String> PARTS = List.of("name", "description", "system", "example");

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
                sampling(id), Messages.text(TEXTS, locale, "category." + CATEGORY.get(id)),
                Messages.text(TEXTS, locale, id + ".example"));
    }

    static Sampling sampling(String id) {
        Sampling base = Sampling.defaults();
        return switch (id) {
            // corrections and translations should be faithful, not creative
            case "grammar", "translation", "proofreading", "tone-translation", "plain-language" ->
                base.withTemperature(0.2f);
            case "summary", "report-summary", "minutes" -> base.withTemperature(0.3f).withMaxTokens(1024);
            case "press-release", "arguments", "email-reply" -> base.withTemperature(0.5f).withMaxTokens(1024);
            case "leaflet", "social-post" -> base.withTemperature(0.8f);
            case "brainstorm" -> base.withTemperature(1.0f).withTopP(0.98f);
            default -> base;
        };
    }
}
