package org.terroir.template;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;

/**
 * A model's Jinja chat template, compiled once and rendered as Hugging Face renders it: by the unmodified
 * {@code @huggingface/jinja} interpreter (Hugging Face's JavaScript Jinja, used by transformers.js), run in this
 * JVM by GraalJS, with the settings transformers uses ({@code trim_blocks}, {@code lstrip_blocks},
 * {@code tojson} with Python's spacing, {@code raise_exception}, {@code strftime_now}).
 *
 * <p>Thread-safe: each render borrows a JavaScript context of its own (a GraalJS context runs one thread at a
 * time); idle contexts are kept for the next render, since making one costs tens of milliseconds. Each render is
 * bounded by {@link Limits}: past the time or statement limit its context is cancelled and thrown away, and the
 * next render gets a fresh one. Close the template to free its contexts.
 *
 * <pre>{@code
 * try (ChatTemplate t = ChatTemplate.compile(ggufChatTemplate)) {
 *     String prompt = t.render(RenderInput.builder(messagesJson).addGenerationPrompt(true).bosToken("<s>").build());
 * }
 * }</pre>
 */
public final class ChatTemplate implements AutoCloseable {
    private static final int MAX_IDLE_CONTEXTS = 2;

    private final String source;
    private final Limits limits;
    private final ConcurrentLinkedDeque<Slot> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    private ChatTemplate(String source, Limits limits) {
        this.source = source;
        this.limits = limits;
    }

    /** {@link #compile(String, Limits)} with {@link Limits#DEFAULTS}. */
    public static ChatTemplate compile(String templateSource) {
        return compile(templateSource, Limits.DEFAULTS);
    }

    /**
     * Parses a template (CRLF and lone CR read as LF, see the module README).
     *
     * @throws TemplateException {@link TemplateException#SYNTAX} when it does not parse,
     *                           {@link TemplateException#TIMEOUT} when parsing runs past the limits
     */
    public static ChatTemplate compile(String templateSource, Limits limits) {
        ChatTemplate template = new ChatTemplate(SourcePreparer.prepare(Objects.requireNonNull(templateSource, "templateSource")),
                Objects.requireNonNull(limits, "limits"));
        template.idle.add(template.newSlot());
        return template;
    }

    /** The interpreter that renders, e.g. "@huggingface/jinja 0.5.13". */
    public static String interpreterVersion() {
        return Interpreter.VERSION;
    }

    public Limits limits() {
        return limits;
    }

    /**
     * Renders the template for one conversation.
     *
     * @throws TemplateException with one of its codes; the template stays usable afterwards
     */
    public String render(RenderInput input) {
        Objects.requireNonNull(input, "input");
        if (closed) {
            throw new IllegalStateException("chat template is closed");
        }
        Slot slot = idle.pollFirst();
        if (slot == null) {
            slot = newSlot();
        }
        String output;
        try {
            output = slot.render(input);
        } catch (RuntimeException | Error e) {
            if (slot.usable()) {
                release(slot);
            } else {
                slot.close();
            }
            throw e;
        }
        release(slot);
        return output;
    }

    /** Frees the idle contexts; renders in progress finish, and later ones fail. */
    @Override
    public void close() {
        closed = true;
        Slot slot;
        while ((slot = idle.pollFirst()) != null) {
            slot.close();
        }
    }

    private void release(Slot slot) {
        if (!closed && idle.size() < MAX_IDLE_CONTEXTS) {
            idle.addFirst(slot);
            if (closed && idle.remove(slot)) {
                slot.close();
            }
        } else {
            slot.close();
        }
    }

    private Slot newSlot() {
        Slot slot = new Slot(Interpreter.newContext(limits));
        slot.start("parse", limits.compileTimeout());
        try {
            Value bridge = Interpreter.loadBridge(slot.context);
            Value result = bridge.invokeMember("compile", source);
            slot.finish();
            if (!"ok".equals(result.getArrayElement(0).asString())) {
                String message = result.getArrayElement(1).asString();
                slot.close();
                throw new TemplateException(TemplateException.SYNTAX, "chat template does not parse: " + message);
            }
            slot.bridge = bridge;
            slot.template = result.getArrayElement(1);
            return slot;
        } catch (PolyglotException e) {
            TemplateException t = slot.failure(e);
            slot.close();
            throw t;
        }
    }

