package io.k3mcp.kernels;

import static io.k3mcp.kernels.NativeArgs.addr;
import static io.k3mcp.kernels.NativeArgs.check;

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

    /**
     * The address of {@code w}'s packed bytes for a native product over {@code slabs} slabs (experts) of
     * {@code rows x w.cols()} each. {@link PackedWeights} is a public record, so one built by hand may name another
     * layout, a shape this layout cannot hold, or more rows and columns than its buffer has bytes for: each is
     * refused here, the size the C kernel reads computed from the type and shape, never from the buffer itself.
     */
    static long address(PackedWeights w, int slabs, int rows, String what) {
        check(w != null && LAYOUT.equals(w.layout()), () -> what + ": layout " + (w == null ? "null" : w.layout())
            + " is not " + LAYOUT);
        check(w.type() != null, () -> what + ": the weight type is null");
        long slab = NativeLib.k3k_packed_bytes(w.type().id, rows, w.cols());
        check(slab > 0, () -> what + ": " + w.type() + " " + rows + " x " + w.cols() + " has no " + LAYOUT
            + " layout (it needs a packed type, rows in groups of 8 and whole blocks of columns)");
        check(slabs > 0, () -> what + ": " + slabs + " slabs");
        // a product past a long is more than any buffer holds: refused as such, not wrapped to a small size
        return addr(w.data(), slab > Long.MAX_VALUE / slabs ? Long.MAX_VALUE : slabs * slab, what);
    }

    /** A direct little-endian buffer of {@code bytes} starting on a 64-byte boundary. */
    static ByteBuffer alignedBuffer(int bytes) {
        // alignedSlice trims both ends to 64-byte boundaries: allocate a line more than the rounded size
        return ByteBuffer.allocateDirect((bytes + 63) / 64 * 64 + 64).alignedSlice(64).slice(0, bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
}
