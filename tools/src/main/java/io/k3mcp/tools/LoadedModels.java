package io.k3mcp.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The models loaded in this process, by path. The engine-backed tools register a model when they load
 * it and remove it when they drop it; the server only reads the list.
 */
public final class LoadedModels {
    private final Map<String, LoadedModel> byPath = new ConcurrentHashMap<>();

    public void register(LoadedModel model) {
        byPath.put(model.path(), model);
    }

    public void remove(String path) {
        byPath.remove(path);
    }

    /** A snapshot, sorted by path. */
    public List<LoadedModel> list() {
        List<LoadedModel> models = new ArrayList<>(byPath.values());
        models.sort(java.util.Comparator.comparing(LoadedModel::path));
        return models;
    }
}
