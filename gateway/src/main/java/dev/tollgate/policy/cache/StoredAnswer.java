package dev.tollgate.policy.cache;

import dev.tollgate.model.Usage;
import dev.tollgate.provider.Chunk;
import dev.tollgate.provider.Wire;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * An answer as every cache tier stores it, and its byte encoding ({@link #encode}, {@link #decode}): the same
 * bytes go into the exact store (in process or Redis) and into the semantic index's payload.
 *
 * <p>Either a whole body ({@code chunks} empty) or the chunks of a stream ({@code body} empty), in {@code wire}'s
 * shape, as the upstream delivered it; with the usage the miss was billed, what it cost (a hit's cost avoided),
 * who answered, and when the entry expires (the semantic index has no expiry of its own).
 *
 * <p>Encoding, version 1: the magic byte {@code 'T'}, the version, then in order: streamed flag, wire ordinal,
 * six usage fields, cost, provider, model, stored-at and expires-at (epoch milliseconds), then the body (length,
 * bytes) or the chunk count and per chunk its flags, event name and JSON (length, bytes). A payload that does not
 * decode is treated as a miss, never as an answer.
 */
record StoredAnswer(boolean streamed, Wire wire, byte[] body, List<Chunk> chunks, Usage usage, double costUsd, String provider,
                    String model, long storedAtMillis, long expiresAtMillis) {

    private static final int MAGIC = 'T';
    private static final int VERSION = 1;

    StoredAnswer {
        chunks = List.copyOf(chunks);
        provider = provider == null ? "" : provider;
        model = model == null ? "" : model;
    }

    StoredAnswer expiringAt(long millis) {
        return new StoredAnswer(streamed, wire, body, chunks, usage, costUsd, provider, model, storedAtMillis, millis);
    }

    boolean expired(long nowMillis) {
        return nowMillis >= expiresAtMillis;
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + (streamed ? chunks.size() * 160 : body.length));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(MAGIC);
            out.writeByte(VERSION);
            out.writeBoolean(streamed);
            out.writeByte(wire.ordinal());
            out.writeLong(usage.inputTokens());
            out.writeLong(usage.outputTokens());
            out.writeLong(usage.cachedTokens());
            out.writeLong(usage.cacheWriteTokens());
            out.writeLong(usage.reasoningTokens());
            out.writeBoolean(usage.estimated());
            out.writeDouble(costUsd);
            out.writeUTF(provider);
            out.writeUTF(model);
            out.writeLong(storedAtMillis);
            out.writeLong(expiresAtMillis);
            if (streamed) {
                out.writeInt(chunks.size());
                for (Chunk c : chunks) {
                    out.writeByte((c.usageOnly() ? 1 : 0) | (c.hasContent() ? 2 : 0));
                    out.writeUTF(c.event() == null ? "" : c.event());
                    out.writeInt(c.json().length);
                    out.write(c.json());
                }
            } else {
                out.writeInt(body.length);
                out.write(body);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen: writing to memory", e);
        }
        return bytes.toByteArray();
    }

    /** The stored answer of {@code bytes}; throws {@link IllegalArgumentException} when they are not one. */
    static StoredAnswer decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (in.readUnsignedByte() != MAGIC || in.readUnsignedByte() != VERSION) {
                throw new IllegalArgumentException("not a stored answer of this version");
            }
            boolean streamed = in.readBoolean();
            int wireOrdinal = in.readUnsignedByte();
            if (wireOrdinal >= Wire.values().length) {
                throw new IllegalArgumentException("unknown wire " + wireOrdinal);
            }
            Usage usage = new Usage(in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readBoolean());
            double cost = in.readDouble();
            String provider = in.readUTF();
            String model = in.readUTF();
            long storedAt = in.readLong();
            long expiresAt = in.readLong();
            List<Chunk> chunks = new ArrayList<>();
            byte[] body = new byte[0];
            if (streamed) {
                int count = in.readInt();
                checkLength(count, bytes.length);
                for (int i = 0; i < count; i++) {
                    int flags = in.readUnsignedByte();
                    String event = in.readUTF();
                    chunks.add(new Chunk(bytes(in, bytes.length), (flags & 1) != 0, (flags & 2) != 0, event.isEmpty() ? null : event));
                }
            } else {
                body = bytes(in, bytes.length);
            }
            if (in.available() != 0) {
                throw new IllegalArgumentException("trailing bytes after the stored answer");
            }
            return new StoredAnswer(streamed, Wire.values()[wireOrdinal], body, chunks, usage, cost, provider, model, storedAt, expiresAt);
        } catch (IOException e) {
            throw new IllegalArgumentException("a truncated stored answer", e);
        }
    }

    private static byte[] bytes(DataInputStream in, int total) throws IOException {
        int length = in.readInt();
        checkLength(length, total);
        byte[] out = in.readNBytes(length);
        if (out.length != length) {
            throw new IllegalArgumentException("a truncated stored answer");
        }
        return out;
    }

    private static void checkLength(int length, int total) {
        if (length < 0 || length > total) {
            throw new IllegalArgumentException("a length of " + length + " in a payload of " + total + " bytes");
        }
    }
}
