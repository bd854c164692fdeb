package org.terroir.shell.internal;

import org.terroir.api.i18n.Texts;

/** The texts of the shell's core commands. */
final class ShellTexts {
    static final Texts TEXTS = Texts.of("org.terroir.shell.internal.messages", ShellTexts.class);

    private ShellTexts() {
    }
}
