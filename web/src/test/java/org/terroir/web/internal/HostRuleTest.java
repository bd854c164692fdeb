package org.terroir.web.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;

import org.junit.jupiter.api.Test;

/** Which Host headers the guard answers: this machine's names with the server's port, and configured names. */
class HostRuleTest {
    static WebConfig config(String... allowedHosts) {
        return (WebConfig) Proxy.newProxyInstance(WebConfig.class.getClassLoader(), new Class<?>[] { WebConfig.class },
                (proxy, method, args) -> method.getName().equals("allowedHosts") ? allowedHosts
                        : method.getDefaultValue());
    }

    private static WebServerInfo server(String... allowedHosts) {
        WebServerInfo server = new WebServerInfo();
        server.configure(config(allowedHosts));
        return server;
    }

    @Test
    void onlyThisMachinesNamesWithTheServersPort() {
        WebServerInfo s = server();
        for (String ok : new String[] { "127.0.0.1:8181", "localhost:8181", "[::1]:8181", "LocalHost:8181",
            "localhost.:8181" }) {
            assertTrue(s.allowsHost(ok, 8181), ok);
        }
        for (String no : new String[] { "evil.example", "evil.example:8181", "127.0.0.1:8182", "127.0.0.1",
            "localhost.evil.example:8181", "127.0.0.1.nip.io:8181", "[::1]", "0.0.0.0:8181", "[::]:8181", "", " ",
            "127.0.0.1:8181:8181", "127.0.0.2:8181", "user@127.0.0.1:8181", null }) {
            assertFalse(s.allowsHost(no, 8181), String.valueOf(no));
        }
        assertTrue(s.allowsHost("localhost", 80), "port 80 may be left out");
    }

    @Test
    void namesConfiguredForTheNetwork() {
        WebServerInfo s = server("Terroir.lan", " 192.168.1.20 ");
        assertTrue(s.allowsHost("terroir.lan:8181", 8181));
        assertTrue(s.allowsHost("192.168.1.20:8181", 8181));
        assertFalse(s.allowsHost("terroir.lan.evil.example:8181", 8181));
        assertFalse(s.allowsHost("terroir.lan:9999", 8181));
    }

    @Test
    void onlyJsonBodies() {
        assertTrue(RequestGuard.isJson("application/json"));
        assertTrue(RequestGuard.isJson("Application/JSON; charset=utf-8"));
        for (String no : new String[] { null, "", "text/plain", "application/jsonp", "text/json",
            "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json-seq" }) {
            assertFalse(RequestGuard.isJson(no), String.valueOf(no));
        }
    }
}
