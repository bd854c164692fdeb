package org.terroir.hardware.internal.energy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;

import org.terroir.api.TerroirHome;
import org.terroir.api.energy.EnergyTotal;
import org.terroir.api.energy.EnergyUse;

/**
 * Every measured or estimated answer's energy, one line each ({@code 2026-12-02<TAB>12.345<TAB>MEASURED}) appended to
 * a private (0600) file, so day and month totals survive restarts and nothing is rewritten.
 */
final class EnergyLedger {
    private static final System.Logger LOG = System.getLogger(EnergyLedger.class.getName());
    private final Path file;

    EnergyLedger(Path file) {
        this.file = file;
    }

    synchronized void record(LocalDate day, EnergyUse use) {
        String line = day + "\t" + String.format(Locale.ROOT, "%.6f", use.joules()) + "\t" + use.method() + "\n";
        try {
            TerroirHome.createPrivateDirectories(file.getParent());
            if (!Files.exists(file)) {
                try {
                    Files.createFile(file, TerroirHome.privateFile());
                } catch (java.nio.file.FileAlreadyExistsException ignored) {
                    // Created meanwhile: append to it.
                }
            }
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.log(System.Logger.Level.WARNING, "energy total not recorded in " + file + ": " + e.getMessage());
        }
    }

    synchronized EnergyTotal total(LocalDate from, LocalDate to) {
        EnergyTotal total = EnergyTotal.NONE;
        for (EnergyTotal day : daily(from, to).values()) {
            total = new EnergyTotal(total.joules() + day.joules(), total.measuredJoules() + day.measuredJoules(),
                    total.count() + day.count());
        }
        return total;
    }

    /** The total of each day between {@code from} and {@code to} (both included) that has any. */
    synchronized SortedMap<LocalDate, EnergyTotal> daily(LocalDate from, LocalDate to) {
        SortedMap<LocalDate, EnergyTotal> days = new TreeMap<>();
        if (!Files.exists(file)) {
            return days;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "energy totals not readable in " + file + ": " + e.getMessage());
            return days;
        }
        for (String line : lines) {
            String[] f = line.split("\t");
            if (f.length != 3) {
                continue; // A line cut by a crash mid-write is skipped, not fatal.
            }
            try {
                LocalDate day = LocalDate.parse(f[0]);
                if (day.isBefore(from) || day.isAfter(to)) {
                    continue;
                }
                EnergyUse use = new EnergyUse(Double.parseDouble(f[1]), EnergyUse.Method.valueOf(f[2]), "ledger");
                days.merge(day, EnergyTotal.NONE.plus(use), (a, b) -> new EnergyTotal(a.joules() + b.joules(),
                        a.measuredJoules() + b.measuredJoules(), a.count() + b.count()));
            } catch (DateTimeParseException | IllegalArgumentException e) {
                // Same: a damaged line does not hide the others.
            }
        }
        return days;
    }
}
