package org.terroir.backend.remote.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.ErrorKind;
import org.terroir.api.TerroirException;

/**
 * Real TLS on loopback: the JDK's HTTPS server with a self-signed certificate made by keytool for this run, answering
 * {@code /v1/models} as an OpenAI-compatible server does. Without a pin the client refuses it and names its
 * fingerprint; with that pin it connects; with another pin it refuses and names both.
 */
class PinningTest {
    @TempDir
    static Path dir;
    static HttpsServer server;
    static String fingerprint;
    static ExecutorService executor = Executors.newCachedThreadPool();

    @BeforeAll
    static void serve() throws Exception {
        Path store = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "san=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, out);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(store.toFile())) {
            keys.load(in, "changeit".toCharArray());
        }
        fingerprint = PinningTrust.fingerprint((X509Certificate) keys.getCertificate("server"));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "changeit".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/v1/models", exchange -> {
            byte[] body = "{\"object\":\"list\",\"data\":[{\"id\":\"pinned-model\",\"object\":\"model\"}]}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static RemoteClient client(String pin) {
        return new RemoteClient(new RemoteServer("tls", "https://127.0.0.1:" + server.getAddress().getPort() + "/v1",
                RemoteServer.normalizePin(pin), true), null, executor);
    }

    @Test
    void aSelfSignedCertificateIsRefusedWithItsFingerprint() {
        TerroirException e = assertThrows(TerroirException.class, () -> client(null).models());
        assertEquals("remote.tls", e.code());
        assertEquals(ErrorKind.BACKEND_GONE, e.kind());
        assertTrue(e.getMessage().contains("--pin " + fingerprint), e.getMessage());
    }

    @Test
    void thePinnedCertificateIsAcceptedAsPeopleCopyIt() {
        String colons = String.join(":", fingerprint.toUpperCase().split("(?<=\\G..)"));
        List<RemoteClient.Listed> models = client(colons).models();
        assertEquals("pinned-model", models.get(0).id());
    }

    @Test
    void anotherPinIsRefusedNamingBothFingerprints() {
        String other = "0".repeat(64);
        TerroirException e = assertThrows(TerroirException.class, () -> client(other).models());
        assertTrue(e.getMessage().contains(other) && e.getMessage().contains(fingerprint), e.getMessage());
    }
}
