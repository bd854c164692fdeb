package org.terroir.template;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.ResourceLimits;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;

/**
 * What every template shares: one GraalJS engine (so the parsed bundle is cached and each new context only runs
 * its top level), the two sources, and the watchdog thread that cancels renders past their time.
 */
final class Interpreter {
    static final String BUNDLE = "hf-jinja.cjs";
    static final String BRIDGE = "bridge.js";

    private static final Engine ENGINE = Engine.newBuilder("js")
            .option("engine.WarnInterpreterOnly", "false")
            .build();
    private static final Source MODULE_SHIM = Source.create("js", "var module = { exports: {} }; var exports = module.exports;");
    private static final Source BUNDLE_SOURCE = source(BUNDLE);
    private static final Source BRIDGE_SOURCE = source(BRIDGE);
    private static final Source EXPORTS = Source.create("js", "module.exports");
    static final String VERSION = version();

    static final ScheduledExecutorService WATCHDOG = watchdog();

    private Interpreter() {
    }

    /** A fresh context with the bundle and the bridge evaluated; returns the bridge object. */
    static Context newContext(Limits limits) {
        return Context.newBuilder("js")
                .engine(ENGINE)
                .allowExperimentalOptions(true)
                // Every JS string, the output included, stays within the output limit: a doubling loop stops early.
                .option("js.string-length-limit", Integer.toString(limits.maxOutputChars()))
                // tojson(sort_keys=true) uses localeCompare: the same order on every machine.
                .option("js.locale", "en")
                .resourceLimits(ResourceLimits.newBuilder().statementLimit(limits.maxStatements(), null).build())
                .build();
    }

    static Value loadBridge(Context context) {
        context.eval(MODULE_SHIM);
        context.eval(BUNDLE_SOURCE);
        Value exports = context.eval(EXPORTS);
        return context.eval(BRIDGE_SOURCE).execute(exports);
    }

    private static Source source(String name) {
        try (InputStream in = Interpreter.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource org/terroir/template/" + name
                        + " is missing: build the chat-template module with Maven (it fetches @huggingface/jinja)");
            }
            return Source.newBuilder("js", new String(in.readAllBytes(), StandardCharsets.UTF_8), name).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String version() {
        Properties p = new Properties();
        try (InputStream in = Interpreter.class.getResourceAsStream("hf-jinja.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("name", "@huggingface/jinja") + " " + p.getProperty("version", "?");
    }

    private static ScheduledExecutorService watchdog() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "chat-template-watchdog");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        return Executors.unconfigurableScheduledExecutorService(executor);
    }
}
