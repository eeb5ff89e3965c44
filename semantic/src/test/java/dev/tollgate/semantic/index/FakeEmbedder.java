package dev.tollgate.semantic.index;

import dev.tollgate.semantic.embed.Embedder;
import java.util.Random;

/**
 * A deterministic embedder for index mechanics at scale: each distinct text gets a random unit vector seeded by
 * its hash, so equal texts have cosine 1 and different ones about 0. Thousands of entries index in seconds.
 */
final class FakeEmbedder implements Embedder {

    @Override
    public int dimensions() {
        return 384;
    }

    @Override
    public float[] embed(String text) {
        Random random = new Random(text.hashCode());
        float[] v = new float[dimensions()];
        double norm = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
            norm += v[i] * v[i];
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < v.length; i++) {
            v[i] *= scale;
        }
        return v;
    }
}
