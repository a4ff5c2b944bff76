package io.k3mcp.server.pull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local imitation of the Hugging Face hub on 127.0.0.1: the tree API (two pages), resolve URLs that answer
 * HEAD with X-Linked-Etag / X-Linked-Size and redirect to a separate "CDN" server, which honours Range. It can
 * require a token, lie about a hash, cut a transfer short or ignore Range. Every request is recorded.
 */
public final class FakeHub implements AutoCloseable {
    public static final String REPO = "owner/repo";

    /** One request as the servers saw it. */
    public record Seen(String server, String method, String path, String range, String authorization) {
    }

    public final Map<String, byte[]> files = new LinkedHashMap<>();
    public final List<Seen> seen = new CopyOnWriteArrayList<>();
    public final List<String> cutTransfers = new CopyOnWriteArrayList<>();
    public volatile String requiredToken;
    public volatile boolean wrongHash;
    public volatile boolean ignoreRange;
    /** The next CDN transfer stops after this many bytes (negative: no cut). */
    public volatile int cutAfter = -1;
    /** With a cut, keep the connection open (a stalled transfer) until the hub closes, instead of dropping it. */
    public volatile boolean stallAtCut;
    /** The X-Linked-Etag the resolve URL answers with: null the file's own hash, "" none at all. */
    public volatile String etag;
    /** The resolve URL redirects to itself, for ever. */
    public volatile boolean redirectLoop;
    /** A resumed transfer's Content-Range names a start this many bytes off the requested one. */
    public volatile int contentRangeSkew;
    /** Send no Content-Length, so a cut transfer ends as a clean end of stream. */
    public volatile boolean omitLength;
    private final HttpServer hub;
    /** A plain socket server, so that a cut transfer really drops the connection mid-body. */
    private final ServerSocket cdn;

    public FakeHub() throws IOException {
        hub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hub.createContext("/", this::hub);
        hub.start();
        cdn = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        Thread cdnThread = new Thread(this::serveCdn, "fake-cdn");
        cdnThread.setDaemon(true);
        cdnThread.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + hub.getAddress().getPort());
    }

    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void record(String server, HttpExchange ex) {
        seen.add(new Seen(server, ex.getRequestMethod(), ex.getRequestURI().getPath(),
                ex.getRequestHeaders().getFirst("Range"), ex.getRequestHeaders().getFirst("Authorization")));
    }

    private void hub(HttpExchange ex) throws IOException {
        record("hub", ex);
        String path = ex.getRequestURI().getPath();
        if (requiredToken != null && !("Bearer " + requiredToken).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            ex.getResponseHeaders().add("X-Error-Code", "GatedRepo");
            reply(ex, 401, new byte[0]);
        } else if (path.equals("/api/models/" + REPO + "/tree/main")) {
            tree(ex);
        } else if (path.startsWith("/" + REPO + "/resolve/main/") && files.containsKey(path.substring(REPO.length() + 15))) {
            String file = path.substring(REPO.length() + 15);
            byte[] data = files.get(file);
            if (redirectLoop) {
                ex.getResponseHeaders().add("Location", path);
                reply(ex, 302, new byte[0]);
                return;
            }
            String tag = etag != null ? etag : "\"" + sha256(wrongHash ? "other".getBytes() : data) + "\"";
            if (!tag.isEmpty()) {
                ex.getResponseHeaders().add("X-Linked-Etag", tag);
            }
            ex.getResponseHeaders().add("X-Linked-Size", Long.toString(data.length));
            ex.getResponseHeaders().add("Location", "http://127.0.0.1:" + cdn.getLocalPort() + "/cdn/" + file);
            reply(ex, 302, new byte[0]);
        } else {
            ex.getResponseHeaders().add("X-Error-Code", path.startsWith("/" + REPO + "/") ? "EntryNotFound" : "RepoNotFound");
            reply(ex, 404, new byte[0]);
        }
    }

    /** The file list in two pages, linked as the hub links them. */
    private void tree(HttpExchange ex) throws IOException {
        List<String> names = new ArrayList<>(files.keySet());
        boolean second = "cursor=2".equals(ex.getRequestURI().getQuery());
        List<String> page = second ? names.subList(names.size() / 2, names.size()) : names.subList(0, names.size() / 2);
        StringBuilder json = new StringBuilder("[{\"type\":\"directory\",\"path\":\"docs\",\"oid\":\"x\",\"size\":0}");
        for (String name : page) {
            byte[] data = files.get(name);
            json.append(",{\"type\":\"file\",\"path\":\"").append(name).append("\",\"size\":").append(data.length)
                    .append(",\"lfs\":{\"oid\":\"").append(sha256(data)).append("\",\"size\":").append(data.length)
                    .append(",\"pointerSize\":134}}");
        }
        if (!second) {
            ex.getResponseHeaders().add("Link", "<" + endpoint() + "/api/models/" + REPO + "/tree/main?cursor=2>; rel=\"next\"");
        }
        reply(ex, 200, json.append(']').toString().getBytes(StandardCharsets.UTF_8));
    }

    private void serveCdn() {
        while (!cdn.isClosed()) {
            try (Socket socket = cdn.accept()) {
                cdnRequest(socket);
            } catch (IOException e) {
                cutTransfers.add("cdn: " + e.getMessage()); // the socket closed at shutdown, or the client left
            }
        }
    }

    /** One request per connection: GET /cdn/FILE with an optional Range: bytes=N-; the connection then closes. */
    private void cdnRequest(Socket socket) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
        String[] requestLine = in.readLine().split(" ");
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT), line.substring(colon + 1).trim());
        }
        String path = URI.create(requestLine[1]).getPath();
        seen.add(new Seen("cdn", requestLine[0], path, headers.get("range"), headers.get("authorization")));
        byte[] data = files.get(path.substring("/cdn/".length()));
        String range = headers.get("range");
        int from = range != null && !ignoreRange ? Integer.parseInt(range.replaceAll("bytes=(\\d+)-", "$1")) : 0;
        int length = data.length - from;
        StringBuilder head = new StringBuilder(from > 0 ? "HTTP/1.1 206 Partial Content\r\n" : "HTTP/1.1 200 OK\r\n");
        if (from > 0) {
            head.append("Content-Range: bytes ").append(from + contentRangeSkew).append('-').append(data.length - 1).append('/').append(data.length).append("\r\n");
        }
        if (!omitLength) {
            head.append("Content-Length: ").append(length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        int cut = cutAfter;
        cutAfter = -1;
        out.write(data, from, cut >= 0 ? Math.min(cut, length) : length);
        out.flush();
        if (cut >= 0) {
            cutTransfers.add("cut after " + cut);
            // A stall holds the connection open, sending nothing, until the client gives up and closes it.
            while (stallAtCut && socket.getInputStream().read() >= 0) {
                cutTransfers.add("the stalled client sent a byte");
            }
        }
    }

    private static void reply(HttpExchange ex, int status, byte[] body) throws IOException {
        boolean head = ex.getRequestMethod().equals("HEAD") || body.length == 0;
        ex.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
        ex.close();
    }

    @Override
    public void close() {
        hub.stop(0);
        try {
            cdn.close();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
