package org.terroir.shell.internal;

import static org.terroir.shell.internal.ShellTexts.TEXTS;

import java.io.PrintStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.List;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.TreeMap;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.util.tracker.ServiceTracker;

/**
 * {@code help}: Terroir's commands with a summary in the user's language, and the options of one command. Gogo's
 * own help ({@code felix:help}) only knows the English texts compiled into the annotations.
 */
@Component(service = HelpCommand.class, property = {"osgi.command.scope=terroir", "osgi.command.function=help"})
public class HelpCommand {
    /**
     * The options' and arguments' texts in languages other than English (English is the {@link Descriptor}
     * annotations' text): {@code <command>.<option name without dashes>} or {@code <command>.arg<n>}.
     */
    static final org.terroir.api.i18n.Texts USAGE = org.terroir.api.i18n.Texts.of(
            "org.terroir.shell.internal.usage", HelpCommand.class);

    private ServiceTracker<Object, Object> tracker;

    /**
     * Commands are services of any type, told apart only by their properties, so a DS reference (typed by
     * interface) cannot follow them; a filtered tracker does, as Gogo itself does.
     */
    @Activate
    void activate(BundleContext context) throws InvalidSyntaxException {
        tracker = new ServiceTracker<>(context, context.createFilter("(osgi.command.scope=terroir)"), null);
        tracker.open(true);
    }

    @Deactivate
    void deactivate() {
        tracker.close();
    }

    /** Command name → the service object that has it, for every command of the terroir scope. */
    private Map<String, Object> commands() {
        Map<String, Object> commands = new TreeMap<>();
        ServiceReference<Object>[] references = tracker.getServiceReferences();
        if (references != null) {
            for (ServiceReference<Object> reference : references) {
                Object service = tracker.getService(reference);
                if (service != null) {
                    functions(reference.getProperty("osgi.command.function"))
                            .forEach(name -> commands.put(name, service));
                }
            }
        }
        return commands;
    }

    private static List<String> functions(Object value) {
        if (value instanceof String[] array) {
            return List.of(array);
        }
        return value == null ? List.of() : List.of(value.toString());
    }

    @Descriptor("list Terroir's commands, or show the options of one")
    public void help(CommandSession session, @Descriptor("a command") String... command) throws Exception {
        PrintStream out = session.getConsole();
        if (command.length == 0) {
            out.println(TEXTS.get("help.header"));
            commands().keySet().stream().filter(name -> !name.equals("welcome"))
                    .forEach(name -> out.printf("  %-14s %s%n", name, summary(name)));
            out.println(TEXTS.get("help.footer"));
            return;
        }
        String name = command[0];
        Object target = commands().get(name);
        if (target == null) {
            // Not ours: Gogo's own help knows the other scopes.
            Object result = session.execute("felix:help " + name);
            if (result != null) {
                out.println(session.format(result, org.apache.felix.service.command.Converter.INSPECT));
            }
            return;
        }
        out.println(name + " — " + summary(name));
        for (Method method : target.getClass().getMethods()) {
            if (implements_(method, name)) {
                describe(out, name, method);
            }
        }
    }

    private static String summary(String name) {
        try {
            TEXTS.bundle(org.terroir.api.i18n.Texts.locale()).getString("help." + name);
            return TEXTS.get("help." + name);
        } catch (MissingResourceException e) {
            return ""; // a command added by a plugin, without a summary here
        }
    }

    /** The key of a parameter's text in {@link #USAGE}. */
    static String usageKey(String command, Parameter p, int index) {
        org.apache.felix.service.command.Parameter option = p
                .getAnnotation(org.apache.felix.service.command.Parameter.class);
        return command + "." + (option != null ? option.names()[0].replaceFirst("^-+", "") : "arg" + index);
    }

    /** A parameter's text in the reader's language: the translation when there is one, else the annotation's. */
    private static String text(String command, Parameter p, int index) {
        java.util.Locale locale = org.terroir.api.i18n.Texts.locale();
        if (!locale.getLanguage().equals("en")) {
            try {
                java.util.ResourceBundle bundle = USAGE.bundle(locale);
                String key = usageKey(command, p, index);
                if (bundle.containsKey(key)) {
                    return bundle.getString(key);
                }
            } catch (MissingResourceException e) {
                // no translation for this language: English below
            }
        }
        return descriptor(p.getAnnotations());
    }

    /** Whether the method is the command: Gogo also maps {@code _import} to {@code import} (a Java keyword). */
    static boolean implements_(Method method, String command) {
        return method.getName().equals(command) || method.getName().equals("_" + command);
    }

    private static void describe(PrintStream out, String command, Method method) {
        StringBuilder usage = new StringBuilder("  ").append(command);
        StringBuilder options = new StringBuilder();
        String value = TEXTS.get("help.value");
        int index = 0;
        for (Parameter p : method.getParameters()) {
            if (p.getType() == CommandSession.class) {
                continue;
            }
            org.apache.felix.service.command.Parameter option = p
                    .getAnnotation(org.apache.felix.service.command.Parameter.class);
            String text = text(command, p, index++);
            if (option != null) {
                String names = String.join(", ", option.names());
                boolean flag = !org.apache.felix.service.command.Parameter.UNSPECIFIED.equals(option.presentValue());
                usage.append(" [").append(option.names()[0]).append(flag ? "" : " …").append(']');
                options.append(String.format("    %-24s %s%n", names + (flag ? "" : " <" + value + ">"), text));
            } else {
                usage.append(p.isVarArgs() ? " <" + text + ">…" : " <" + text + ">");
            }
        }
        out.println(usage);
        if (options.length() > 0) {
            out.print(options);
        }
    }

    private static String descriptor(Annotation[] annotations) {
        for (Annotation a : annotations) {
            if (a instanceof Descriptor d) {
                return d.value();
            }
        }
        return "";
    }
}
