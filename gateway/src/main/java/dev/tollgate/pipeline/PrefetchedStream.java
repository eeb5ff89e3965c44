package dev.tollgate.pipeline;

import dev.tollgate.model.Usage;
import dev.tollgate.provider.Chunk;
import dev.tollgate.provider.ChunkStream;

/** A stream whose first chunk was already read (to allow fallback); hands it out first. */
final class PrefetchedStream implements ChunkStream {

    private final ChunkStream rest;
    private Chunk first;
    private boolean firstTaken;

    PrefetchedStream(Chunk first, ChunkStream rest) {
        this.first = first;
        this.rest = rest;
    }

    @Override
    public Chunk next() {
        if (!firstTaken) {
            firstTaken = true;
            Chunk out = first;
            first = null;
            return out;
        }
        return rest.next();
    }

    @Override
    public boolean nextIsReady() {
        return !firstTaken || rest.nextIsReady();
    }

    @Override
    public Usage usage() {
        return rest.usage();
    }

    @Override
    public void close() {
        rest.close();
    }
}
