package dev.tollgate.store.sqlite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import dev.tollgate.store.PrivateFiles;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/** Opens Tollgate's SQLite file: WAL journal, a busy timeout, and the schema migrated by Flyway. */
public final class SqliteDatabase {

    private SqliteDatabase() {
    }

    /**
     * Opens and migrates the file on a background thread: the stores of one gateway share the result, so
     * the schema is checked once, while start-up goes on.
     */
    public static java.util.concurrent.CompletableFuture<Jdbi> openAsync(Path file) {
        java.util.concurrent.CompletableFuture<Jdbi> out = new java.util.concurrent.CompletableFuture<>();
        Thread.ofPlatform().name("tollgate-db-open").daemon(true).start(() -> {
            try {
                out.complete(open(file));
            } catch (RuntimeException e) {
                out.completeExceptionally(e);
            }
        });
        return out;
    }

    /** Opens the file and migrates it; serialized, so two stores opening one file never migrate at once. */
    static synchronized Jdbi open(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                PrivateFiles.directory(parent);
            }
            // Created owner-only before SQLite opens it: SQLite gives its -wal and -shm files the database's mode.
            PrivateFiles.file(file);
            PrivateFiles.tighten(Path.of(file + "-wal"));
            PrivateFiles.tighten(Path.of(file + "-shm"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory for " + file, e);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(10_000);
        config.setCacheSize(-65_536);          // 64 MiB of page cache per connection
        config.setTempStore(SQLiteConfig.TempStore.MEMORY);
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration/sqlite")
                .load()
                .migrate();
        return Jdbi.create(dataSource);
    }
}
