package org.terroir.web.internal.http;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Reads the {@code osgi.http.endpoint} property of the HTTP runtime: the URLs the server answers on. */
public final class Endpoints {
    private Endpoints() {
    }

    /** The endpoint URLs in a service property value (a String, String[] or collection). */
    public static List<String> urls(Object property) {
        List<String> urls = new ArrayList<>();
        if (property instanceof String s) {
            urls.add(s);
        } else if (property instanceof String[] array) {
            urls.addAll(List.of(array));
        } else if (property instanceof Collection<?> c) {
            c.forEach(o -> urls.add(String.valueOf(o)));
        }
        return urls;
    }

    /** Whether an address is this machine only ({@code 127.0.0.0/8}, {@code ::1}, {@code localhost}). */
    public static boolean isLoopback(String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        // Only literal addresses are judged: a host name is never looked up (that could reach the network).
        if (!h.matches("[0-9.]+") && !h.contains(":")) {
            return false;
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    public static String host(String url) {
        try {
            return URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public static int port(String url) {
        try {
            return URI.create(url).getPort();
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }
}
