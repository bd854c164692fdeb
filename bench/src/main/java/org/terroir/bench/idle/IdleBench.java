package org.terroir.bench.idle;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.osgi.util.tracker.ServiceTracker;
import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.ModelManager;
import org.terroir.api.inference.Sampling;
import org.terroir.bench.Proc;
import org.terroir.launcher.Platform;
import org.terroir.testkit.gguf.TensorType;
import org.terroir.testkit.gguf.TinyLlama;

/**
 * A quiet idle: CPU seconds used over a window (default 60 s) by the platform with no model loaded, then by the
 * platform and a loaded but unused model's worker (after one answer), with resident memory; then idle unload set to
 * one minute through {@code conf/}: the worker must end (the process, so the OS frees its memory). No timed
 * assertion: the figures are printed. Arguments: window seconds (60).
 */
public final class IdleBench {
    private IdleBench() {
    }

    public static void main(String[] args) throws Exception {
        int window = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        Path dist = Path.of(System.getProperty(Platform.DIST_PROPERTY, "distribution/target/terroir"));
        Path work = Files.createTempDirectory("terroir-idle");
        Path model = work.resolve("idle.gguf");
        TinyLlama.small().weightType(TensorType.Q8_0).build().write(model);
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (Platform platform = Platform.start(dist, work.resolve("home"), false,
                Map.of(Platform.API_FROM_CLASSPATH, "true"))) {
            ServiceTracker<ModelManager, ModelManager> tracker = new ServiceTracker<>(platform.context(),
                    ModelManager.class, null);
            tracker.open(true);
            ModelManager models = tracker.waitForService(20_000);
            Thread.sleep(10_000); // start-up finishes (JIT, Jetty)
            long cpu0 = os.getProcessCpuTime();
            Thread.sleep(window * 1000L);
            double platformIdle = (os.getProcessCpuTime() - cpu0) / 1e9;
            System.out.printf(Locale.ROOT, "no model loaded: platform %.2f CPU s over %d s (%.2f %% of one core),"
                    + " RSS %.0f MB%n", platformIdle, window, 100 * platformIdle / window,
                    Proc.rssBytes(ProcessHandle.current().pid()) / 1e6);

            LoadedModel loaded = models.load(model.toString(), LoadOptions.defaults().withContextLength(1024)
                    .withThreads(2));
            loaded.generate(GenerationRequest.completion("the cat", Sampling.greedy(32)), t -> { }).await();
            List<ProcessHandle> workers = ProcessHandle.current().children()
                    .filter(p -> p.info().commandLine().orElse("").contains("WorkerMain")).toList();
            Thread.sleep(5_000);
            long p0 = os.getProcessCpuTime();
            long[] w0 = workers.stream().mapToLong(p -> Proc.cpuNanos(p.pid())).toArray();
            Thread.sleep(window * 1000L);
            double platformCpu = (os.getProcessCpuTime() - p0) / 1e9;
            System.out.printf(Locale.ROOT, "one model loaded, unused: platform %.2f CPU s over %d s (%.2f %%)%n",
                    platformCpu, window, 100 * platformCpu / window);
            for (int i = 0; i < workers.size(); i++) {
                double w = (Proc.cpuNanos(workers.get(i).pid()) - w0[i]) / 1e9;
                System.out.printf(Locale.ROOT, "  worker %d: %.2f CPU s over %d s (%.2f %%), RSS %.0f MB (model file"
                        + " %.0f MB)%n", workers.get(i).pid(), w, window, 100 * w / window,
                        Proc.rssBytes(workers.get(i).pid()) / 1e6, Files.size(model) / 1e6);
            }

            // Idle unload: set to one minute through conf/ as a person would (FileInstall hands it to
            // ConfigurationAdmin); the model, unused for longer than that already, must go and its worker end.
            long asked = System.nanoTime();
            Files.writeString(work.resolve("home/conf/org.terroir.runtime.cfg"), "idleUnloadMinutes=1\n");
            for (ProcessHandle w : workers) {
                boolean ended = w.onExit().completeOnTimeout(null, 120, java.util.concurrent.TimeUnit.SECONDS)
                        .get() != null;
                System.out.printf(Locale.ROOT, "idle unload (1 min, set after %d s unused): worker %d %s%n",
                        window + 5, w.pid(), ended ? String.format(Locale.ROOT, "ended %.1f s after the setting",
                                (System.nanoTime() - asked) / 1e9) : "still running after 120 s");
            }
            System.out.printf(Locale.ROOT, "after idle unload: %d model(s) loaded, platform RSS %.0f MB%n",
                    models.loaded().size(), Proc.rssBytes(ProcessHandle.current().pid()) / 1e6);
            tracker.close();
        }
    }


}
