package io.k3mcp.board;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How a SpacemiT K3 is recognised. These are detection rules only: every value reported about the
 * board is read from the tree.
 */
final class K3Rules {
    static final String SOC_NAME = "SpacemiT K3";
    private static final Pattern K3_MODEL = Pattern.compile("(?i)spacemit.*\\bk3\\b");
    /** SpacemiT's core names: "Spacemit(R) X100" (general) and "Spacemit(R) A100" (AI). */
    private static final Pattern K3_CORE = Pattern.compile("(?i)spacemit.*\\b[xa]100\\b");
    private static final Pattern AI_CORE = Pattern.compile("(?i)spacemit.*\\ba\\d{2,3}\\b");

    private K3Rules() {
    }

    /** The rule that matched, or null when the board is not a K3. */
    static String detect(List<String> compatible, String deviceTreeModel, List<String> cpuModels) {
        for (String entry : compatible) {
            String lower = entry.toLowerCase(Locale.ROOT);
            if (lower.equals("spacemit,k3") || lower.startsWith("spacemit,k3-")) {
                return "device-tree compatible " + entry;
            }
        }
        if (deviceTreeModel != null && K3_MODEL.matcher(deviceTreeModel).find()) {
            return "device-tree model " + deviceTreeModel;
        }
        for (String model : cpuModels) {
            if (model != null && K3_CORE.matcher(model).find()) {
                return "cpu model name " + model;
            }
        }
        return null;
    }

    /** SpacemiT A-series cores are the fenced AI cores. */
    static boolean isAiCoreModel(String model) {
        return model != null && AI_CORE.matcher(model).find();
    }
}
