package org.terroir.testkit.i18n;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one FR/EN parity check of Terroir's resource bundles: a module's test calls
 * {@code BundleParity.check(SomeClass.class, "org.terroir.x.internal.messages")} with each of its bundle names.
 * English is the base file ({@code messages.properties}), French {@code messages_fr.properties}, both UTF-8, as
 * {@code org.terroir.api.i18n.Texts} reads them. It fails (an {@link AssertionError} listing every problem) when:
 * a file is missing or empty; a key exists in one language only; the two languages of a text use different
 * placeholders; a text does not format through {@link MessageFormat} (a lone apostrophe that swallows the rest, a
 * placeholder left unfilled). Plain {@code AssertionError}s: no test library is needed to call it.
 */
public final class BundleParity {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\d+)[,}]");
    private static final int ARGUMENTS = 10;

    private BundleParity() {
    }

    /** Checks each bundle, read through {@code anchor}'s class loader. */
    public static void check(Class<?> anchor, String... baseNames) {
        check(anchor.getClassLoader(), baseNames);
    }

    /** Checks each bundle, read through {@code loader}. */
    public static void check(ClassLoader loader, String... baseNames) {
        if (baseNames.length == 0) {
            throw new IllegalArgumentException("name at least one bundle");
        }
        List<String> problems = new ArrayList<>();
        for (String baseName : baseNames) {
            problems.addAll(problems(loader, baseName));
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(problems.size() + " resource bundle problem(s):\n  " + String.join("\n  ",
                    problems));
        }
    }

    /** The problems of one bundle, one sentence each; empty when English and French match. */
    public static List<String> problems(ClassLoader loader, String baseName) {
        List<String> problems = new ArrayList<>();
        Properties en = load(loader, baseName, Locale.ENGLISH);
        Properties fr = load(loader, baseName, Locale.FRENCH);
        if (en == null || fr == null) {
            problems.add(baseName + ": no " + file(baseName, en == null ? Locale.ENGLISH : Locale.FRENCH));
            return problems;
        }
        if (en.isEmpty()) {
            problems.add(baseName + ": " + file(baseName, Locale.ENGLISH) + " has no text");
        }
        Set<String> onlyEn = new TreeSet<>(en.stringPropertyNames());
        onlyEn.removeAll(fr.stringPropertyNames());
        Set<String> onlyFr = new TreeSet<>(fr.stringPropertyNames());
        onlyFr.removeAll(en.stringPropertyNames());
        if (!onlyEn.isEmpty()) {
            problems.add(baseName + ": missing in French: " + onlyEn);
        }
        if (!onlyFr.isEmpty()) {
            problems.add(baseName + ": missing in English: " + onlyFr);
        }
        for (String key : new TreeSet<>(en.stringPropertyNames())) {
            String enPattern = en.getProperty(key);
            String frPattern = fr.getProperty(key);
            problems.addAll(formatProblems(baseName, key, Locale.ENGLISH, enPattern));
            if (frPattern == null) {
                continue;
            }
            problems.addAll(formatProblems(baseName, key, Locale.FRENCH, frPattern));
            if (!placeholders(enPattern).equals(placeholders(frPattern))) {
                problems.add(baseName + " " + key + ": placeholders " + placeholders(enPattern) + " in English but "
                        + placeholders(frPattern) + " in French");
            }
        }
        return problems;
    }

    private static List<String> formatProblems(String baseName, String key, Locale locale, String pattern) {
        String where = baseName + " " + key + " (" + locale.getLanguage() + ")";
        MessageFormat format;
        try {
            format = new MessageFormat(pattern, locale);
        } catch (IllegalArgumentException e) {
            return List.of(where + ": does not parse: " + e.getMessage());
        }
        // Each argument as its placeholder expects it ({0,number}, {1,date}, or plain text), and what it shows as.
        java.text.Format[] formats = format.getFormatsByArgumentIndex();
        Object[] args = new Object[ARGUMENTS];
        String[] shown = new String[ARGUMENTS];
        for (int i = 0; i < ARGUMENTS; i++) {
            java.text.Format f = i < formats.length ? formats[i] : null;
            if (f instanceof java.text.ChoiceFormat) {
                args[i] = 1;
                shown[i] = null;
            } else if (f instanceof java.text.NumberFormat) {
                args[i] = 4000 + i;
                shown[i] = f.format(args[i]);
            } else if (f instanceof java.text.DateFormat) {
                args[i] = new java.util.Date(0);
                shown[i] = f.format(args[i]);
            } else {
                args[i] = "<" + i + ">";
                shown[i] = (String) args[i];
            }
        }
        String text;
        try {
            text = format.format(args);
        } catch (IllegalArgumentException e) {
            return List.of(where + ": does not format: " + e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        for (int i : placeholders(pattern)) {
            if (i < ARGUMENTS && shown[i] != null && !text.contains(shown[i])) {
                // An apostrophe starts a quoted part in MessageFormat: a lone one swallows what follows.
                problems.add(where + ": {" + i + "} is lost when formatted (a lone apostrophe? write '' for one): "
                        + text);
            }
        }
        if (problems.isEmpty() && PLACEHOLDER.matcher(text).find()) {
            problems.add(where + ": a placeholder is left unfilled (a lone apostrophe before it?): " + text);
        }
        if (text.contains("''")) {
            problems.add(where + ": shows a doubled apostrophe: " + text);
        }
        return problems;
    }

    private static Set<Integer> placeholders(String pattern) {
        Set<Integer> found = new TreeSet<>();
        Matcher m = PLACEHOLDER.matcher(pattern);
        while (m.find()) {
            found.add(Integer.parseInt(m.group(1)));
        }
        return found;
    }

    private static String file(String baseName, Locale locale) {
        return baseName.replace('.', '/') + (Locale.ENGLISH.equals(locale) ? "" : "_" + locale.getLanguage())
                + ".properties";
    }

    private static Properties load(ClassLoader loader, String baseName, Locale locale) {
        try (InputStream in = loader.getResourceAsStream(file(baseName, locale))) {
            if (in == null) {
                return null;
            }
            Properties properties = new Properties();
            properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            return properties;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
