package org.terroir.shell.internal;

import org.terroir.api.ModelDescriptor;
import org.terroir.api.i18n.Texts;

/** The texts of the shell's core commands, and the remote mark every answer's stats line shares. */
public final class ShellTexts {
    static final Texts TEXTS = Texts.of("org.terroir.shell.internal.messages", ShellTexts.class);

    private ShellTexts() {
    }

    /** Whether a model runs on another machine (its prompts leave this computer). */
    public static boolean remote(ModelDescriptor model) {
        return model != null && model.property(ModelDescriptor.REMOTE) != null;
    }

    /** " · remote: the prompt left this computer" after the stats of an answer written elsewhere, else nothing. */
    public static String remoteSuffix(boolean remote) {
        return remote ? " · " + TEXTS.get("stats.remote") : "";
    }
}
