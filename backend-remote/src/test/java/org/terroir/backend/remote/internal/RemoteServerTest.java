package org.terroir.backend.remote.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.ErrorKind;
import org.terroir.api.TerroirException;
import org.terroir.testkit.i18n.BundleParity;

/** Names, URLs and pins as people type them; the store's files; the FR/EN texts. */
class RemoteServerTest {
    @TempDir
    Path home;

    @Test
    void urlsGetTheirV1AndLoseTheirSlash() {
        assertEquals("http://127.0.0.1:8080/v1", RemoteServer.normalizeUrl("http://127.0.0.1:8080"));
        assertEquals("http://127.0.0.1:8080/v1", RemoteServer.normalizeUrl(" http://127.0.0.1:8080/v1/ "));
        assertEquals("https://gpu.lan/ollama/v1", RemoteServer.normalizeUrl("HTTPS://GPU.lan/ollama"));
        for (String bad : new String[] { "", "ftp://x/v1", "127.0.0.1:8080", "http://u:p@host/v1", "http://h/v1?x=1",
                "not a url" }) {
            TerroirException e = assertThrows(TerroirException.class, () -> RemoteServer.normalizeUrl(bad), bad);
            assertEquals(ErrorKind.BAD_REQUEST, e.kind());
        }
    }

    @Test
    void pinsAreSixtyFourHexDigitsWithOrWithoutColons() {
        String hex = "ab".repeat(32);
        assertEquals(hex, RemoteServer.normalizePin(hex.toUpperCase()));
        assertEquals(hex, RemoteServer.normalizePin(String.join(":", hex.split("(?<=\\G..)"))));
        assertNull(RemoteServer.normalizePin(" "));
        assertThrows(TerroirException.class, () -> RemoteServer.normalizePin("abcd"));
        assertThrows(TerroirException.class, () -> RemoteServer.checkName("../x"));
        assertThrows(TerroirException.class, () -> RemoteServer.checkName(""));
        assertEquals("gpu-box.1", RemoteServer.checkName("gpu-box.1"));
    }

    @Test
    void theStoreKeepsKeysApartAndPrivate() throws Exception {
        ServerStore store = new ServerStore(home);
        store.put(new RemoteServer("gpu", "http://h:1/v1", null, true), "sk-secret");
        Path servers = home.resolve("data/remote-servers.json");
        Path key = home.resolve("secrets/remote-gpu.key");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(servers)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key.getParent())));
        assertTrue(!Files.readString(servers).contains("sk-secret"));
        ServerStore again = new ServerStore(home);
        assertEquals(store.list(), again.list());
        assertEquals("sk-secret", again.key("gpu"));
        assertTrue(again.remove("gpu"));
        assertTrue(!Files.exists(key));
        assertTrue(new ServerStore(home).list().isEmpty());
    }

    @Test
    void modelNamesAndTheirPaths() {
        assertEquals(new RemoteBackend.Ref("gpu", "owner/repo:Q4"), RemoteBackend.parse("remote:gpu/owner/repo:Q4"));
        assertNull(RemoteBackend.parse("owner/repo"));
        assertThrows(TerroirException.class, () -> RemoteBackend.parse("remote:gpu"));
        assertEquals("owner_repo_Q4", RemoteBackend.fileName("owner/repo:Q4"));
        assertEquals("_..", RemoteBackend.fileName(".."));
    }

    @Test
    void errorsInAStreamKeepTheirKind() {
        assertEquals(400, RemoteModel.statusOf(com.google.gson.JsonParser.parseString(
                "{\"type\":\"invalid_request_error\",\"message\":\"x\"}")));
        assertEquals(429, RemoteModel.statusOf(com.google.gson.JsonParser.parseString("{\"code\":429}")));
        assertEquals("the model is tired", RemoteClient.serverMessage(
                "{\"error\":{\"message\":\"the model is tired\",\"type\":\"server_error\"}}"));
    }

    @Test
    void frenchAndEnglishTextsMatch() {
        BundleParity.check(RemoteBackend.class, "org.terroir.backend.remote.internal.messages");
    }
}
