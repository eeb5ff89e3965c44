package dev.tollgate.semantic.embed;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers the vector of each text it embedded, for evaluating and training on pair files where the same text
 * comes back in several pairs. Optionally saved to a file, so retraining after a feature change does not embed
 * the whole file again. Not for the serving path: it grows without bound.
 */
public final class MemoizingEmbedder implements Embedder {

    private final Embedder delegate;
    private final Map<String, float[]> vectors = new ConcurrentHashMap<>();

    public MemoizingEmbedder(Embedder delegate) {
        this.delegate = delegate;
    }

    @Override
    public int dimensions() {
        return delegate.dimensions();
    }

    @Override
    public float[] embed(String text) {
        return vectors.computeIfAbsent(text, delegate::embed);
    }

    public int size() {
        return vectors.size();
    }

    /** Adds the vectors a previous {@link #save} wrote; a missing file adds nothing. */
    public void load(Path file) {
        if (!Files.exists(file)) {
            return;
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            int count = in.readInt();
            int dims = in.readInt();
            if (dims != dimensions()) {
                return;
            }
            for (int i = 0; i < count; i++) {
                byte[] text = new byte[in.readInt()];
                in.readFully(text);
                float[] v = new float[dims];
                for (int j = 0; j < dims; j++) {
                    v[j] = in.readFloat();
                }
                vectors.put(new String(text, StandardCharsets.UTF_8), v);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the embedding cache " + file + ": " + e.getMessage(), e);
        }
    }

    public void save(Path file) {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            Map<String, float[]> snapshot = Map.copyOf(vectors);
            out.writeInt(snapshot.size());
            out.writeInt(dimensions());
            for (var e : snapshot.entrySet()) {
                byte[] text = e.getKey().getBytes(StandardCharsets.UTF_8);
                out.writeInt(text.length);
                out.write(text);
                for (float x : e.getValue()) {
                    out.writeFloat(x);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the embedding cache " + file + ": " + e.getMessage(), e);
        }
    }
}
