package org.terroir.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.testkit.gguf.TinyLlama;

/**
 * Offline proof: the built distribution runs in a network namespace that has only loopback ({@code unshare -rn}),
 * under {@code strace -f -e trace=connect,sendto,sendmsg}, while a model is loaded and used through the shell's batch
 * mode, the HTTP API and the page's endpoints. Every internet-family address the platform or its llama.cpp worker
 * tries to reach is in the trace, even when the namespace makes the attempt fail at once (ENETUNREACH), so the
 * trace counts attempts, not successes; a JFR or Java-level hook would miss the native worker. The test fails on
 * any address other than loopback. A positive control (curl to 10.1.2.3 in the same namespace, same parser) shows
 * the method sees an attempt.
 */
class OfflineIT {
    /** An IPv4 or IPv6 address as strace prints it in a sockaddr. */
    private static final Pattern ADDRESS = Pattern.compile(
            "sin_addr=inet_addr\\(\"([^\"]+)\"\\)|inet_pton\\(AF_INET6, \"([^\"]+)\"");

    @TempDir
    Path dir;

    private static boolean works(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The attempts to reach the outside a trace shows: an internet address other than loopback, and any name
     * look-up, which is the first step towards the outside even when the resolver listens on loopback (port 53 on
     * 127.0.0.53, or systemd-resolved's socket). glibc's nscd socket is not counted: the JVM asks it for the user's
     * name at start (a look-up of users, not of hosts); a host look-up handed to a running nscd would escape this
     * trace, which is why the machines this runs on have none (the trace shows ENOENT for its socket).
     */
    static List<String> outsideAttempts(List<String> trace) {
        List<String> outside = new ArrayList<>();
        for (String line : trace) {
            if (line.contains("htons(53)") || line.contains("/run/systemd/resolve")) {
                outside.add(line.strip());
                continue;
            }
            if (!line.contains("AF_INET")) {
                continue;
            }
            Matcher m = ADDRESS.matcher(line);
            while (m.find()) {
                String address = m.group(1) != null ? m.group(1) : m.group(2);
                boolean loopback = address.startsWith("127.") || address.equals("::1")
                        || address.startsWith("::ffff:127.") || address.equals("0.0.0.0") || address.equals("::");
                if (!loopback) {
                    outside.add(line.strip());
                }
            }
        }
        return outside;
    }

    @Test
    void nothingButLoopbackIsReachedForWhileChattingByShellApiAndPage() throws Exception {
        assumeTrue(works("curl", "--version") && works("sh", "-c", "command -v ip"),
                "assumes curl and ip are installed: the proof is skipped");
        // In a container (CI runs as root in one) user and network namespaces may be refused by its seccomp
        // profile, and ptrace too: then the proof cannot be made there and says so.
        assumeTrue(works("unshare", "-rn", "sh", "-c", "ip link set lo up"), "assumes a network namespace with "
                + "only loopback can be made (unshare -rn, then ip link set lo up): refused here (a container without "
                + "user namespaces?), the offline proof is skipped");
        assumeTrue(works("unshare", "-rn", "strace", "-o", "/dev/null", "true"), "assumes strace can trace inside "
                + "that namespace (installed, ptrace allowed): not here, the offline proof is skipped");

        Path model = dir.resolve("tiny.gguf");
        TinyLlama.unitTest().build().write(model);
        Path home = dir.resolve("home");
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/org.terroir.web.cfg"), "allowModelPaths=true\n");
        Path bin = PlatformFixture.dist().resolve("bin/terroir").toAbsolutePath();
        Path script = dir.resolve("offline.sh");
        String trace = "strace -f -qq -e trace=connect,sendto,sendmsg";
        Files.writeString(script, String.join("\n",
                "set -u",
                "ip link set lo up",
                "cd " + q(dir),
                // Positive control: the parser must see this attempt.
                trace + " -o control.trace curl -s -m 3 http://10.1.2.3/ > /dev/null 2>&1",
                // 1. The shell's batch mode, a chat typed on stdin.
                "printf 'Hello there\\n/exit\\n' | " + trace + " -o shell.trace " + q(bin) + " --home " + q(home)
                        + " -c " + q("load --ctx 256 --threads 2 " + model + "; chat") + " > shell.log 2>&1",
                "echo shell=$? >> status",
                // 2. The server: the page, its endpoints, the HTTP API.
                trace + " -o server.trace " + q(bin) + " --home " + q(home)
                        + " --server --no-browser --port 18431 > server.log 2>&1 &",
                "pid=$!",
                "i=0; while ! grep -q 'token=' server.log && [ $i -lt 900 ]; do sleep 0.1; i=$((i+1)); done",
                "url=$(grep -o 'http://127.0.0.1:18431/?token=[A-Za-z0-9_-]*' server.log | head -1)",
                // The page's address sets its cookie and redirects to the page itself.
                "curl -s -L -m 20 -c jar -b jar -o page.html -w 'page=%{http_code}\\n' \"$url\" >> status",
                "for e in status models machine library; do",
                "  curl -s -m 20 -b jar -H 'X-Terroir-Page: 1' -o api-$e.json -w \"api-$e=%{http_code}\\n\" "
                        + "http://127.0.0.1:18431/api/$e >> status",
                "done",
                "curl -s -m 120 -o chat.json -w 'chat=%{http_code}\\n' -H 'Content-Type: application/json' "
                        + "-d '{\"model\":\"" + model + "\",\"max_tokens\":4,\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"hi\"}]}' http://127.0.0.1:18431/v1/chat/completions >> status",
                // $pid is strace: the platform is its child, which SIGTERM stops as Ctrl-C would; strace follows it.
                "pkill -TERM -P $pid; wait $pid",
                ""));
        Process p = new ProcessBuilder("unshare", "-rn", "sh", script.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("unshare.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        assertTrue(p.waitFor(8, TimeUnit.MINUTES), "the offline run ended within 8 minutes");
        String status = read("status");
        String context = "\nstatus:\n" + status + "\nshell:\n" + read("shell.log") + "\nserver:\n" + read("server.log");

        assertEquals(List.of(), outsideAttempts(List.of()), "empty trace");
        assertEquals(1, outsideAttempts(List.of("connect(5, {sa_family=AF_INET, sin_port=htons(53), "
                + "sin_addr=inet_addr(\"127.0.0.53\")}, 16) = 0")).size(), "a name look-up on loopback counts");
        assertEquals(List.of(), outsideAttempts(List.of("connect(7, {sa_family=AF_INET6, sin6_port=htons(18431), "
                + "sin6_flowinfo=htonl(0), inet_pton(AF_INET6, \"::1\", &sin6_addr), sin6_scope_id=0}, 28) = 0")));
        assertTrue(outsideAttempts(lines("control.trace")).stream().anyMatch(l -> l.contains("10.1.2.3")),
                "the method sees an outside attempt: " + read("control.trace"));

        assertTrue(status.contains("shell=0"), context);
        assertTrue(read("shell.log").contains("tokens"), "the chat answered with its stats line" + context);
        assertTrue(status.contains("page=200"), context);
        assertTrue(status.contains("api-status=200") && status.contains("api-models=200"), context);
        assertTrue(status.contains("chat=200"), context + read("chat.json"));

        List<String> shellTrace = lines("shell.trace");
        List<String> serverTrace = lines("server.trace");
        assertTrue(serverTrace.stream().anyMatch(l -> l.contains("127.0.0.1")),
                "the trace saw the loopback connections (the worker's and curl's answers)");
        assertEquals(List.of(), outsideAttempts(shellTrace), "the shell tried to reach the outside" + context);
        assertEquals(List.of(), outsideAttempts(serverTrace), "the server tried to reach the outside" + context);
    }

    private static String q(Object s) {
        return "'" + s.toString().replace("'", "'\\''") + "'";
    }

    private String read(String name) throws IOException {
        Path f = dir.resolve(name);
        return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "(no " + name + ")";
    }

    private List<String> lines(String name) throws IOException {
        Path f = dir.resolve(name);
        return Files.exists(f) ? Files.readAllLines(f, StandardCharsets.UTF_8) : List.of();
    }
}
