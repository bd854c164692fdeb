package org.terroir.shell.internal.catalog;

import java.io.PrintStream;
import java.time.Duration;

import org.terroir.api.catalog.DownloadProgress;
import org.terroir.api.catalog.DownloadState;
import org.terroir.api.catalog.DownloadListener;
import org.terroir.shell.internal.Sizes;

/**
 * A one-line progress bar redrawn with carriage returns; messages (retry, resume) get a line of their own.
 */
final class ProgressBar implements DownloadListener {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private String lastMessage = "";
    private int lastLength;

    ProgressBar(PrintStream out) {
        this.out = out;
    }

    @Override
    public synchronized void progress(DownloadProgress p) {
        if (!p.message().isEmpty() && !p.message().equals(lastMessage) && !p.state().isFinal()) {
            clear();
            out.println("  " + p.message());
            lastMessage = p.message();
        }
        if (p.state() == DownloadState.QUEUED || p.state().isFinal()) {
            return;
        }
        String line = render(p);
        int pad = Math.max(0, lastLength - line.length());
        out.print("\r" + line + " ".repeat(pad));
        out.flush();
        lastLength = line.length();
    }

    /** Ends the bar's line. */
    synchronized void finish() {
        if (lastLength > 0) {
            out.println();
            lastLength = 0;
        }
    }

    private void clear() {
        if (lastLength > 0) {
            out.print("\r" + " ".repeat(lastLength) + "\r");
            lastLength = 0;
        }
    }

    static String render(DownloadProgress p) {
        double f = p.fraction();
        StringBuilder b = new StringBuilder("[");
        int filled = f < 0 ? 0 : (int) Math.round(f * WIDTH);
        b.append("#".repeat(filled)).append("-".repeat(WIDTH - filled)).append("] ");
        b.append(f < 0 ? "  ?%" : String.format("%3d%%", (int) Math.floor(f * 100)));
        b.append("  ").append(Sizes.human(p.bytes()));
        if (p.total() > 0) {
            b.append(" / ").append(Sizes.human(p.total()));
        }
        if (p.bytesPerSecond() > 0) {
            b.append("  ").append(Sizes.human((long) p.bytesPerSecond())).append("/s");
        }
        if (p.eta() != null) {
            b.append("  ETA ").append(eta(p.eta()));
        }
        if (p.state() == DownloadState.VERIFYING) {
            b.append("  sha256…");
        }
        return b.toString();
    }

    static String eta(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format("%d:%02d", s / 60, s % 60);
    }
}
