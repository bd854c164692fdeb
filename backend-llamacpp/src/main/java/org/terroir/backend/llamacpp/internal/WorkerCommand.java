package org.terroir.backend.llamacpp.internal;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.terroir.backend.llamacpp.protocol.Launch;

/** The command line of a worker JVM. */
final class WorkerCommand {
    private WorkerCommand() {
    }

    /** The java executable of this very JVM, so the worker runs on the same Java. */
    static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /**
     * @param jvmOptions  extra options, separated by spaces
     * @param tmpDir      the worker's private temporary folder: de.kherud:llama deletes files named llama* in its
     *                    temporary folder when it starts, so it must never share one
     * @param libraryPath a folder holding a user-supplied libjllama, or blank for the bundled one
     */
    static List<String> build(String java, String jvmOptions, Path tmpDir, String libraryPath, List<Path> classpath) {
        List<String> command = new ArrayList<>();
        command.add(java);
        for (String option : jvmOptions.trim().split("\\s+")) {
            if (!option.isEmpty()) {
                command.add(option);
            }
        }
        command.add("-Dde.kherud.llama.tmpdir=" + tmpDir);
        command.add("-Djava.io.tmpdir=" + tmpDir);
        if (libraryPath != null && !libraryPath.isBlank()) {
            command.add("-Dde.kherud.llama.lib.path=" + libraryPath.trim());
        }
        command.add("-cp");
        command.add(classpath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
        command.add(Launch.MAIN_CLASS);
        return command;
    }
}
