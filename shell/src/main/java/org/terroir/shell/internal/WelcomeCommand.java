package org.terroir.shell.internal;

import static org.terroir.shell.internal.ShellTexts.TEXTS;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/** The banner of the interactive shell, in the user's language; silent in scripts. */
@Component(service = WelcomeCommand.class, property = {"osgi.command.scope=terroir",
        "osgi.command.function=welcome", "osgi.command.function=exit", "osgi.command.function=quit"})
public class WelcomeCommand {
    private boolean interactive;
    private BundleContext context;

    @Activate
    void activate(BundleContext context) {
        this.context = context;
        interactive = Boolean.parseBoolean(context.getProperty("terroir.interactive"));
    }

    @Descriptor("leave Terroir: unload the models and stop the platform")
    public void exit(CommandSession session) {
        session.getConsole().println(TEXTS.get("bye"));
        // Stopping the framework from the shell's own thread would wait on itself.
        Thread stopper = new Thread(() -> {
            try {
                context.getBundle(0).stop();
            } catch (org.osgi.framework.BundleException | IllegalStateException e) {
                System.getLogger(WelcomeCommand.class.getName()).log(System.Logger.Level.WARNING, "stop failed", e);
            }
        }, "terroir-exit");
        stopper.start();
    }

    @Descriptor("same as exit")
    public void quit(CommandSession session) {
        exit(session);
    }

    @Descriptor("print the welcome text")
    public void welcome(CommandSession session) {
        if (interactive) {
            // The profile runs this in the console's session: from now on, Windows paths keep their backslashes.
            WindowsPaths.install(session);
            session.getConsole().println(TEXTS.get("welcome"));
        }
    }
}
