package dev.tollgate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One gateway per data directory: a second lock is refused in words, and a released one can be taken again. */
class DataDirLockTest {

    @TempDir
    Path dir;

    @Test
    void aHeldDirectory_isRefused_untilItsLockIsReleased() {
        Path data = dir.resolve("data");
        DataDirLock first = DataDirLock.acquire(data);

        assertThatThrownBy(() -> DataDirLock.acquire(data)).isInstanceOf(IllegalStateException.class)
                .hasMessage("the data directory " + data.toAbsolutePath() + " is in use by another Tollgate (tollgate.lock is locked);"
                        + " stop it first, or give this one its own --data directory");

        first.close();
        DataDirLock again = DataDirLock.acquire(data);
        again.close();
        assertThat(Files.isRegularFile(data.resolve(DataDirLock.FILE))).isTrue();
    }
}
