package org.terroir.template;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds on one compilation or rendering, so that a hostile or broken template cannot hang or exhaust the
 * process that renders it.
 *
 * @param renderTimeout  wall-clock time for one {@code render}; past it the interpreter is cancelled and
 *                       {@link TemplateException#TIMEOUT} is thrown
 * @param compileTimeout wall-clock time to make one interpreter context and parse the template in it (at
 *                       {@code compile}, and when concurrent renders need one more context)
 * @param maxOutputChars the longest output, and the longest string the template may build on the way
 *                       (this is what stops exponential string doubling early)
 * @param maxStatements  JavaScript statements one render (or one compile) may execute (a few million per
 *                       second in the JDK 17 interpreter); a deterministic bound next to the clock
 */
public record Limits(Duration renderTimeout, Duration compileTimeout, int maxOutputChars, long maxStatements) {

    /**
     * Render 2 s, compile 10 s (the first compile in a JVM also starts the interpreter: about 1–3 s here),
     * 4 Mi chars (a 1 M-token context is about 4 M chars), 20 million statements (rendering 84 messages takes
     * about 0.1 million).
     */
    public static final Limits DEFAULTS = new Limits(Duration.ofSeconds(2), Duration.ofSeconds(10), 4 << 20, 20_000_000L);

    public Limits {
        positive(renderTimeout, "renderTimeout");
        positive(compileTimeout, "compileTimeout");
        if (maxOutputChars < 1) {
            throw new IllegalArgumentException("maxOutputChars must be positive: " + maxOutputChars);
        }
        if (maxStatements < 1) {
            throw new IllegalArgumentException("maxStatements must be positive: " + maxStatements);
        }
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }

    public Limits withRenderTimeout(Duration timeout) {
        return new Limits(timeout, compileTimeout, maxOutputChars, maxStatements);
    }

    public Limits withCompileTimeout(Duration timeout) {
        return new Limits(renderTimeout, timeout, maxOutputChars, maxStatements);
    }

    public Limits withMaxOutputChars(int chars) {
        return new Limits(renderTimeout, compileTimeout, chars, maxStatements);
    }

    public Limits withMaxStatements(long statements) {
        return new Limits(renderTimeout, compileTimeout, maxOutputChars, statements);
    }
}
