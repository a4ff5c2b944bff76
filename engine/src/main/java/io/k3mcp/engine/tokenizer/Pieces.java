package io.k3mcp.engine.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The bytes of every token as llama_token_to_piece(special = true) gives them, computed once:
 * CONTROL, UNKNOWN and USER_DEFINED tokens are their raw text; NORMAL tokens are unescaped
 * ({@code ▁} to space for SentencePiece, GPT-2's byte alphabet undone for BPE); SentencePiece byte
 * tokens {@code <0xXX>} are that byte; anything else (UNUSED, BPE byte tokens) is empty.
 */
final class Pieces {
    private static final int RAW = TokenAttr.CONTROL | TokenAttr.UNKNOWN | TokenAttr.USER_DEFINED;

    private Pieces() {
    }

    static byte[][] sentencePiece(Vocab vocab) {
        byte[][] pieces = new byte[vocab.size()][];
        for (int id = 0; id < pieces.length; id++) {
            int attr = vocab.attr(id);
            String text = vocab.text(id);
            if ((attr & RAW) != 0) {
                pieces[id] = utf8(text);
            } else if ((attr & TokenAttr.NORMAL) != 0) {
                pieces[id] = utf8(text.replace("\u2581", " "));
            } else if ((attr & TokenAttr.BYTE) != 0) {
                pieces[id] = new byte[] {(byte) hexByte(text)};
            } else {
                pieces[id] = new byte[0];
            }
        }
        return pieces;
    }

    static byte[][] byteLevel(Vocab vocab) {
        byte[][] pieces = new byte[vocab.size()][];
        for (int id = 0; id < pieces.length; id++) {
            int attr = vocab.attr(id);
            String text = vocab.text(id);
            if ((attr & RAW) != 0) {
                pieces[id] = utf8(text);
            } else if ((attr & TokenAttr.NORMAL) != 0) {
                pieces[id] = undoByteAlphabet(text);
            } else {
                pieces[id] = new byte[0];
            }
        }
        return pieces;
    }

    /** llama_decode_text: each character back to its byte; one outside the alphabet is spelled out. */
    static byte[] undoByteAlphabet(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        text.codePoints().forEach(cp -> {
            int b = ByteUnicode.byteOf(cp);
            if (b >= 0) {
                out.write(b);
            } else {
                StringBuilder unk = new StringBuilder("[UNK_BYTE_0x");
                for (byte u : utf8(new String(Character.toChars(cp)))) {
                    unk.append(String.format("%02x", u & 0xFF));
                }
                out.writeBytes(utf8(unk.append(text).append(']').toString()));
            }
        });
        return out.toByteArray();
    }

    /** The value of {@code <0xXX>}: the hex digits at offsets 3-4 (strtol: stops at the first non-digit). */
    static int hexByte(String text) {
        int value = 0;
        for (int i = 3; i < Math.min(5, text.length()); i++) {
            int d = Character.digit(text.charAt(i), 16);
            if (d < 0) {
                break;
            }
            value = value * 16 + d;
        }
        return value;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
