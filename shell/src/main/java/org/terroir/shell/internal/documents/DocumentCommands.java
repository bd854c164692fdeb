package org.terroir.shell.internal.documents;

import java.io.PrintStream;
import java.util.List;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.terroir.api.ErrorKind;
import org.terroir.api.TerroirException;
import org.terroir.api.chat.AttachedDocument;
import org.terroir.api.chat.ChatDocuments;
import org.terroir.api.chat.DocumentCollection;

/**
 * {@code docs attach|list|remove} (a conversation's documents) and {@code collection create|add|list|use} (shared
 * collections in TERROIR_HOME/collections). Windows paths reach them whole: the shell's parser doubles their
 * backslashes ({@link org.terroir.shell.internal.WindowsPaths}).
 */
@Component(service = DocumentCommands.class, property = {"osgi.command.scope=terroir",
        "osgi.command.function=docs", "osgi.command.function=collection"})
public class DocumentCommands {
    @Reference
    private ChatDocuments documents;

    @Descriptor("a conversation's documents: docs attach <conversation> <file> | list <conversation> | "
            + "remove <conversation> <name>")
    public void docs(CommandSession session, @Descriptor("attach, list or remove") String action,
            @Descriptor("the conversation id, then the file or the document's name") String... args) {
        PrintStream out = session.getConsole();
        switch (action) {
            case "attach" -> {
                need(args, 2, "docs.usage");
                out.println(DocumentTexts.get("attached", DocumentTexts.line(
                        documents.attach(args[0], DocumentTexts.file(rest(args, 1))))));
            }
            case "list" -> {
                need(args, 1, "docs.usage");
                print(out, documents.documents(args[0]));
                documents.collection(args[0]).ifPresent(c -> out.println(DocumentTexts.get("uses", c)));
            }
            case "remove" -> {
                need(args, 2, "docs.usage");
                String name = rest(args, 1);
                out.println(DocumentTexts.get(documents.detach(args[0], name) ? "removed" : "absent", name));
            }
            default -> throw usage("docs.usage");
        }
    }

    @Descriptor("shared collections: collection create <name> | add <name> <file> | list [<name>] | "
            + "use <conversation> <name|none>")
    public void collection(CommandSession session, @Descriptor("create, add, list or use") String action,
            @Descriptor("the collection's name, then a file; or the conversation id, then the collection") String... args) {
        PrintStream out = session.getConsole();
        switch (action) {
            case "create" -> {
                need(args, 1, "collection.usage");
                out.println(DocumentTexts.get("created", DocumentTexts.line(documents.createCollection(args[0]))));
            }
            case "add" -> {
                need(args, 2, "collection.usage");
                out.println(DocumentTexts.get("added", args[0], DocumentTexts.line(
                        documents.addToCollection(args[0], DocumentTexts.file(rest(args, 1))))));
            }
            case "list" -> {
                if (args.length == 0) {
                    List<DocumentCollection> all = documents.collections();
                    if (all.isEmpty()) {
                        out.println(DocumentTexts.get("collections.none"));
                    }
                    all.forEach(c -> out.println("  " + DocumentTexts.line(c)));
                } else {
                    print(out, documents.collectionDocuments(args[0]));
                }
            }
            case "use" -> {
                need(args, 2, "collection.usage");
                String name = args[1].equals("none") || args[1].equals("aucune") ? null : args[1];
                documents.useCollection(args[0], name);
                out.println(name == null ? DocumentTexts.get("use.none", args[0])
                        : DocumentTexts.get("use.set", args[0], name));
            }
            default -> throw usage("collection.usage");
        }
    }

    private static void print(PrintStream out, List<AttachedDocument> docs) {
        if (docs.isEmpty()) {
            out.println(DocumentTexts.get("documents.none"));
        }
        docs.forEach(d -> out.println("  " + DocumentTexts.line(d)));
    }

    /** The words from {@code from} on, put back together (a file name with spaces typed without quotes). */
    private static String rest(String[] args, int from) {
        return String.join(" ", java.util.Arrays.copyOfRange(args, from, args.length));
    }

    private static void need(String[] args, int n, String usage) {
        if (args.length < n) {
            throw usage(usage);
        }
    }

    private static TerroirException usage(String key) {
        return new TerroirException(ErrorKind.BAD_REQUEST, "shell.documents.usage", DocumentTexts.get(key));
    }
}
