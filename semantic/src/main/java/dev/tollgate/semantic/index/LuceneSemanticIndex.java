package dev.tollgate.semantic.index;

import dev.tollgate.policy.cache.semantic.SemanticCacheProvider.PairJudgement;
import dev.tollgate.policy.cache.semantic.SemanticIndex;
import dev.tollgate.policy.cache.semantic.SemanticIndexOptions;
import dev.tollgate.policy.cache.semantic.SemanticMatch;
import dev.tollgate.policy.cache.semantic.SemanticNamespace;
import dev.tollgate.policy.cache.semantic.SemanticStats;
import dev.tollgate.policy.cache.semantic.SemanticText;
import dev.tollgate.policy.cache.semantic.Strictness;
import dev.tollgate.semantic.decision.HitDecision;
import dev.tollgate.semantic.embed.Embedder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * The semantic index: Lucene's HNSW graph finds the nearest stored conversations, the learned decision says
 * whether one of them may answer.
 *
 * <p><b>Design.</b> Two structures, kept in step under one lock on the write side:
 * <ul>
 *   <li>a Lucene index in memory ({@link ByteBuffersDirectory}), one document per entry: its vector, its id, and
 *   its namespace as an exact term. Every search is a {@link KnnFloatVectorQuery} filtered on that term, so the
 *   graph walk only accepts documents of the caller's namespace (Lucene falls back to an exact scan when the
 *   namespace is small); no other org's or model's entry can come back.</li>
 *   <li>the entries themselves (payload, text profiles, vectors for the decision) in a map by id, with a
 *   least-recently-used order that bounds them. A put that goes past the bound evicts the eldest entry from both,
 *   in the same critical section, so Lucene never keeps a document whose entry is gone for longer than the
 *   next refresh, and never the other way round.</li>
 * </ul>
 * Lookups take no lock: they search the latest Lucene reader (reopened first when a write happened since), read
 * candidates from the concurrent map, skip any that was evicted meanwhile, and check the namespace once more.
 * Only a hit touches the LRU order (a brief lock).
 */
public final class LuceneSemanticIndex implements SemanticIndex {

    /** Nearest neighbours the decision looks at: the nearest is not always the one the decision likes best. */
    static final int CANDIDATES = 8;

    private static final String VECTOR = "v";
    private static final String ID = "id";
    private static final String NAMESPACE = "ns";
    private static final String ORG = "org";
    private static final String ORG_MODEL = "org_model";

    private final Embedder embedder;
    private final HitDecision decision;
    private final Strictness strictness;
    private final int maxEntries;
    private final ByteBuffersDirectory directory = new ByteBuffersDirectory();
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Long, Entry> entries = new ConcurrentHashMap<>();
    private final LinkedHashMap<Long, Entry> recency = new LinkedHashMap<>(16, 0.75f, true);
    private final AtomicLong nextId = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private volatile long searchedWrites;

    record Entry(long id, SemanticNamespace namespace, Conversation conversation, byte[] payload) {

        long bytes() {
            return 96 + payload.length + conversation.bytes();
        }
    }

