package org.terroir.shell.internal;

import static org.terroir.shell.internal.ShellTexts.TEXTS;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/** The banner of the interactive shell, in the user's language; silent in scripts. */
@Component(service = WelcomeCommand.class, property = {"osgi.command.scope=terroir",
        "osgi.command.function=welcome"})
public class WelcomeCommand {
    private boolean interactive;

    @Activate
    void activate(BundleContext context) {
        interactive = Boolean.parseBoolean(context.getProperty("terroir.interactive"));
    }

    @Descriptor("print the welcome text")
    public void welcome(CommandSession session) {
        if (interactive) {
            session.getConsole().println(TEXTS.get("welcome"));
        }
    }
}
