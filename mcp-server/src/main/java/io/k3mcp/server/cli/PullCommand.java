package io.k3mcp.server.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k3mcp.server.pull.HubDownload;
import io.k3mcp.server.pull.HubEnv;
import io.k3mcp.server.pull.HubSpec;
import io.k3mcp.tools.Json;
import io.k3mcp.tools.models.ModelCatalog;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code k3mcp pull}: a GGUF from the Hugging Face hub into the models directory, verified before it is named. */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = {"Download a GGUF from the Hugging Face hub into the models directory (serve then offers it by name).",
                "SPEC: hf://OWNER/REPO/FILE.gguf, or OWNER/REPO:QUANT (the repository's GGUF of that quantisation; "
                        + "Q4_K_M when omitted).",
                "Resumes an interrupted download; verifies the SHA-256 of the hub's LFS metadata before the file gets "
                        + "its final name. HF_TOKEN (or huggingface-cli's token file) for private and gated models; "
                        + "HF_ENDPOINT for a mirror."})
public final class PullCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "SPEC", description = "hf://OWNER/REPO/FILE.gguf or OWNER/REPO:QUANT")
    String spec;

    @Option(names = "--models-dir", paramLabel = "DIR",
            description = "Where the file goes. Default: $XDG_DATA_HOME/k3mcp/models or ~/.local/share/k3mcp/models.")
    Path modelsDir;

    @Option(names = "--endpoint", paramLabel = "URL", description = "The hub's address. Default: $HF_ENDPOINT, else "
            + HubEnv.DEFAULT_ENDPOINT + ".")
    URI endpoint;

    @Override
    public Integer call() throws Exception {
        HubSpec what;
        try {
            what = HubSpec.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new UsageException("SPEC: " + e.getMessage());
        }
        if (endpoint != null && (endpoint.getScheme() == null || !endpoint.getScheme().matches("https?") || endpoint.getHost() == null)) {
            throw new UsageException("--endpoint: " + endpoint + " is not an http(s) URL");
        }
        HubEnv env = HubEnv.from(System.getenv(), Path.of(System.getProperty("user.home")));
        if (endpoint != null) {
            env = new HubEnv(URI.create(endpoint.toString().replaceAll("/+$", "")), env.token());
        }
        Path dir = modelsDir != null ? modelsDir : ModelCatalog.defaultDir(System.getenv());
        HubDownload.Pulled p = new HubDownload(env, System.err, System.console() != null).pull(what, dir);
        if (common != null && common.json) {
            ObjectNode out = Json.MAPPER.createObjectNode().put("repo", p.repo()).put("file", p.file())
                    .put("path", p.path().toString()).put("name", ModelCatalog.nameOf(p.path()))
                    .put("size_bytes", p.sizeBytes()).put("sha256", p.sha256()).put("already_present", p.alreadyPresent());
            System.out.println(Json.MAPPER.writeValueAsString(out));
        } else {
            System.err.println("pull: " + (p.alreadyPresent() ? "already present, verified: " : "verified SHA-256 "
                    + p.sha256() + ": ") + p.path());
            System.out.println(ModelCatalog.nameOf(p.path()));
        }
        return 0;
    }
}
