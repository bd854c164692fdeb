package org.terroir.hardware.internal.energy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * NVIDIA GPUs through {@code nvidia-smi}: on a background thread, once a second while a window is open, the board
 * power and utilisation of every GPU; the energy is power × time, summed over the GPUs that were busy (utilisation
 * above zero) so an idle card's draw is not charged to an answer. Each call is bounded (3 s, then the process is
 * killed); the request threads only read the running sum.
 */
final class NvidiaSmi implements GpuPower {
    private static final System.Logger LOG = System.getLogger(NvidiaSmi.class.getName());
    static final String QUERY = "--query-gpu=power.draw,utilization.gpu";
    private static final long PERIOD_MS = 1000;

    private final Path executable;
    private final ScheduledExecutorService sampler;
    private ScheduledFuture<?> task;
    private int demand;
    private volatile double joules;
    private long lastNanos;
    private volatile boolean broken;

    private NvidiaSmi(Path executable) {
        this.executable = executable;
        this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "terroir-energy-nvidia-smi");
            t.setDaemon(true);
            return t;
        });
    }

    /** nvidia-smi when it is on the PATH. */
    static Optional<NvidiaSmi> find() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, "nvidia-smi");
            if (Files.isExecutable(candidate)) {
                return Optional.of(new NvidiaSmi(candidate));
            }
        }
        return Optional.empty();
    }

    @Override
    public double joules() {
        return joules;
    }

    @Override
    public synchronized void demand(boolean on) {
        demand = Math.max(0, demand + (on ? 1 : -1));
        if (demand > 0 && task == null && !broken) {
            lastNanos = System.nanoTime();
            task = sampler.scheduleWithFixedDelay(this::sample, 0, PERIOD_MS, TimeUnit.MILLISECONDS);
        } else if (demand == 0 && task != null) {
            task.cancel(false);
            task = null;
        }
    }

    @Override
    public String source() {
        return "NVIDIA GPU (nvidia-smi power.draw × time)";
    }

    void close() {
        sampler.shutdownNow();
    }

    private void sample() {
        double watts;
        try {
            Process p = new ProcessBuilder(executable.toString(), QUERY, "--format=csv,noheader,nounits")
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(3, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return;
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                stop("nvidia-smi exited with " + p.exitValue() + ": " + out.strip());
                return;
            }
            watts = busyWatts(out);
        } catch (IOException e) {
            stop(e.getMessage());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        long now = System.nanoTime();
        synchronized (this) {
            joules += watts * (now - lastNanos) / 1e9;
            lastNanos = now;
        }
    }

    private synchronized void stop(String why) {
        broken = true;
        if (task != null) {
            task.cancel(false);
            task = null;
        }
        LOG.log(System.Logger.Level.INFO, "GPU energy not measured (nvidia-smi: " + why + ")");
    }

    /** The summed power of the busy GPUs in nvidia-smi's CSV ({@code 71.23, 45}); "[N/A]" fields count zero. */
    static double busyWatts(String csv) {
        double sum = 0;
        for (String line : csv.split("\\R")) {
            String[] f = line.split(",");
            if (f.length < 2) {
                continue;
            }
            double power = number(f[0]);
            double utilisation = number(f[1]);
            if (utilisation > 0 && power > 0) {
                sum += power;
            }
        }
        return sum;
    }

    private static double number(String s) {
        try {
            double v = Double.parseDouble(s.trim());
            return Double.isFinite(v) ? v : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
