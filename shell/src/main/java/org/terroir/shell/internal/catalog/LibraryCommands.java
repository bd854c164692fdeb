package org.terroir.shell.internal.catalog;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.terroir.api.TerroirException;
import org.terroir.api.catalog.ImportMode;
import org.terroir.api.catalog.LibraryModel;
import org.terroir.api.catalog.ModelLibrary;
import org.terroir.api.catalog.ModelSource;
import org.terroir.shell.internal.Sizes;

/** {@code models}, {@code rm}, {@code import}, {@code scan}: the models on disk. */
@Component(service = LibraryCommands.class, property = {"osgi.command.scope=terroir",
        "osgi.command.function=models", "osgi.command.function=rm", "osgi.command.function=import",
        "osgi.command.function=scan"})
public class LibraryCommands {
    private static final org.terroir.api.i18n.Texts TEXTS = CatalogCommands.TEXTS;

    @Reference
    ModelLibrary library;

    @Descriptor("list the models on disk: Terroir's own, and those of LM Studio, the Hugging Face cache and Ollama")
    public void models(CommandSession session) {
        models(session.getConsole());
    }

    void models(PrintStream out) {
        List<LibraryModel> all = library.list();
        if (all.isEmpty()) {
            out.println(TEXTS.get("models.none", library.root()));
            return;
        }
        out.printf("%-60s %-10s %-8s %-10s %10s  %s%n", TEXTS.get("models.col.name"), TEXTS.get("models.col.source"),
                TEXTS.get("models.col.quant"), TEXTS.get("models.col.arch"), TEXTS.get("models.col.size"),
                TEXTS.get("models.col.format"));
        for (LibraryModel m : all) {
            out.printf("%-60s %-10s %-8s %-10s %10s  %s%n", m.name(), TEXTS.get("source." + m.source().name()),
                    m.quantization() == null ? "-" : m.quantization(), m.architecture() == null ? "-" : m.architecture(),
                    Sizes.human(Math.max(0, m.sizeBytes())), m.format());
            if (!m.problem().isEmpty()) {
                out.println("    " + TEXTS.get("models.problem", m.problem()));
            }
        }
    }

    @Descriptor("remove a model from Terroir's library (other tools' models are never deleted)")
    public void rm(CommandSession session, @Descriptor("owner/repo/file.gguf or owner/repo:QUANT") String ref) {
        rm(session.getConsole(), ref);
    }

    void rm(PrintStream out, String ref) {
        if (!library.remove(ref)) {
            throw new TerroirException("shell.catalog.not-in-library", TEXTS.get("rm.unknown", ref));
        }
        out.println(TEXTS.get("rm.done", ref));
    }

    @Descriptor("bring a local GGUF file into the library (copied unless --link or --move)")
    public void _import(CommandSession session,
            @Descriptor("hard-link instead of copying (same disk, no extra space)")
            @Parameter(names = {"--link"}, presentValue = "true", absentValue = "false") boolean link,
            @Descriptor("move the file instead of copying it")
            @Parameter(names = {"--move"}, presentValue = "true", absentValue = "false") boolean move,
            @Descriptor("library name owner/repo (default local/<file name>)")
            @Parameter(names = {"--repo"}, absentValue = "") String repo,
            @Descriptor("the .gguf file") String file) {
        importFile(session.getConsole(), Path.of(file), repo.isBlank() ? null : repo,
                link ? ImportMode.LINK : move ? ImportMode.MOVE : ImportMode.COPY);
    }

    void importFile(PrintStream out, Path file, String repo, ImportMode mode) {
        LibraryModel m = library.importFile(file, repo, mode);
        out.println(TEXTS.get("import.done", m.name(), Sizes.human(m.sizeBytes()), TEXTS.get("mode." + mode.name())));
    }

    @Descriptor("look again for models already downloaded by LM Studio, the Hugging Face cache and Ollama")
    public void scan(CommandSession session) {
        scan(session.getConsole());
    }

    void scan(PrintStream out) {
        List<LibraryModel> found = library.scan();
        Map<ModelSource, Integer> counts = new EnumMap<>(ModelSource.class);
        for (LibraryModel m : found) {
            counts.merge(m.source(), 1, Integer::sum);
        }
        out.println(TEXTS.get("scan.found", found.size()));
        counts.forEach((s, n) -> out.println("  " + TEXTS.get("source." + s.name()) + ": " + n));
        for (LibraryModel m : found) {
            out.println("  " + m.name() + "  ->  " + m.path());
        }
        if (!found.isEmpty()) {
            out.println(TEXTS.get("scan.in-place"));
        }
    }
}
