package org.terroir.catalog.internal.library;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.terroir.api.InvalidModelException;
import org.terroir.api.ModelFormat;
import org.terroir.api.TerroirException;
import org.terroir.api.catalog.ImportMode;
import org.terroir.api.catalog.LibraryModel;
import org.terroir.api.catalog.ModelLibrary;
import org.terroir.api.catalog.ModelSource;
import org.terroir.catalog.internal.Msg;
import org.terroir.catalog.internal.Quantization;
import org.terroir.gguf.GgufFile;
import org.terroir.gguf.GgufReader;

/**
 * Terroir's models on disk ({@code <root>/<owner>/<repo>/<file>}) plus those of other tools, used in place.
 * Files being downloaded end in {@code .part} (with a {@code .part.json} sidecar) and are never listed.
 */
public final class ModelStore implements ModelLibrary {
    public static final String PART = ".part";
    public static final String SIDECAR = ".part.json";
    private static final String OLLAMA_MODEL_LAYER = "application/vnd.ollama.image.model";

    private final Path root;
    private final List<ExternalRoot> externals;
    private final Map<Path, Facts> facts = new ConcurrentHashMap<>();
    private volatile List<LibraryModel> external;

    /** What the metadata said, remembered while the file's size and time stay the same. */
    private record Facts(long size, FileTime modified, String quantization, String architecture, String problem) {
    }

    public ModelStore(Path root, List<ExternalRoot> externals) {
        this.root = root.toAbsolutePath().normalize();
        this.externals = List.copyOf(externals);
    }

    @Override
    public Path root() {
        return root;
    }

    /** Where a repository file lives in the library; refuses names that would leave it. */
    public Path fileFor(String repo, String file) {
        if (repo == null || file == null || repo.indexOf('\0') >= 0 || file.indexOf('\0') >= 0 || repo.contains("..")
                || file.endsWith(PART) || file.endsWith(SIDECAR)) {
            // A name ending in .part or .part.json would be taken for a download under way and never listed.
            throw Msg.error("library.bad-name", String.valueOf(repo) + "/" + file);
        }
        Path p;
        Path repoDir;
        try {
            repoDir = root.resolve(repo).normalize();
            p = repoDir.resolve(file).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw Msg.error("library.bad-name", repo + "/" + file);
        }
        // Strictly inside the repository's folder: "." or "" would name the folder itself.
        if (!p.startsWith(repoDir) || p.equals(repoDir) || !repoDir.startsWith(root) || repoDir.equals(root)) {
            throw Msg.error("library.bad-name", repo + "/" + file);
        }
        return p;
    }

    public Path partFor(String repo, String file) {
        Path f = fileFor(repo, file);
        return f.resolveSibling(f.getFileName() + PART);
    }

    public Path sidecarFor(String repo, String file) {
        Path f = fileFor(repo, file);
        return f.resolveSibling(f.getFileName() + SIDECAR);
    }

    /** Moves a verified download into place, atomically where the file system allows it. */
    public LibraryModel install(Path part, String repo, String file) {
        Path target = fileFor(repo, file);
        try {
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw Msg.error(e, "library.io", target, e.getMessage());
        }
        return describe(repo + "/" + file, repo, file, target, ModelSource.TERROIR);
    }

    /** A model of Terroir's own library by repository and file (which must exist). */
    public LibraryModel own(String repo, String file) {
        return describe(repo + "/" + file, repo, file, fileFor(repo, file), ModelSource.TERROIR);
    }

    // ---------------------------------------------------------------- listing

    @Override
    public List<LibraryModel> list() {
        List<LibraryModel> all = new ArrayList<>(own());
        all.addAll(externalModels());
        return all;
    }

