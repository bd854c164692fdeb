package org.example.terroir.feature;

import java.util.List;

import org.osgi.service.component.annotations.Component;

/**
 * A Gogo shell command, {@code proverb} (or {@code example:proverb}): a component whose service carries the
 * {@code osgi.command.scope} and {@code osgi.command.function} properties; Gogo calls its public method of that name
 * and prints what it returns. It comes with the plugin's jar and leaves with it.
 */
@Component(service = ProverbCommand.class,
        property = {"osgi.command.scope=example", "osgi.command.function=proverb"})
public class ProverbCommand {
    static final List<String> PROVERBS = List.of(
            "Little by little, the bird builds its nest.",
            "The wine is drawn, it must be drunk.",
            "Who sows the wind reaps the storm.");

    /** The first proverb. */
    public String proverb() {
        return proverb(1);
    }

    /** Proverb number {@code n}, from 1; a clear message (no stack trace) when there is no such proverb. */
    public String proverb(int n) {
        if (n < 1 || n > PROVERBS.size()) {
            throw new IllegalArgumentException("proverb: choose a number from 1 to " + PROVERBS.size() + ", not " + n);
        }
        return PROVERBS.get(n - 1);
    }
}