    public LuceneSemanticIndex(Embedder embedder, HitDecision decision, SemanticIndexOptions options) {
        this.embedder = embedder;
        this.decision = decision;
        this.strictness = options.strictness();
        this.maxEntries = options.maxEntries();
        try {
            this.writer = new IndexWriter(directory, new IndexWriterConfig().setOpenMode(IndexWriterConfig.OpenMode.CREATE)
                    .setRAMBufferSizeMB(32));
            this.searchers = new SearcherManager(writer, true, false, null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the in-memory vector index", e);
        }
    }

    @Override
    public Optional<SemanticMatch> lookup(SemanticNamespace namespace, SemanticText text) {
        if (text.prompt().isBlank()) {
            return Optional.empty();
        }
        Conversation asked = Conversation.of(text, embedder);
        Entry best = null;
        PairJudgement bestJudgement = null;
        for (Entry candidate : nearest(namespace, asked.vector())) {
            if (!candidate.namespace().equals(namespace) || !candidate.conversation().sameContext(asked)) {
                continue;
            }
            double cosine = Embedder.cosine(candidate.conversation().prompt(), asked.prompt());
            PairJudgement j = decision.judge(candidate.conversation().promptProfile(), asked.promptProfile(), cosine, strictness);
            if (j.hit() && (bestJudgement == null || j.score() > bestJudgement.score())) {
                best = candidate;
                bestJudgement = j;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        touch(best.id());
        return Optional.of(new SemanticMatch(Long.toString(best.id()), bestJudgement.similarity(), bestJudgement.score(), best.payload()));
    }

    @Override
    public Optional<String> put(SemanticNamespace namespace, SemanticText text, byte[] payload) {
        if (text.prompt().isBlank()) {
            return Optional.empty();
        }
        Conversation conversation = Conversation.of(text, embedder);
        Entry entry = new Entry(nextId.incrementAndGet(), namespace, conversation, payload.clone());
        lock.lock();
        try {
            writer.addDocument(document(entry));
            entries.put(entry.id(), entry);
            recency.put(entry.id(), entry);
            bytes.addAndGet(entry.bytes());
            while (recency.size() > maxEntries) {
                Iterator<Entry> eldest = recency.values().iterator();
                remove(eldest.next());
                eldest.remove();
            }
            writes.incrementAndGet();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot add to the in-memory vector index", e);
        } finally {
            lock.unlock();
        }
        return Optional.of(Long.toString(entry.id()));
    }

    @Override
    public boolean remove(String entryId) {
        long id;
        try {
            id = Long.parseLong(entryId);
        } catch (NumberFormatException e) {
            return false;
        }
        lock.lock();
        try {
            Entry e = recency.remove(id);
            if (e == null) {
                return false;
            }
            remove(e);
            writes.incrementAndGet();
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete from the in-memory vector index", e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int invalidate(String org, Optional<String> model) {
        int removed = 0;
        lock.lock();
        try {
            Iterator<Entry> it = recency.values().iterator();
            while (it.hasNext()) {
                Entry e = it.next();
                if (e.namespace().org().equals(org) && model.map(m -> m.equals(e.namespace().model())).orElse(true)) {
                    entries.remove(e.id());
                    bytes.addAndGet(-e.bytes());
                    it.remove();
                    removed++;
                }
            }
            writer.deleteDocuments(model.map(m -> new Term(ORG_MODEL, orgModel(org, m))).orElse(new Term(ORG, org)));
            writes.incrementAndGet();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete from the in-memory vector index", e);
        } finally {
            lock.unlock();
        }
        return removed;
    }

    @Override
    public SemanticStats stats() {
        long count;
        lock.lock();
        try {
            count = recency.size();
        } finally {
            lock.unlock();
        }
        return new SemanticStats(count, maxEntries, bytes.get() + indexBytes());
    }

    @Override
    public void close() {
        try {
            searchers.close();
            writer.close();
            directory.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the in-memory vector index", e);
        }
    }

    /** Removes an entry from the map and Lucene; the caller holds the lock and removes it from the LRU order. */
    private void remove(Entry e) throws IOException {
        entries.remove(e.id());
        bytes.addAndGet(-e.bytes());
        writer.deleteDocuments(NumericDocValuesField.newSlowExactQuery(ID, e.id()));
    }

    private void touch(long id) {
        lock.lock();
        try {
            recency.get(id);
        } finally {
            lock.unlock();
        }
    }

    private List<Entry> nearest(SemanticNamespace namespace, float[] vector) {
        refreshIfWritten();
        IndexSearcher searcher;
        try {
            searcher = searchers.acquire();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            TopDocs top = searcher.search(new KnnFloatVectorQuery(VECTOR, vector, CANDIDATES,
                    new TermQuery(new Term(NAMESPACE, key(namespace)))), CANDIDATES);
            List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
            List<Entry> found = new ArrayList<>(top.scoreDocs.length);
            for (ScoreDoc hit : top.scoreDocs) {
                LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(hit.doc, leaves));
                NumericDocValues ids = DocValues.getNumeric(leaf.reader(), ID);
                if (ids.advanceExact(hit.doc - leaf.docBase)) {
                    Entry e = entries.get(ids.longValue());
                    if (e != null) {
                        found.add(e);
                    }
                }
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot search the in-memory vector index", e);
        } finally {
            try {
                searchers.release(searcher);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Reopens the reader when anything was written since the last search, so a put is seen by the next lookup. */
    private void refreshIfWritten() {
        long seen = writes.get();
        if (seen == searchedWrites) {
            return;
        }
        try {
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot refresh the in-memory vector index", e);
        }
        searchedWrites = seen;
    }

    private static Document document(Entry e) {
        Document doc = new Document();
        doc.add(new KnnFloatVectorField(VECTOR, e.conversation().vector(), VectorSimilarityFunction.DOT_PRODUCT));
        doc.add(new NumericDocValuesField(ID, e.id()));
        doc.add(new StringField(NAMESPACE, key(e.namespace()), Field.Store.NO));
        doc.add(new StringField(ORG, e.namespace().org(), Field.Store.NO));
        doc.add(new StringField(ORG_MODEL, orgModel(e.namespace().org(), e.namespace().model()), Field.Store.NO));
        return doc;
    }

    /** One exact term per namespace; the separator cannot be confused since each part's length leads it. */
    static String key(SemanticNamespace ns) {
        return ns.org().length() + ":" + ns.org() + "|" + ns.model().length() + ":" + ns.model() + "|" + ns.key();
    }

    private static String orgModel(String org, String model) {
        return org.length() + ":" + org + "|" + model;
    }

    private long indexBytes() {
        long total = 0;
        try {
            for (String file : directory.listAll()) {
                try {
                    total += directory.fileLength(file);
                } catch (java.nio.file.NoSuchFileException gone) {
                    // merged away between listing and asking: nothing left to count
                }
            }
        } catch (IOException e) {
            return total;
        }
        return total + writer.ramBytesUsed();
    }
}
