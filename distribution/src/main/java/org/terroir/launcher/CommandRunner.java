package org.terroir.launcher;

import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;

/**
 * Runs a Gogo script through the framework's CommandProcessor. The launcher only sees the framework from the
 * outside (Gogo's classes live in a bundle), so it talks to the processor reflectively.
 */
final class CommandRunner {
    private final Platform platform;

    CommandRunner(Platform platform) {
        this.platform = platform;
    }

    int run(String script, InputStream in, PrintStream out, PrintStream err) {
        return platform.withService("org.apache.felix.service.command.CommandProcessor", Duration.ofSeconds(20),
                processor -> run(processor, script, in, out, err));
    }

    /**
     * The shell's own rule (its {@code WindowsPaths.protect}, also applied to the console's lines): Windows paths keep
     * their backslashes, {@code -c "load C:\Users\me\m.gguf"} as typed. The script unchanged without the shell.
     */
    private String protectWindowsPaths(String script) {
        org.osgi.framework.Bundle shell = platform.bundle("org.terroir.shell");
        if (shell == null) {
            return script;
        }
        try {
            return (String) shell.loadClass("org.terroir.shell.internal.WindowsPaths").getMethod("protect", String.class)
                    .invoke(null, script);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return script;
        }
    }

    private int run(Object processor, String script, InputStream in, PrintStream out, PrintStream err) {
        if (processor == null) {
            err.println("Gogo is not running: no CommandProcessor service.");
            return 2;
        }
        Object session = null;
        try {
            Method create = processor.getClass().getMethod("createSession", InputStream.class,
                    java.io.OutputStream.class, java.io.OutputStream.class);
            session = create.invoke(processor, in, out, err);
            // As in etc/gosh_profile: Terroir's commands win over same-named ones of other scopes (help).
            session.getClass().getMethod("put", String.class, Object.class).invoke(session, "SCOPE",
                    "terroir:gogo:felix:scr:*");
            Method execute = session.getClass().getMethod("execute", CharSequence.class);
            Object result = execute.invoke(session, protectWindowsPaths(script));
            if (result != null) {
                Method format = session.getClass().getMethod("format", Object.class, int.class);
                out.println(format.invoke(session, result, 0));
            }
            out.flush();
            return 0;
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            // TerroirException prints as its message alone; anything else shows its class to help a bug report.
            err.println(cause == null ? e.toString() : cause.toString());
            if (Boolean.getBoolean("terroir.debug") && cause != null) {
                cause.printStackTrace(err);
            }
            err.flush();
            return 1;
        } catch (ReflectiveOperationException e) {
            err.println("cannot run commands: " + e);
            return 2;
        } finally {
            if (session != null) {
                try {
                    session.getClass().getMethod("close").invoke(session);
                } catch (ReflectiveOperationException ignored) {
                    // closing a finished session cannot fail in a way that matters here
                }
            }
        }
    }
}
