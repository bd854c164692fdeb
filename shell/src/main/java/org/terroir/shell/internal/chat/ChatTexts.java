package org.terroir.shell.internal.chat;

import java.util.Locale;

import org.terroir.api.chat.AnswerStats;
import org.terroir.api.i18n.Texts;

/** The texts of the chat commands, in the user's language. */
final class ChatTexts {
    static final Texts TEXTS = Texts.of("org.terroir.shell.internal.chat.messages", ChatTexts.class);

    private ChatTexts() {
    }

    /**
     * The text, always through {@link java.text.MessageFormat}: {@link Texts#get} returns a pattern without
     * arguments as it is, which would show the doubled quotes of French elisions ({@code l''instant}).
     */
    static String get(String key, Object... args) {
        return TEXTS.get(key, args.length == 0 ? new Object[] {""} : args);
    }

    static String get(Locale locale, String key) {
        return TEXTS.get(locale, key, "");
    }

    /** The line shown after an answer. */
    static String statsLine(AnswerStats s, org.terroir.api.energy.CarbonCalculator carbon) {
        return statsLine(s, carbon, false);
    }

    /** The line shown after an answer, saying so when the model that wrote it runs on another machine. */
    static String statsLine(AnswerStats s, org.terroir.api.energy.CarbonCalculator carbon, boolean remote) {
        return get("stats", s.generatedTokens(), s.tokensPerSecond(), Math.round(s.timeToFirstTokenMs()),
                s.promptTokens(), get("finish." + s.finishReason().name().toLowerCase(Locale.ROOT)))
                + org.terroir.shell.internal.energy.EnergyText.suffix(s.energy(), carbon)
                + org.terroir.shell.internal.ShellTexts.remoteSuffix(remote);
    }
}
