package org.terroir.web.internal.ui;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Map;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * The page: plain files from this bundle's {@code page/} folder, nothing from the internet. The content security
 * policy lets the page load only its own files and talk only to this server.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/")
public class PageServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Map<String, String> TYPES = Map.of("html", "text/html;charset=utf-8", "css",
            "text/css;charset=utf-8", "js", "text/javascript;charset=utf-8", "svg", "image/svg+xml", "ico",
            "image/x-icon", "png", "image/png");

    /**
     * Whether this request reads one of the page's own files (all that is served without the page's secret: the
     * files hold nothing of the user's).
     */
    public static boolean isPageFile(String method, String path) {
        return (method.equals("GET") || method.equals("HEAD")) && resource(path) != null;
    }

    private static URL resource(String path) {
        if (path.isEmpty() || path.equals("/")) {
            path = "/index.html";
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        return path.contains("..") || path.contains("//") || !TYPES.containsKey(extension(name)) ? null
                : PageServlet.class.getClassLoader().getResource("page" + path);
    }

    private static String extension(String name) {
        return name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : "";
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        URL resource = resource(path);
        String extension = extension(path.substring(path.lastIndexOf('/') + 1));
        if (path.isEmpty() || path.equals("/")) {
            extension = "html";
        }
        if (resource == null) {
            response.sendError(404);
            return;
        }
        response.setContentType(TYPES.get(extension));
        response.setHeader("Content-Security-Policy",
                "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                        + "frame-ancestors 'none'");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Cache-Control", "no-cache");
        try (InputStream in = resource.openStream()) {
            in.transferTo(response.getOutputStream());
        }
    }
}
