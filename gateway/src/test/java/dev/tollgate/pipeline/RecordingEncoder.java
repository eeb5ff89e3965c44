package dev.tollgate.pipeline;

import dev.tollgate.model.UsageEvent;
import dev.tollgate.provider.Chunk;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A stream encoder that writes into a list; it can play a client that goes away at its {@code goneAt}-th chunk. */
public final class RecordingEncoder implements StreamEncoder {

    public final List<String> written = new ArrayList<>();
    /** How many chunks were written at each flush. */
    public final List<Integer> flushedAt = new ArrayList<>();
    /** Run at each flush. */
    public Runnable atFlush = () -> { };
    private final int goneAt;
    private final Runnable atEnd;

    /** @param atEnd run when the end or error event is written (tests look at what was settled by then) */
    public RecordingEncoder(int goneAt, Runnable atEnd) {
        this.goneAt = goneAt;
        this.atEnd = atEnd;
    }

    public RecordingEncoder() {
        this(-1, () -> { });
    }

    @Override
    public void chunk(Chunk chunk) throws IOException {
        if (written.size() == goneAt) {
            throw new IOException("Broken pipe");
        }
        written.add(new String(chunk.json(), StandardCharsets.UTF_8));
    }

    @Override
    public void flush() {
        atFlush.run();
        flushedAt.add(written.size());
    }

    @Override
    public void end(UsageEvent settled) {
        atEnd.run();
        written.add("[end " + settled.usage().totalTokens() + "]");
    }

    @Override
    public void failed(GatewayException error) {
        atEnd.run();
        written.add("[error " + error.code() + "]");
    }
}
