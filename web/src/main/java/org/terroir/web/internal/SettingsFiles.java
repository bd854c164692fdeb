package org.terroir.web.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.terroir.api.TerroirHome;

/**
 * Keeps the files ConfigAdmin saves the settings in ({@code felix.cm.dir}, the launcher's
 * {@code TERROIR_HOME/data/settings}) private to their user: ConfigAdmin writes them with the process's umask, which
 * the launcher sets to 077 but a JVM started otherwise may not. At start and after each change of a configuration,
 * its folders become 0700 and its files 0600 ({@link TerroirHome#makePrivate}; on other file systems the
 * profile's ACL already does it).
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

    /** Closes the folder's files and folders to other accounts (TerroirHome.makePrivate); returns how many were open. */
    int tighten() {
        Path root = folder;
        if (root == null || !Files.isDirectory(root)) {
            return 0;
        }
        List<Path> all;
        try (Stream<Path> walk = Files.walk(root)) {
            all = walk.toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0; // a file went while walking: the next change closes what is left
        }
        int opened = 0;
        for (Path p : all) {
            try {
                opened += TerroirHome.makePrivate(p) ? 1 : 0;
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "settings file gone or not ours: " + p, e);
            }
        }
        return opened;
    }
}
