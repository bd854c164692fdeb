package org.terroir.backend.llamacpp.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

import org.osgi.framework.Bundle;

/**
 * Takes the worker's class path out of this bundle: the embedded {@code lib/llama.jar}, and a {@code worker.jar}
 * assembled from the bundle's own worker and protocol classes, and the native library out of the llama jar.
 * They go to a cache folder named after the bundle
 * version and its install time, so an updated bundle never runs an old worker.
 */
final class BundleWorkerClasspath implements WorkerClasspath {
    static final List<String> WORKER_PACKAGES = List.of("org/terroir/backend/llamacpp/worker",
            "org/terroir/backend/llamacpp/worker/capi", "org/terroir/backend/llamacpp/protocol");

    private final Bundle bundle;
    private final Path folder;
    private List<Path> jars;
    private Optional<Path> nativeFolder;

    BundleWorkerClasspath(Bundle bundle, Path cacheRoot) {
        this.bundle = bundle;
        this.folder = cacheRoot.resolve(bundle.getVersion() + "-" + bundle.getLastModified());
    }

    @Override
    public synchronized List<Path> jars() {
        if (jars == null) {
            try {
                org.terroir.api.TerroirHome.createPrivateDirectories(folder);
                Path worker = folder.resolve("worker.jar");
                Path llama = folder.resolve("llama.jar");
                if (!Files.isRegularFile(worker)) {
                    writeAtomically(worker, this::writeWorkerJar);
                }
                if (!Files.isRegularFile(llama)) {
                    URL entry = bundle.getEntry("lib/llama.jar");
                    if (entry == null) {
                        throw new IOException("lib/llama.jar is missing from bundle " + bundle.getSymbolicName());
                    }
                    writeAtomically(llama, out -> {
                        try (InputStream in = entry.openStream()) {
                            in.transferTo(out);
                        }
                    });
                }
                jars = List.of(worker, llama);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return jars;
    }

    @Override
    public synchronized Optional<Path> nativeLibraryFolder() {
        if (nativeFolder == null) {
            nativeFolder = Optional.empty();
            String os = osFolder();
            String arch = archFolder();
            if (os != null && arch != null) {
                String entryName = "de/kherud/llama/" + os + "/" + arch + "/" + System.mapLibraryName("jllama");
                Path target = folder.resolve("native").resolve(System.mapLibraryName("jllama"));
                try (JarFile llama = new JarFile(jars().get(1).toFile())) {
                    ZipEntry entry = llama.getEntry(entryName);
                    if (entry != null) {
                        if (!Files.isRegularFile(target)) {
                            org.terroir.api.TerroirHome.createPrivateDirectories(target.getParent());
                            writeAtomically(target, out -> {
                                try (InputStream in = llama.getInputStream(entry)) {
                                    in.transferTo(out);
                                }
                            });
                        }
                        nativeFolder = Optional.of(target.getParent());
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return nativeFolder;
    }

    /** The library's own names for the operating system and processor (see de.kherud.llama.OSInfo). */
    private static String osFolder() {
        String name = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (name.contains("windows")) {
            return "Windows";
        } else if (name.contains("mac") || name.contains("darwin")) {
            return "Mac";
        } else if (name.contains("linux") && !System.getProperty("java.vm.vendor", "").contains("Android")) {
            return "Linux";
        }
        return null;
    }

    private static String archFolder() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (arch.equals("amd64") || arch.equals("x86_64")) {
            return "x86_64";
        } else if (arch.equals("aarch64") || arch.equals("arm64")) {
            return "aarch64";
        }
        return null;
    }

    private void writeWorkerJar(OutputStream out) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (JarOutputStream jar = new JarOutputStream(out, manifest)) {
            for (String pkg : WORKER_PACKAGES) {
                Enumeration<URL> entries = bundle.findEntries(pkg, "*.class", false);
                List<URL> urls = entries == null ? List.of() : Collections.list(entries);
                if (urls.isEmpty()) {
                    throw new IOException("no classes under " + pkg + " in bundle " + bundle.getSymbolicName());
                }
                for (URL url : urls) {
                    String path = url.getPath();
                    jar.putNextEntry(new JarEntry(path.substring(path.indexOf(pkg))));
                    try (InputStream in = url.openStream()) {
                        in.transferTo(jar);
                    }
                    jar.closeEntry();
                }
            }
        }
    }

    private interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Two platforms sharing a home may extract at once: each writes its own file, then renames it. */
    private static void writeAtomically(Path target, Content content) throws IOException {
        Path temp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
        try {
            try (OutputStream out = Files.newOutputStream(temp)) {
                content.writeTo(out);
            }
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

}
