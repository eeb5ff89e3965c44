package dev.tollgate.store;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data directory holds usage, keys and budgets: everything in it is created owner-only (directories
 * 0700, files 0600) whatever the umask. An existing directory keeps the permissions its owner gave it,
 * with a warning when others can read it; Tollgate's own files in it are tightened to 0600. On a file
 * system without POSIX permissions the platform's defaults apply.
 */
public final class PrivateFiles {

    private static final Logger LOG = LoggerFactory.getLogger(PrivateFiles.class);
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {
    }

    /** Creates {@code dir} and its missing parents owner-only; warns once when an existing one is open to others. */
    public static Path directory(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            warnIfShared(absolute);
            return dir;
        }
        Path parent = absolute.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            directory(parent);
        }
        try {
            Files.createDirectory(absolute, attributes(absolute, DIRECTORY));
        } catch (FileAlreadyExistsException raced) {
            if (!Files.isDirectory(absolute)) {
                throw raced;
            }
        }
        return dir;
    }

    /**
     * Makes sure {@code file} exists and is owner-only: created 0600 when missing, tightened to 0600 when
     * it exists wider. SQLite creates its {@code -wal} and {@code -shm} files with its database's mode, so
     * a database file created here keeps them private too.
     */
    public static Path file(Path file) throws IOException {
        try {
            Files.createFile(file, attributes(file, FILE));
        } catch (FileAlreadyExistsException exists) {
            tighten(file);
        }
        return file;
    }

    /** Tightens an existing file of Tollgate's to 0600 (no-op when it is missing or the file system has no POSIX permissions). */
    public static void tighten(Path file) throws IOException {
        if (!posix(file) || !Files.exists(file)) {
            return;
        }
        Set<PosixFilePermission> now = Files.getPosixFilePermissions(file);
        if (!FILE.containsAll(now)) {
            Files.setPosixFilePermissions(file, FILE);
        }
    }

    /** The attribute that creates a file owner-only, for {@code FileChannel.open}; none without POSIX permissions. */
    public static FileAttribute<?>[] fileAttributes(Path file) {
        return attributes(file, FILE);
    }

    private static FileAttribute<?>[] attributes(Path path, Set<PosixFilePermission> permissions) {
        return posix(path) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)} : new FileAttribute<?>[0];
    }

    private static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static void warnIfShared(Path dir) throws IOException {
        if (!posix(dir)) {
            return;
        }
        Set<PosixFilePermission> now = Files.getPosixFilePermissions(dir);
        if (now.contains(PosixFilePermission.GROUP_READ) || now.contains(PosixFilePermission.OTHERS_READ)
                || now.contains(PosixFilePermission.GROUP_EXECUTE) || now.contains(PosixFilePermission.OTHERS_EXECUTE)) {
            LOG.warn("the data directory {} is open to other users ({}); Tollgate creates its files there owner-only, "
                    + "but consider chmod 700 on the directory", dir, PosixFilePermissions.toString(now));
        }
    }
}
