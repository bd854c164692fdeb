package org.terroir.catalog.internal;

import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.terroir.api.catalog.Download;
import org.terroir.api.catalog.DownloadListener;
import org.terroir.api.catalog.Downloader;
import org.terroir.catalog.internal.download.FileDownloader;
import org.terroir.catalog.internal.download.FreeSpace;
import org.terroir.catalog.internal.hub.HubClient;
import org.terroir.catalog.internal.library.ModelStore;

/** Downloads from the Hub into the library. */
@Component(service = Downloader.class, configurationPid = CatalogConfig.PID)
public class ResumingDownloader implements Downloader {
    private volatile FileDownloader delegate;

    @Activate
    @Modified
    void configure(CatalogConfig config) {
        FileDownloader old = delegate;
        // Only the Terroir library is written to; the other tools' folders are not needed here.
        ModelStore store = new ModelStore(CatalogComponents.modelsFolder(config), List.of());
        delegate = new FileDownloader(new HubClient(CatalogComponents.settings(config)), store, FreeSpace.FILE_STORE,
                Math.max(0, config.disk_margin_mb()) << 20, Math.max(1, config.max_concurrent_downloads()));
        if (old != null) {
            old.close(); // downloads under way stop; their .part files stay for the next pull
        }
    }

    @Deactivate
    void deactivate() {
        FileDownloader d = delegate;
        if (d != null) {
            d.close();
        }
    }

    @Override
    public Download download(String repo, String file, DownloadListener listener) {
        return delegate.download(repo, file, listener);
    }

    @Override
    public List<Download> active() {
        return delegate.active();
    }

    @Override
    public boolean discard(String repo, String file) {
        return delegate.discard(repo, file);
    }
}
