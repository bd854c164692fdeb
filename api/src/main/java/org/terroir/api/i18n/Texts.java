package org.terroir.api.i18n;

import java.text.MessageFormat;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.Objects;
import java.util.ResourceBundle;

/**
 * User-facing texts of one bundle, in the user's language. Every bundle keeps its texts in a resource bundle
 * ({@code messages.properties} in English, {@code messages_fr.properties} in French) and reads them through
 * this class, so that the language is decided in one place: the reader's (a request's, see {@code in}), else
 * {@code terroir.lang} (a property of the framework the api runs in; outside one, the system property), then
 * {@code TERROIR_LANG} (environment), then the system locale.
 */
public final class Texts {
    /** Framework (or system) property that sets the language, e.g. {@code fr} or {@code en}. */
    public static final String LANG_PROPERTY = "terroir.lang";
    /** Environment variable that sets the language when the property is absent. */
    public static final String LANG_ENV = "TERROIR_LANG";

    private final String baseName;
    private final ClassLoader loader;

    private Texts(String baseName, ClassLoader loader) {
        this.baseName = Objects.requireNonNull(baseName);
        this.loader = Objects.requireNonNull(loader);
    }

    /** Texts of the resource bundle {@code baseName} seen from {@code anchor}'s class loader. */
    public static Texts of(String baseName, Class<?> anchor) {
        return new Texts(baseName, anchor.getClassLoader());
    }

    private static final ThreadLocal<Locale> READER = new ThreadLocal<>();

    /**
     * Runs {@code work} with {@code reader}'s language for every text read on this thread through {@link #locale()}
     * (a web request answered in the page's language); the language before is restored after.
     *
     * @since org.terroir.api.i18n 1.1.0
     */
    public static <T> T in(Locale reader, java.util.function.Supplier<T> work) {
        Locale before = READER.get();
        READER.set(reader != null && reader.getLanguage().equals("fr") ? Locale.FRENCH : Locale.ENGLISH);
        try {
            return work.get();
        } finally {
            if (before == null) {
                READER.remove();
            } else {
                READER.set(before);
            }
        }
    }

    /**
     * The user's language: French or English (anything else falls back to English); inside {@link #in}, that
     * reader's.
     */
    public static Locale locale() {
        Locale reader = READER.get();
        if (reader != null) {
            return reader;
        }
        String lang = org.terroir.api.internal.FrameworkProperties.get(LANG_PROPERTY);
        if (lang == null || lang.isBlank()) {
            lang = System.getenv(LANG_ENV);
        }
        if (lang == null || lang.isBlank()) {
            lang = Locale.getDefault().getLanguage();
        }
        return lang.toLowerCase(Locale.ROOT).startsWith("fr") ? Locale.FRENCH : Locale.ENGLISH;
    }

    /** The text for {@code key} in the user's language, with {@link MessageFormat} arguments filled in. */
    public String get(String key, Object... args) {
        return get(locale(), key, args);
    }

    public String get(Locale locale, String key, Object... args) {
        String pattern;
        try {
            pattern = ResourceBundle.getBundle(baseName, locale, loader, ResourceBundle.Control
                    .getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES)).getString(key);
        } catch (MissingResourceException e) {
            // A missing text must not hide the error it was meant to explain.
            return key + (args.length == 0 ? "" : " " + java.util.Arrays.toString(args));
        }
        // Always through MessageFormat, so that quotes read the same with or without arguments ("l''API").
        return new MessageFormat(pattern, locale).format(args);
    }

    /**
     * The texts of exactly one language, without falling back to another: English is the base file
     * ({@code messages.properties}), French {@code messages_fr.properties}. Tests compare their key sets so that
     * no text exists in one language only.
     */
    public ResourceBundle bundle(Locale locale) {
        String file = baseName.replace('.', '/')
                + (locale.getLanguage().equals(Locale.ENGLISH.getLanguage()) ? "" : "_" + locale.getLanguage())
                + ".properties";
        try (java.io.InputStream in = loader.getResourceAsStream(file)) {
            if (in == null) {
                throw new MissingResourceException("no " + file, baseName, "");
            }
            return new java.util.PropertyResourceBundle(
                    new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
