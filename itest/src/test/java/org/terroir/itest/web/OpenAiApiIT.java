package org.terroir.itest.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenAiApiIT {
    @TempDir
    static Path dir;
    static WebPlatform web;

    @BeforeAll
    static void boot() throws Exception {
        web = WebPlatform.start(dir.resolve("home"));
    }

    @AfterAll
    static void shutdown() throws Exception {
        if (web != null) {
            web.close();
        }
    }

    @Test
    void listsModels() throws Exception {
        HttpResponse<String> r = web.get("/v1/models");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"object\":\"list\""), r.body());
    }
}
