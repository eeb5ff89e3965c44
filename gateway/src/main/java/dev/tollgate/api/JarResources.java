package dev.tollgate.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Files that ship inside the jar (pages, WebJars), read once at start; a missing one is a broken build. */
public final class JarResources {

    private JarResources() {
    }

    /** The bytes of {@code resource}; throws, naming it, when the class path lacks it. */
    public static byte[] read(ClassLoader loader, String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    /** The version of the WebJar {@code group:artifact} (named {@code what} in the error), from its pom.properties. */
    public static String webjarVersion(ClassLoader loader, String group, String artifact, String what) {
        String resource = "META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        Properties p = new Properties();
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the " + what + " WebJar (" + group + ":" + artifact + ") is missing from the class path");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the " + what + " WebJar's version", e);
        }
        return p.getProperty("version");
    }
}
