package io.k3mcp.server.pull;

import com.fasterxml.jackson.databind.JsonNode;
import io.k3mcp.tools.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few Hugging Face hub endpoints pull needs: the file list ({@code /api/models/REPO/tree/main}), the file's
 * LFS metadata ({@code HEAD /REPO/resolve/main/FILE}: X-Linked-Etag, X-Linked-Size) and the download (redirected
 * to a CDN). Redirects are followed here, so that the token is sent to the hub only, never to another host.
 */
final class HubClient {
    static final String REVISION = "main";
    private static final int MAX_REDIRECTS = 10;
    private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

    /** A repository file from the tree listing; {@code sha256} is null for files not stored in LFS. */
    record RepoFile(String path, long size, String sha256) {
    }

    /** Where a file downloads from and what it must hash to. */
    record Remote(String file, URI url, String sha256, long size) {
    }

    private final HubEnv env;
    private final HttpClient http;

    HubClient(HubEnv env) {
        this.env = env;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(30)).build();
    }

    /** Every file of the repository, following the listing's pages (Link: rel="next"). */
    List<RepoFile> files(String repo) throws IOException {
        List<RepoFile> out = new ArrayList<>();
        URI page = URI.create(env.endpoint() + "/api/models/" + repo + "/tree/" + REVISION + "?recursive=true");
        while (page != null) {
            HttpResponse<InputStream> r = send(page, "GET", -1, repo);
            JsonNode list;
            try (InputStream body = r.body()) {
                list = Json.MAPPER.readTree(body);
            }
            if (list == null || !list.isArray()) {
                throw new IOException(page + ": expected the repository's file list (a JSON array)");
            }
            for (JsonNode f : list) {
                if ("file".equals(f.path("type").asText())) {
                    String sha = f.path("lfs").path("oid").asText(null);
                    out.add(new RepoFile(f.path("path").asText(), f.path("size").asLong(), sha));
                }
            }
            page = r.headers().firstValue("Link").map(NEXT::matcher).filter(Matcher::find)
                    .map(m -> page(m.group(1))).orElse(null);
        }
        return out;
    }

    private URI page(String link) {
        return env.endpoint().resolve(link);
    }

    /** The file's LFS metadata from a HEAD on its resolve URL (relative redirects followed, as the hub's clients do). */
    Remote head(String repo, String file) throws IOException {
        URI url = resolveUrl(repo, file);
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpResponse<InputStream> r = exchange(url, "HEAD", -1);
            r.body().close();
            String etag = r.headers().firstValue("X-Linked-Etag").orElse(null);
            if (etag != null) {
                String sha = etag.replace("\"", "").replace("W/", "").toLowerCase(Locale.ROOT);
                if (!sha.matches("[0-9a-f]{64}")) {
                    throw new IOException(url + ": X-Linked-Etag " + etag + " is not a SHA-256: cannot verify " + file);
                }
                long size = r.headers().firstValueAsLong("X-Linked-Size").orElse(-1);
                return new Remote(file, url, sha, size);
            }
            if (isRedirect(r.statusCode())) {
                url = url.resolve(r.headers().firstValue("Location").orElseThrow(() -> new IOException(
                        "redirect without Location from the hub")));
                continue;
            }
            check(r, url, repo + "/" + file);
            throw new IOException(url + ": the hub gave no X-Linked-Etag for " + file + " (not an LFS file?): its "
                    + "SHA-256 is unknown, so the download could not be verified");
        }
        throw new IOException(resolveUrl(repo, file) + ": more than " + MAX_REDIRECTS + " redirects");
    }

    /** GET of the file from byte {@code from} on (a Range request when above 0), redirects followed. */
    HttpResponse<InputStream> download(URI url, long from, String what) throws IOException {
        return send(url, "GET", from, what);
    }

    private HttpResponse<InputStream> send(URI start, String method, long from, String what) throws IOException {
        URI url = start;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpResponse<InputStream> r = exchange(url, method, from);
            if (!isRedirect(r.statusCode())) {
                check(r, url, what);
                return r;
            }
            r.body().close();
            url = url.resolve(r.headers().firstValue("Location").orElseThrow(() -> new IOException(
                    "redirect without Location from " + start)));
        }
        throw new IOException(start + ": more than " + MAX_REDIRECTS + " redirects");
    }

    private HttpResponse<InputStream> exchange(URI url, String method, long from) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).method(method, HttpRequest.BodyPublishers.noBody())
                .header("User-Agent", "k3mcp/0.1.0");
        if (from > 0) {
            b.header("Range", "bytes=" + from + "-");
        }
        if (env.token() != null && sameOrigin(url, env.endpoint())) {
            b.header("Authorization", "Bearer " + env.token());
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + url, e);
        }
    }

    private void check(HttpResponse<InputStream> r, URI url, String what) throws IOException {
        int status = r.statusCode();
        if (status < 400) {
            return;
        }
        r.body().close();
        String code = r.headers().firstValue("X-Error-Code").map(c -> " (" + c + ")").orElse("");
        throw new IOException(switch (status) {
            case 401 -> "401 Unauthorized for " + what + code + ": the repository is private or gated; "
                    + (env.token() == null ? "set HF_TOKEN to a token with read access"
                    : "the token (HF_TOKEN) was refused or has no access to it");
            case 403 -> "403 Forbidden for " + what + code + ": accept the model's terms on its hub page, with the "
                    + "account of the token in HF_TOKEN";
            case 404 -> "404 Not Found: " + what + code + " does not exist on " + env.endpoint();
            default -> status + " from " + url + code;
        });
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() != -1 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    private URI resolveUrl(String repo, String file) {
        StringBuilder path = new StringBuilder();
        for (String segment : file.split("/")) {
            path.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return URI.create(env.endpoint() + "/" + repo + "/resolve/" + REVISION + path);
    }
}
