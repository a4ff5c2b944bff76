package io.k3mcp.kernels;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The native kernels' packed weight layout: its name, which types this process packs (the K3K_PACK
 * setting) and the 64-byte-aligned buffers the packed copies live in.
 */
final class Packing {
    /** The layout's name (k3k_packed.h): eight rows interleaved per block column. */
    static final String LAYOUT = "k3k-x8-v1";
    /** The types packed in this process, from K3K_PACK. */
    static final Set<GgmlType> TYPES = types(System.getenv("K3K_PACK"));

    private Packing() {
    }

    /**
     * K3K_PACK: unset or blank packs every type with a layout, for comparisons {@code 0} packs nothing
     * and a list such as {@code Q4_0,Q4_K} only those types.
     */
    static Set<GgmlType> types(String setting) {
        if (setting == null || setting.isBlank()) {
            return EnumSet.allOf(GgmlType.class);
        }
        if (setting.strip().equals("0")) {
            return EnumSet.noneOf(GgmlType.class);
        }
        Set<GgmlType> types = EnumSet.noneOf(GgmlType.class);
        for (String name : setting.split(",")) {
            try {
                types.add(GgmlType.valueOf(name.strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("K3K_PACK: '" + name.strip() + "' is not a tensor type (use 0, or a list such as Q4_0,Q4_K)", e);
            }
        }
        return types;
    }

    /** A direct little-endian buffer of {@code bytes} starting on a 64-byte boundary. */
    static ByteBuffer alignedBuffer(int bytes) {
        // alignedSlice trims both ends to 64-byte boundaries: allocate a line more than the rounded size
        return ByteBuffer.allocateDirect((bytes + 63) / 64 * 64 + 64).alignedSlice(64).slice(0, bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
}
