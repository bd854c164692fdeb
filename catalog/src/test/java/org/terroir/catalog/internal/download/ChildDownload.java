package org.terroir.catalog.internal.download;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.terroir.catalog.internal.hub.HubClient;
import org.terroir.catalog.internal.hub.HubSettings;
import org.terroir.catalog.internal.library.ModelStore;

/** A separate process that downloads one file until it is killed (see KilledDownloadTest). */
public final class ChildDownload {
    private ChildDownload() {
    }

    public static void main(String[] args) throws Exception {
        URI endpoint = URI.create(args[0]);
        ModelStore store = new ModelStore(Path.of(args[1]), List.of());
        try (FileDownloader d = new FileDownloader(new HubClient(HubSettings.forEndpoint(endpoint, null)), store,
                FreeSpace.FILE_STORE, 0, 1)) {
            d.download(args[2], args[3], null).await(Duration.ofMinutes(5));
        }
    }
}
