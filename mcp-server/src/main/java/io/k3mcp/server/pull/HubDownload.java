package io.k3mcp.server.pull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads one hub file into a models directory: into {@code NAME.part} first, resumed with a Range request
 * when a previous transfer stopped, then hashed and moved to {@code NAME} only when its SHA-256 is the one the
 * hub's LFS metadata gives. Nothing appears under the final name unverified.
 */
public final class HubDownload {
    private static final Logger log = LoggerFactory.getLogger(HubDownload.class);
    private static final String PART = ".part";
    private static final String LOCK = ".lock";

    /** What was pulled. */
    public record Pulled(String repo, String file, Path path, long sizeBytes, String sha256, boolean alreadyPresent) {
    }

    /** A transfer that delivers no byte for this long is abandoned (resumable), rather than waited on forever. */
    static final Duration IDLE_LIMIT = Duration.ofSeconds(60);

    private final HubClient hub;
    private final PrintStream err;
    private final boolean terminal;
    private final Duration idleLimit;

    public HubDownload(HubEnv env, PrintStream err, boolean terminal) {
        this(env, err, terminal, IDLE_LIMIT);
    }

    HubDownload(HubEnv env, PrintStream err, boolean terminal, Duration idleLimit) {
        this.hub = new HubClient(env);
        this.err = err;
        this.terminal = terminal;
        this.idleLimit = idleLimit;
    }

    public Pulled pull(HubSpec spec, Path dir) throws IOException {
        String file = spec.file() != null ? spec.file() : pick(spec);
        HubClient.Remote remote = hub.head(spec.repo(), file);
        Files.createDirectories(dir);
        Path target = dir.resolve(HubSpec.fileName(file));
        if (Files.exists(target)) {
            String sha = sha256(target);
            if (!sha.equals(remote.sha256())) {
                throw new IOException(target + " exists and differs from " + spec.repo() + "/" + file + " (SHA-256 " + sha
                        + ", the hub's " + remote.sha256() + "): remove or rename it first");
            }
            return new Pulled(spec.repo(), file, target, Files.size(target), sha, true);
        }
        Path part = dir.resolve(target.getFileName() + PART);
        // A hidden lock file that stays: deleting it would let two later pulls lock two different files.
        try (FileChannel lockFile = FileChannel.open(dir.resolve("." + target.getFileName() + LOCK), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = lock(lockFile, spec.repo() + "/" + file)) {
            return finish(spec, file, remote, target, part);
        }
    }

    /** One pull of a file at a time, across processes: two appending to one .part would corrupt it. */
    private static FileLock lock(FileChannel channel, String what) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this process
        }
        if (lock == null) {
            throw new IOException("another pull of " + what + " is running into the same models directory");
        }
        return lock;
    }

    private Pulled finish(HubSpec spec, String file, HubClient.Remote remote, Path target, Path part) throws IOException {
        fetch(remote, part, spec.repo() + "/" + file);
        String sha = sha256(part);
        if (!sha.equals(remote.sha256())) {
            Files.delete(part); // corrupt bytes must not be resumed from
            throw new IOException("SHA-256 mismatch for " + spec.repo() + "/" + file + ": the hub's LFS metadata says "
                    + remote.sha256() + ", the download hashes to " + sha + "; the partial file was removed, nothing "
                    + "was written to " + target);
        }
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
        log.info("event=pulled repo={} file={} path={} sha256={}", spec.repo(), file, target, sha);
        return new Pulled(spec.repo(), file, target, Files.size(target), sha, false);
    }

    /** The repository's GGUF of the requested quantisation (llama.cpp -hf's REPO:QUANT); split files are refused. */
    String pick(HubSpec spec) throws IOException {
        List<HubClient.RepoFile> ggufs = hub.files(spec.repo()).stream()
                .filter(f -> f.path().toLowerCase(Locale.ROOT).endsWith(".gguf"))
                .filter(f -> !HubSpec.fileName(f.path()).toLowerCase(Locale.ROOT).contains("mmproj"))
                .toList();
        Pattern quant = Pattern.compile("(^|[-._])" + Pattern.quote(spec.quant()) + "([-.])", Pattern.CASE_INSENSITIVE);
        List<HubClient.RepoFile> matches = ggufs.stream().filter(f -> quant.matcher(HubSpec.fileName(f.path())).find())
                .sorted(java.util.Comparator.comparing(HubClient.RepoFile::path)).toList();
        if (matches.isEmpty()) {
            throw new IOException("no " + spec.quant() + " GGUF in " + spec.repo() + "; its GGUF files: "
                    + (ggufs.isEmpty() ? "none" : String.join(", ", ggufs.stream().map(HubClient.RepoFile::path).toList())));
        }
        List<HubClient.RepoFile> whole = matches.stream().filter(f -> !f.path().matches(".*-\\d{5}-of-\\d{5}\\.gguf")).toList();
        if (whole.isEmpty()) {
            throw new IOException(spec.repo() + ":" + spec.quant() + " is split into " + matches.size() + " files ("
                    + matches.get(0).path() + ", ...); split GGUF files are not supported: merge them with llama-gguf-split");
        }
        if (whole.size() > 1) {
            log.info("event=pull_quant_choice repo={} quant={} chosen={} candidates={}", spec.repo(), spec.quant(),
                    whole.get(0).path(), whole.size());
        }
        return whole.get(0).path();
    }

    private void fetch(HubClient.Remote remote, Path part, String what) throws IOException {
        long have = Files.exists(part) ? Files.size(part) : 0;
        if (remote.size() >= 0 && have > remote.size()) {
            Files.delete(part);
            have = 0;
        }
        if (remote.size() >= 0 && have == remote.size()) {
            return; // the transfer completed before; only the hash is left to check
        }
        HttpResponse<InputStream> r = hub.download(remote.url(), have, what);
        boolean resumed = r.statusCode() == 206;
        if (have > 0 && !resumed) {
            log.info("event=pull_restart file={} reason=no_range_support status={}", part, r.statusCode());
            have = 0;
        }
        if (resumed && !r.headers().firstValue("Content-Range").orElse("").startsWith("bytes " + have + "-")) {
            r.body().close();
            Files.delete(part);
            throw new IOException(what + ": the server resumed at another byte than " + have + " (Content-Range "
                    + r.headers().firstValue("Content-Range").orElse("missing") + "); the partial file was removed, "
                    + "run the same pull again");
        }
        if (have > 0) {
            err.println("pull: resuming " + what + " at byte " + have);
        }
        long total = remote.size() >= 0 ? remote.size() : have + r.headers().firstValueAsLong("Content-Length").orElse(-1);
        PullProgress progress = new PullProgress(err, terminal, HubSpec.fileName(remote.file()), total);
        StandardOpenOption mode = resumed ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING;
        long done = have;
        try (InputStream in = r.body();
             IdleWatch idle = new IdleWatch(in, idleLimit);
             OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode)) {
            byte[] buffer = new byte[1 << 16];
            progress.update(done);
            for (int n; (n = in.read(buffer)) > 0; ) {
                idle.touch();
                out.write(buffer, 0, n);
                done += n;
                progress.update(done);
            }
        } catch (IOException e) {
            progress.finish();
            throw new IOException("the transfer of " + what + " stopped at byte " + done + " of " + total + " ("
                    + e.getMessage() + "); run the same pull again to resume from " + part, e);
        }
        progress.finish();
        if (total >= 0 && done != total) {
            throw new IOException("the transfer of " + what + " ended at byte " + done + " of " + total
                    + "; run the same pull again to resume from " + part);
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
