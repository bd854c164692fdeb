package org.terroir.hardware.internal;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.terroir.api.hardware.Figure;
import org.terroir.api.hardware.GpuInfo;
import org.terroir.api.hardware.Source;

/**
 * GPU memory from the drivers themselves, because OSHI's figure is wrong where it matters (on Linux it sums PCI
 * BARs, on Apple Silicon it is 0).
 */
final class GpuSources {
    private static final System.Logger LOG = System.getLogger(GpuSources.class.getName());
    private static final long MIB = 1024L * 1024;

    private GpuSources() {
    }

    /** NVIDIA GPUs through {@code nvidia-smi}; empty when it is absent, fails or hangs (3 s timeout). */
    static List<GpuInfo> nvidiaSmi() {
        Process p;
        try {
            p = new ProcessBuilder("nvidia-smi", "--query-gpu=name,memory.total,memory.used",
                    "--format=csv,noheader,nounits").redirectErrorStream(true).start();
        } catch (IOException | RuntimeException e) {
            return List.of(); // not installed: the usual case without an NVIDIA driver
        }
        try (InputStream in = p.getInputStream()) {
            p.getOutputStream().close();
            if (!p.waitFor(3, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                LOG.log(Level.WARNING, "nvidia-smi did not answer within 3 s");
                return List.of();
            }
            String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return p.exitValue() == 0 ? parseNvidiaSmi(out) : List.of();
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return List.of();
        }
    }

    /** Lines "name, total MiB, used MiB". */
    static List<GpuInfo> parseNvidiaSmi(String out) {
        List<GpuInfo> gpus = new ArrayList<>();
        for (String line : out.split("\\R")) {
            String[] f = line.split(",");
            if (f.length < 3) {
                continue;
            }
            try {
                long total = Long.parseLong(f[1].trim()) * MIB;
                long used = Long.parseLong(f[2].trim()) * MIB;
                gpus.add(new GpuInfo(f[0].trim(), "NVIDIA", new Figure(total, Source.NVIDIA_SMI),
                        new Figure(Math.max(0, total - used), Source.NVIDIA_SMI), false));
            } catch (NumberFormatException e) {
                // "[N/A]" on some boards: skip the line rather than invent a figure
            }
        }
        return gpus;
    }

    /** AMD GPUs through the amdgpu driver's sysfs files under {@code drmRoot} (/sys/class/drm). */
    static List<GpuInfo> drm(Path drmRoot) {
        List<GpuInfo> gpus = new ArrayList<>();
        if (!Files.isDirectory(drmRoot)) {
            return gpus;
        }
        try (DirectoryStream<Path> cards = Files.newDirectoryStream(drmRoot, "card[0-9]*")) {
            List<Path> sorted = new ArrayList<>();
            cards.forEach(sorted::add);
            sorted.sort(null);
            for (Path card : sorted) {
                Path dev = card.resolve("device");
                long total = read(dev.resolve("mem_info_vram_total"));
                if (total <= 0 || card.getFileName().toString().contains("-")) {
                    continue; // connectors (card0-HDMI-A-1) and non-amdgpu cards have no such file
                }
                long used = read(dev.resolve("mem_info_vram_used"));
                String name = readString(dev.resolve("product_name"));
                if (name.isEmpty()) {
                    name = "AMD GPU " + readString(dev.resolve("device")) + " (" + card.getFileName() + ")";
                }
                gpus.add(new GpuInfo(name, "AMD", new Figure(total, Source.SYSFS_DRM),
                        used >= 0 ? new Figure(Math.max(0, total - used), Source.SYSFS_DRM) : Figure.unknown(),
                        false));
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "reading " + drmRoot + " failed", e);
        }
        return gpus;
    }

    /**
     * Apple Silicon: the GPU uses the system RAM; Metal lets one process use about two thirds of it (three
     * quarters from 36 GiB), its "recommended max working set".
     */
    static GpuInfo appleUnified(String cpuName, long ramTotal) {
        long share = ramTotal >= 36L * 1024 * MIB ? ramTotal * 3 / 4 : ramTotal * 2 / 3;
        String name = cpuName == null || cpuName.isBlank() ? "Apple GPU" : cpuName + " GPU";
        return new GpuInfo(name, "Apple", new Figure(share, Source.UNIFIED_MEMORY), Figure.unknown(), true);
    }

    private static long read(Path file) {
        String s = readString(file);
        try {
            return s.isEmpty() ? -1 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String readString(Path file) {
        try {
            return Files.isReadable(file) ? Files.readString(file).trim() : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
