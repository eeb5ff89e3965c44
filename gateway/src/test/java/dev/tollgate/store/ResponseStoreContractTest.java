package dev.tollgate.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.store.jdbc.JdbcResponseStore;
import dev.tollgate.store.sqlite.SqliteDatabase;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The {@link ResponseStore} contract, run over every implementation: SQLite and PostgreSQL (real server). */
class ResponseStoreContractTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00.500Z");

    enum Impl {
        SQLITE {
            @Override
            ResponseStore open(Path dir, OpenedResources after) {
                var database = SqliteDatabase.openAsync(dir.resolve("tollgate.db"));
                return new JdbcResponseStore(database::join);
            }
        },
        POSTGRES {
            @Override
            ResponseStore open(Path dir, OpenedResources after) {
                TestPostgres.Schema schema = TestPostgres.open("responses");
                after.add(schema);
                return new JdbcResponseStore(schema.database()::jdbi);
            }
        };

        abstract ResponseStore open(Path dir, OpenedResources after);
    }

    @TempDir
    Path dir;

    @RegisterExtension
    final OpenedResources after = new OpenedResources();

    private static StoredResponse response(String id, String org, Instant at, String text) {
        return new StoredResponse(id, org, at, "{\"id\":\"" + id + "\",\"text\":\"" + text + "\"}",
                "[{\"role\":\"user\",\"content\":\"" + text + "\"}]");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Impl.class)
    void aResponse_roundTripsWithinItsOrg_only(Impl impl) {
        ResponseStore store = impl.open(dir, after);
        StoredResponse kept = response("resp_1", "acme", T0, "héllo \"quoted\" ✓");
        store.put(kept);

        assertThat(store.find("acme", "resp_1")).contains(kept);
        assertThat(store.find("globex", "resp_1")).as("another org's id").isEmpty();
        assertThat(store.find("acme", "resp_2")).isEmpty();
        assertThat(store.delete("globex", "resp_1")).as("another org cannot delete it").isFalse();
        assertThat(store.find("acme", "resp_1")).isPresent();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Impl.class)
    void putAgain_replaces_andDelete_removesOnce(Impl impl) {
        ResponseStore store = impl.open(dir, after);
        store.put(response("resp_1", "acme", T0, "first"));
        StoredResponse second = response("resp_1", "acme", T0.plusSeconds(5), "second");
        store.put(second);
        store.put(response("resp_1", "globex", T0, "theirs"));

        assertThat(store.find("acme", "resp_1")).contains(second);
        assertThat(store.delete("acme", "resp_1")).isTrue();
        assertThat(store.delete("acme", "resp_1")).isFalse();
        assertThat(store.find("acme", "resp_1")).isEmpty();
        assertThat(store.find("globex", "resp_1")).map(StoredResponse::conversation).contains("[{\"role\":\"user\",\"content\":\"theirs\"}]");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Impl.class)
    void pruneBefore_deletesOnlyOlderResponses(Impl impl) {
        ResponseStore store = impl.open(dir, after);
        store.put(response("resp_old", "acme", T0, "old"));
        store.put(response("resp_edge", "globex", T0.plusSeconds(60), "edge"));
        store.put(response("resp_new", "acme", T0.plusSeconds(120), "new"));

        assertThat(store.pruneBefore(T0.plusSeconds(60))).isEqualTo(1);
        assertThat(store.find("acme", "resp_old")).isEmpty();
        assertThat(store.find("globex", "resp_edge")).isPresent();
        assertThat(store.find("acme", "resp_new")).isPresent();
        assertThat(store.pruneBefore(T0)).isZero();
    }
}
