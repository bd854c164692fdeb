package org.terroir.shell.internal;

import java.util.Locale;

import org.terroir.api.i18n.Texts;

/** The user's locale for number formats (a decimal comma in French). */
final class ShellLocale {
    private ShellLocale() {
    }

    static Locale get() {
        return Texts.locale();
    }
}
