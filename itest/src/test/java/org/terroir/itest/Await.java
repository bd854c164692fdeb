package org.terroir.itest;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting in the integration tests for what the platform does on its own threads (bundles, components, workers). */
public final class Await {
    /** Long enough for a slow CI machine; a condition that never comes true fails the test after it. */
    public static final Duration LIMIT = Duration.ofSeconds(30);

    private Await() {
    }

    /** Whether {@code condition} came true within {@link #LIMIT}, asked every 50 ms and once more at the end. */
    public static boolean until(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + LIMIT.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return condition.getAsBoolean();
    }
}
