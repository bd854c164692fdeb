package org.terroir.backend.llamacpp.worker;

import java.nio.file.Files;
import java.nio.file.Path;

import org.terroir.backend.llamacpp.protocol.Message;
import org.terroir.backend.llamacpp.worker.capi.NativeLlama;

import com.sun.jna.NativeLibrary;

/**
 * A GPU pack whose GPU backend did not start runs on the CPU: never silently. ggml logs nothing when a GPU plugin
 * fails to load, so the reason is found here: the driver's library missing, or no device.
 */
final class GpuCheck {
    private GpuCheck() {
    }

    /** A line for the user, or "" when the pack is a CPU pack or its GPU is in use. */
    static String notice(NativeLlama llama) {
        String kind = gpuKind(llama.pack());
        if (kind == null || llama.devices().stream().anyMatch(Message.Device::isGpu)) {
            return "";
        }
        // The loader library each GPU backend needs; Metal is part of macOS.
        String driver = switch (kind) {
            case "Vulkan" -> isWindows() ? "vulkan-1" : "vulkan";
            case "CUDA" -> "cuda";
            default -> null;
        };
        String reason = driver != null && !loads(driver)
                ? "its driver library (" + System.mapLibraryName(driver) + ") is not installed"
                : "no " + kind + " device was found";
        return "the " + kind + " engine pack runs on the CPU: " + reason;
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("win");
    }

    static String gpuKind(Path pack) {
        try (var files = Files.list(pack)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (name.contains("ggml-vulkan")) {
                    return "Vulkan";
                } else if (name.contains("ggml-cuda")) {
                    return "CUDA";
                } else if (name.contains("ggml-metal")) {
                    return "Metal";
                }
            }
        } catch (java.io.IOException e) {
            return null;
        }
        return null;
    }

    private static boolean loads(String library) {
        try {
            NativeLibrary.getInstance(library);
            return true;
        } catch (UnsatisfiedLinkError e) {
            return false;
        }
    }
}