    public List<LibraryModel> own() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<LibraryModel> models = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.filter(Files::isRegularFile).filter(ModelStore::isModelFile).sorted().forEach(p -> {
                Path rel = root.relativize(p);
                if (rel.getNameCount() < 3) {
                    return;
                }
                String repo = rel.getName(0) + "/" + rel.getName(1);
                String file = rel.subpath(2, rel.getNameCount()).toString().replace('\\', '/');
                models.add(describe(repo + "/" + file, repo, file, p, ModelSource.TERROIR));
            });
        } catch (IOException e) {
            throw Msg.error(e, "library.io", root, e.getMessage());
        }
        return models;
    }

    private List<LibraryModel> externalModels() {
        List<LibraryModel> e = external;
        return e != null ? e : scan();
    }

    @Override
    public List<LibraryModel> scan() {
        List<LibraryModel> found = new ArrayList<>();
        for (ExternalRoot r : externals) {
            if (!Files.isDirectory(r.path())) {
                continue;
            }
            try {
                switch (r.source()) {
                    case LM_STUDIO -> scanLmStudio(r.path(), found);
                    case HUGGING_FACE_CACHE -> scanHfCache(r.path(), found);
                    case OLLAMA -> scanOllama(r.path(), found);
                    default -> { }
                }
            } catch (IOException | UncheckedIOException e) {
                System.getLogger(ModelStore.class.getName()).log(System.Logger.Level.WARNING,
                        "cannot scan " + r.path() + ": " + e.getMessage());
            }
        }
        external = List.copyOf(found);
        return external;
    }

    /** LM Studio keeps {@code <owner>/<repo>/<file>.gguf}, the same layout as ours. */
    private void scanLmStudio(Path base, List<LibraryModel> out) throws IOException {
        try (Stream<Path> s = Files.walk(base, 6)) {
            s.filter(Files::isRegularFile).filter(p -> p.toString().toLowerCase(Locale.ROOT).endsWith(".gguf")).sorted()
                    .forEach(p -> {
                        Path rel = base.relativize(p);
                        if (rel.getNameCount() < 3) {
                            return;
                        }
                        String repo = rel.getName(0) + "/" + rel.getName(1);
                        String file = rel.subpath(2, rel.getNameCount()).toString().replace('\\', '/');
                        out.add(describe(repo + "/" + file, repo, file, p, ModelSource.LM_STUDIO));
                    });
        }
    }

    /** The Hub's cache: {@code models--<owner>--<repo>/snapshots/<revision>/<file>} (symbolic links to blobs). */
    private void scanHfCache(Path base, List<LibraryModel> out) throws IOException {
        try (Stream<Path> repos = Files.list(base)) {
            for (Path repoDir : repos.sorted().toList()) {
                String dir = repoDir.getFileName().toString();
                if (!dir.startsWith("models--") || !Files.isDirectory(repoDir.resolve("snapshots"))) {
                    continue;
                }
                String[] parts = dir.substring("models--".length()).split("--", 2);
                String repo = parts.length == 2 ? parts[0] + "/" + parts[1] : parts[0];
                // The same file may sit in several snapshots: keep the newest.
                Map<String, Path> newest = new LinkedHashMap<>();
                try (Stream<Path> snaps = Files.list(repoDir.resolve("snapshots"))) {
                    List<Path> ordered = snaps.filter(Files::isDirectory)
                            .sorted(Comparator.comparing(ModelStore::modified)).toList();
                    for (Path snap : ordered) {
                        try (Stream<Path> files = Files.walk(snap, 4)) {
                            files.filter(p -> p.toString().toLowerCase(Locale.ROOT).endsWith(".gguf"))
                                    .filter(Files::isRegularFile) // follows the link: a missing blob is skipped
                                    .forEach(p -> newest.put(snap.relativize(p).toString().replace('\\', '/'), p));
                        }
                    }
                }
                newest.forEach((file, p) -> out.add(describe(repo + "/" + file, repo, file, p,
                        ModelSource.HUGGING_FACE_CACHE)));
            }
        }
    }

    /**
     * Ollama: {@code manifests/<registry>/<namespace>/<model>/<tag>} are JSON manifests whose model layer is a
     * GGUF file at {@code blobs/sha256-<hex>}.
     */
    private void scanOllama(Path base, List<LibraryModel> out) throws IOException {
        Path manifests = base.resolve("manifests");
        if (!Files.isDirectory(manifests)) {
            return;
        }
        try (Stream<Path> s = Files.walk(manifests, 5)) {
            for (Path m : s.filter(Files::isRegularFile).sorted().toList()) {
                Path rel = manifests.relativize(m);
                if (rel.getNameCount() < 3) {
                    continue;
                }
                String tag = rel.getFileName().toString();
                String model = rel.getName(rel.getNameCount() - 2).toString();
                String namespace = rel.getNameCount() >= 4 ? rel.getName(rel.getNameCount() - 3).toString() : "library";
                String repo = "library".equals(namespace) ? "ollama/" + model : "ollama/" + namespace + "/" + model;
                Optional<Path> blob = ollamaModelBlob(base, m);
                blob.ifPresent(b -> out.add(describe(repo + ":" + tag, repo, tag, b, ModelSource.OLLAMA)));
            }
        }
    }

    private static Optional<Path> ollamaModelBlob(Path base, Path manifest) {
        try {
            JsonObject o = JsonParser.parseString(Files.readString(manifest, StandardCharsets.UTF_8)).getAsJsonObject();
            if (!o.has("layers")) {
                return Optional.empty();
            }
            for (JsonElement l : o.getAsJsonArray("layers")) {
                JsonObject layer = l.getAsJsonObject();
                if (layer.has("mediaType") && OLLAMA_MODEL_LAYER.equals(layer.get("mediaType").getAsString())
                        && layer.has("digest")) {
                    String digest = layer.get("digest").getAsString().replace(':', '-');
                    Path blob = base.resolve("blobs").resolve(digest).normalize();
                    if (blob.startsWith(base.resolve("blobs")) && Files.isRegularFile(blob)) {
                        return Optional.of(blob);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            System.getLogger(ModelStore.class.getName()).log(System.Logger.Level.DEBUG,
                    "not an Ollama manifest: " + manifest + ": " + e.getMessage());
        }
        return Optional.empty();
    }

    private LibraryModel describe(String name, String repo, String file, Path path, ModelSource source) {
        long size;
        FileTime time;
        try {
            size = Files.size(path);
            time = Files.getLastModifiedTime(path);
        } catch (IOException e) {
            return new LibraryModel(name, repo, file, path, formatOf(file, source), -1, null, null, source,
                    Msg.text("library.io", path, e.getMessage()));
        }
        Facts f = facts.get(path);
        if (f == null || f.size() != size || !f.modified().equals(time)) {
            f = readFacts(path, file, size, time, source);
            facts.put(path, f);
        }
        return new LibraryModel(name, repo, file, path, formatOf(file, source), size, f.quantization(),
                f.architecture(), source, f.problem());
    }

    private static Facts readFacts(Path path, String file, long size, FileTime time, ModelSource source) {
        String nameQuant = Quantization.fromFileName(file);
        if (formatOf(file, source) != ModelFormat.GGUF) {
            return new Facts(size, time, nameQuant, null, "");
        }
        try {
            GgufFile g = GgufReader.read(path);
            String q = g.quantization();
            return new Facts(size, time, q != null ? q : nameQuant, g.architecture(), "");
        } catch (InvalidModelException e) {
            return new Facts(size, time, nameQuant, null, e.getMessage());
        } catch (RuntimeException e) {
            return new Facts(size, time, nameQuant, null, String.valueOf(e.getMessage()));
        }
    }

    private static ModelFormat formatOf(String file, ModelSource source) {
        if (source == ModelSource.OLLAMA) {
            return ModelFormat.GGUF;
        }
        String f = file.toLowerCase(Locale.ROOT);
        return f.endsWith(".onnx") ? ModelFormat.ONNX : ModelFormat.GGUF;
    }

    private static boolean isModelFile(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return !n.startsWith(".") && (n.endsWith(".gguf") || n.endsWith(".onnx"));
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    // ---------------------------------------------------------------- finding

    @Override
    public Optional<LibraryModel> find(String ref) {
        if (ref == null || ref.isBlank()) {
            return Optional.empty();
        }
        String r = ref.trim();
        List<LibraryModel> all = list();
        for (LibraryModel m : all) {
            if (m.name().equals(r)) {
                return Optional.of(m);
            }
        }
        int colon = r.lastIndexOf(':');
        if (colon > 0 && r.indexOf('/') > 0) {
            String repo = r.substring(0, colon);
            String quant = r.substring(colon + 1);
            Optional<LibraryModel> q = all.stream().filter(m -> m.repo() != null && m.repo().equalsIgnoreCase(repo))
                    .filter(m -> Quantization.matches(quant, m.quantization())
                            || Quantization.matches(quant, Quantization.fromFileName(m.file())))
                    .findFirst();
            if (q.isPresent()) {
                return q;
            }
        }
        List<LibraryModel> inRepo = all.stream().filter(m -> r.equalsIgnoreCase(m.repo())).toList();
        if (!inRepo.isEmpty()) {
            return inRepo.stream().filter(m -> "Q4_K_M".equals(m.quantization())).findFirst()
                    .or(() -> Optional.of(inRepo.get(0)));
        }
        List<LibraryModel> byFile = all.stream().filter(m -> m.file().equals(r)).toList();
        return byFile.isEmpty() ? Optional.empty() : Optional.of(byFile.get(0));
    }

    // ---------------------------------------------------------------- changing

    @Override
    public boolean remove(String ref) {
        Optional<LibraryModel> m = find(ref);
        if (m.isEmpty()) {
            return false;
        }
        if (m.get().source() != ModelSource.TERROIR) {
            throw Msg.error("library.remove-external", m.get().name(), m.get().path());
        }
        Path p = m.get().path();
        try {
            Files.deleteIfExists(p);
            facts.remove(p);
            Path dir = p.getParent();
            while (dir != null && dir.startsWith(root) && !dir.equals(root) && isEmptyDir(dir)) {
                Files.delete(dir);
                dir = dir.getParent();
            }
        } catch (IOException e) {
            throw Msg.error(e, "library.io", p, e.getMessage());
        }
        return true;
    }

    private static boolean isEmptyDir(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    @Override
    public LibraryModel importFile(Path file, String repo, ImportMode mode) {
        Path source = file.toAbsolutePath().normalize();
        if (!Files.isRegularFile(source)) {
            throw Msg.error("library.import-missing", source);
        }
        String name = source.getFileName().toString();
        if (!name.toLowerCase(Locale.ROOT).endsWith(".gguf")) {
            throw Msg.error("library.import-unsupported", name);
        }
        GgufReader.read(source); // a damaged file never enters the library
        String targetRepo = repo == null || repo.isBlank()
                ? "local/" + name.substring(0, name.length() - ".gguf".length())
                : repo.trim();
        if (!targetRepo.matches("[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw Msg.error("library.bad-name", targetRepo);
        }
        Path target = fileFor(targetRepo, name);
        if (Files.exists(target)) {
            throw Msg.error("library.import-exists", targetRepo + "/" + name);
        }
        try {
            org.terroir.api.TerroirHome.createPrivateDirectories(target.getParent());
            switch (mode == null ? ImportMode.COPY : mode) {
                case LINK -> Files.createLink(target, source);
                case MOVE -> {
                    try {
                        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
                    } catch (AtomicMoveNotSupportedException e) {
                        copyThenMove(source, target);
                        Files.delete(source);
                    }
                }
                default -> copyThenMove(source, target);
            }
        } catch (FileAlreadyExistsException e) {
            throw Msg.error(e, "library.import-exists", targetRepo + "/" + name);
        } catch (UnsupportedOperationException | IOException e) {
            throw Msg.error(e, "library.import-failed", source, target, String.valueOf(e.getMessage()));
        }
        return describe(targetRepo + "/" + name, targetRepo, name, target, ModelSource.TERROIR);
    }

    /** Copies next to the target first, so that a half-copied file never has the model's name. */
    private static void copyThenMove(Path source, Path target) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + PART);
        try {
            Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
            org.terroir.api.TerroirHome.makePrivate(tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** For errors that must not be thrown as-is. */
    static TerroirException wrap(IOException e, Path p) {
        return Msg.error(e, "library.io", p, e.getMessage());
    }
}
