package org.terroir.documents.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.util.Properties;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

/** Every message exists in English and French. */
class MessagesParityTest {
    @Test
    void sameKeys() throws Exception {
        assertEquals(keys("messages.properties"), keys("messages_fr.properties"));
    }

    private static TreeSet<String> keys(String name) throws Exception {
        Properties p = new Properties();
        try (InputStream in = MessagesParityTest.class.getResourceAsStream(name)) {
            p.load(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
        }
        return new TreeSet<>(p.stringPropertyNames());
    }
}
