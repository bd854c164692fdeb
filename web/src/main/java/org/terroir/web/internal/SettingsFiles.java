package org.terroir.web.internal;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Keeps the files ConfigAdmin saves the settings in ({@code felix.cm.dir}, the launcher's
 * {@code TERROIR_HOME/data/settings}) private to their user: ConfigAdmin writes them with the process's umask, which
 * the launcher sets to 077 but a JVM started otherwise may not. At start and after each change of a configuration,
 * its folders become 0700 and its files 0600 (on POSIX file systems; elsewhere the profile's ACL already does it).
 */
@Component(immediate = true)
public class SettingsFiles implements ConfigurationListener {
    private static final System.Logger LOG = System.getLogger(SettingsFiles.class.getName());

    private volatile Path folder;

    @Activate
    void activate(BundleContext context) {
        String dir = context.getProperty("felix.cm.dir");
        folder = dir == null || dir.isBlank() ? null : Path.of(dir);
        tighten();
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        tighten();
    }

    /** Closes the folder's files and folders to other accounts; returns how many were open. */
    int tighten() {
        Path root = folder;
        if (root == null || !Files.isDirectory(root)
                || !FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return 0;
        }
        int opened = 0;
        List<Path> all;
        try (Stream<Path> walk = Files.walk(root)) {
            all = walk.toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0; // a file went while walking: the next change closes what is left
        }
        for (Path p : all) {
            try {
                boolean dir = Files.isDirectory(p);
                String wanted = dir ? "rwx------" : "rw-------";
                if (!PosixFilePermissions.toString(Files.getPosixFilePermissions(p)).equals(wanted)) {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(wanted));
                    opened++;
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "settings file gone or not ours: " + p, e);
            }
        }
        return opened;
    }
}