    /** One JavaScript context with this template compiled in it; used by one thread at a time. */
    private final class Slot {
        private static final int IDLE = 0;
        private static final int RUNNING = 1;
        private static final int KILLED = 2;
        private static final int BROKEN = 3;

        final Context context;
        Value bridge;
        Value template;
        private final AtomicInteger state = new AtomicInteger(IDLE);
        private ScheduledFuture<?> watchdog;
        private String what = "parse";
        private java.time.Duration timeout = limits.compileTimeout();

        Slot(Context context) {
            this.context = context;
        }

        void start(String what, java.time.Duration timeout) {
            this.what = what;
            this.timeout = timeout;
            context.resetLimits();
            state.set(RUNNING);
            watchdog = Interpreter.WATCHDOG.schedule(this::kill, timeout.toNanos(), TimeUnit.NANOSECONDS);
        }

        /** After the guest returned; throws the timeout when the watchdog got there first. */
        void finish() {
            watchdog.cancel(false);
            if (!state.compareAndSet(RUNNING, IDLE)) {
                throw timeout();
            }
        }

        private void kill() {
            if (state.compareAndSet(RUNNING, KILLED)) {
                try {
                    context.close(true);
                } catch (RuntimeException ignored) {
                    // closing a context that is being cancelled: nothing more to do
                }
            }
        }

        boolean usable() {
            return state.get() == IDLE;
        }

        String render(RenderInput in) {
            List<List<String>> variables = new ArrayList<>();
            for (Map.Entry<String, String> e : in.allVariablesJson().entrySet()) {
                variables.add(List.of(e.getKey(), e.getValue()));
            }
            ProxyExecutable strftime = args -> Strftime.format(args[0].asString(), LocalDateTime.now(in.clock()));
            start("render", limits.renderTimeout());
            Value result;
            try {
                result = bridge.invokeMember("render", template, in.messagesJson(), in.toolsJson(),
                        Json.write(variables), strftime);
                finish();
            } catch (PolyglotException e) {
                throw failure(e);
            }
            String status = result.getArrayElement(0).asString();
            String text = result.getArrayElement(1).asString();
            switch (status) {
                case "ok":
                    if (text.length() > limits.maxOutputChars()) {
                        throw tooLarge();
                    }
                    return text;
                case "raise":
                    throw new TemplateException(TemplateException.RAISE, "chat template refused the conversation: " + text, text);
                case "input":
                    throw new TemplateException(TemplateException.INPUT, "chat template input: " + text);
                case "length":
                    throw tooLarge();
                default:
                    throw new TemplateException(TemplateException.ERROR, "chat template failed: " + text);
            }
        }

        TemplateException failure(PolyglotException e) {
            watchdog.cancel(false);
            if (state.get() == KILLED) {
                return timeout();
            }
            state.set(BROKEN);
            if (e.isResourceExhausted()) {
                return new TemplateException(TemplateException.TIMEOUT, "chat template did not " + what + " within "
                        + limits.maxStatements() + " interpreter statements");
            }
            if (e.isCancelled()) {
                return new TemplateException(TemplateException.ERROR, "chat template " + what + " was cancelled");
            }
            String message = e.getMessage();
            if (message != null && message.endsWith("Invalid string length")) {
                return tooLarge();
            }
            return new TemplateException(TemplateException.ERROR, "chat template failed: " + message);
        }

        private TemplateException timeout() {
            state.set(KILLED);
            return new TemplateException(TemplateException.TIMEOUT, "chat template did not " + what + " within "
                    + timeout.toMillis() + " ms");
        }

        private TemplateException tooLarge() {
            return new TemplateException(TemplateException.TOO_LARGE, "chat template output is longer than "
                    + limits.maxOutputChars() + " characters");
        }

        void close() {
            if (watchdog != null) {
                watchdog.cancel(false);
            }
            try {
                context.close(true);
            } catch (RuntimeException ignored) {
                // already closed or cancelled
            }
        }
    }
}
