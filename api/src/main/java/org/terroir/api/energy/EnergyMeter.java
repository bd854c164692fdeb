package org.terroir.api.energy;

import java.time.LocalDate;
import java.util.OptionalLong;
import java.util.SortedMap;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Measures, or estimates, the energy a piece of work uses: open a {@link Window} before the work, close it after.
 *
 * <p>Opening and closing a window only reads a few counters (a few files under {@code /sys} and {@code /proc}, the
 * process's CPU time and the last GPU power sample taken in the background); neither blocks on a slow device, so it
 * may be called on a request thread.
 */
@ProviderType
public interface EnergyMeter {

    /**
     * Starts measuring the work of a process.
     *
     * @param processId the process doing the work (a model's worker), or empty for this JVM itself
     */
    Window open(OptionalLong processId);

    /** The energy the windows closed between {@code from} and {@code to} (both included, local dates) used. */
    EnergyTotal total(LocalDate from, LocalDate to);

    /**
     * The energy of each day from {@code from} to {@code to} (both included, local dates) that has any, in date
     * order: what a chart of days or months is drawn from.
     *
     * @since 1.2.0
     */
    SortedMap<LocalDate, EnergyTotal> daily(LocalDate from, LocalDate to);

    /** An open measurement. */
    interface Window {
        /**
         * Ends the measurement and says what the work used; records it in the day's total. A second call returns
         * the same value without recording it again.
         */
        EnergyUse close();
    }
}
