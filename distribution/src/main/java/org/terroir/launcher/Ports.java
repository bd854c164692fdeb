package org.terroir.launcher;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** The web server's port: where it comes from, whether it is free, the next free one. */
final class Ports {
    static final int DEFAULT_PORT = 8181;
    static final String DEFAULT_HOST = "127.0.0.1";
    static final String PORT_KEY = "org.osgi.service.http.port";
    static final String HOST_KEY = "org.apache.felix.http.host";

    private Ports() {
    }

    /** The settings of {@code conf/org.apache.felix.http.cfg}, which win over the launcher's (empty if none). */
    static Properties httpConf(Path home) {
        Properties props = new Properties();
        Path cfg = home.resolve("conf/org.apache.felix.http.cfg");
        if (Files.isRegularFile(cfg)) {
            try (Reader in = Files.newBufferedReader(cfg, StandardCharsets.ISO_8859_1)) {
                props.load(in);
            } catch (IOException | IllegalArgumentException e) {
                System.getLogger(Ports.class.getName()).log(System.Logger.Level.WARNING, "cannot read " + cfg, e);
            }
        }
        return props;
    }

    /** A port number from the command line, or -1. */
    static int parse(String value) {
        try {
            int port = Integer.parseInt(value.strip());
            return port >= 1 && port <= 65535 ? port : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Whether nothing listens on {@code host:port} (tried by binding it, as the web server will). */
    static boolean isFree(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            // As Jetty binds on Linux and macOS (a port in TIME_WAIT is free); on Windows SO_REUSEADDR would let the
            // test bind a port another program listens on, so it is left off there.
            socket.setReuseAddress(!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT)
                    .contains("win"));
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first free port after {@code port} (100 tried), or -1. */
    static int nextFree(String host, int port) {
        for (int p = port + 1; p <= Math.min(65535, port + 100); p++) {
            if (isFree(host, p)) {
                return p;
            }
        }
        return -1;
    }
}
