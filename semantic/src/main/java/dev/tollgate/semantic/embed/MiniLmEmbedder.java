package dev.tollgate.semantic.embed;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.concurrent.atomic.AtomicReference;

/**
 * all-MiniLM-L6-v2, int8-quantized, run by ONNX Runtime in this process; the model ships inside the
 * langchain4j jar, so nothing is downloaded. The model is loaded when {@link #shared()} is first called
 * (about 23 MB of weights and a second or two), never at class-path scanning.
 *
 * <p>MiniLM was trained on inputs of up to 256 word pieces; longer inputs cost more and say less, so a text
 * over {@link #MAX_CHARS} characters is embedded as its head and its tail (where questions and instructions
 * usually are). The hit decision still compares the whole texts word by word, so what the cut leaves out
 * cannot make two different texts equal.
 */
public final class MiniLmEmbedder implements Embedder {

    public static final int MAX_CHARS = 1_200;
    private static final int TAIL_CHARS = 400;

    private final EmbeddingModel model;

    /** Loading needs more native stack than a default thread has (see {@link #load()}). */
    private static final long LOADER_STACK_BYTES = 16L << 20;

    private MiniLmEmbedder(EmbeddingModel model) {
        this.model = model;
    }

    /**
     * Loads the model on a thread of its own with a 16 MiB stack: ONNX Runtime 1.29 creating this session needs
     * more than 2 MiB of native stack and crashes the JVM (SIGSEGV, no error report) on a default 1 MiB thread.
     * Embedding afterwards runs on any thread, virtual ones included. The caller's thread runs the model (no
     * pool of our own: concurrent lookups embed in parallel, each on its own thread).
     */
    private static MiniLmEmbedder load() {
        AtomicReference<Object> loaded = new AtomicReference<>();
        Thread loader = new Thread(null, () -> {
            try {
                loaded.set(new AllMiniLmL6V2QuantizedEmbeddingModel(Runnable::run));
            } catch (RuntimeException | Error e) {
                loaded.set(e);
            }
        }, "tollgate-minilm-load", LOADER_STACK_BYTES);
        loader.start();
        try {
            loader.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading the embedding model", e);
        }
        if (loaded.get() instanceof EmbeddingModel model) {
            return new MiniLmEmbedder(model);
        }
        throw new IllegalStateException("cannot load the MiniLM embedding model: " + loaded.get(), (Throwable) loaded.get());
    }

    /** The one instance of the process, loaded on first use. */
    public static MiniLmEmbedder shared() {
        return Holder.INSTANCE;
    }

    @Override
    public int dimensions() {
        return 384;
    }

    @Override
    public float[] embed(String text) {
        float[] v = model.embed(truncate(text)).content().vector();
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        if (norm == 0) {
            return v;
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < v.length; i++) {
            v[i] *= scale;
        }
        return v;
    }

    static String truncate(String text) {
        if (text.length() <= MAX_CHARS) {
            return text;
        }
        int head = MAX_CHARS - TAIL_CHARS;
        if (Character.isHighSurrogate(text.charAt(head - 1))) {
            head--;
        }
        int tail = text.length() - TAIL_CHARS;
        if (Character.isLowSurrogate(text.charAt(tail))) {
            tail++;
        }
        return text.substring(0, head) + " … " + text.substring(tail);
    }

    private static final class Holder {
        static final MiniLmEmbedder INSTANCE = load();
    }
}
