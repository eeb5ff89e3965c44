package dev.tollgate.provider;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.config.TimeoutConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * https upstreams: the certificate must chain to a trusted one and name the host called, by address or by
 * name; a host name is sent as server name indication. Certificates are
 * made at test time with the keytool of the JDK running the test.
 */
class UpstreamHttpTlsTest {

    private static final char[] PASSWORD = "changeit".toCharArray();
    private static final String OK = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok";

    @TempDir
    static Path dir;
    /** A certificate for 127.0.0.1 and localhost, one for the name localhost only, and one for another host only. */
    private static KeyStore loopback;
    private static KeyStore named;
    private static KeyStore elsewhere;

    private FakeUpstream upstream;
    private UpstreamHttp http;

    @BeforeAll
    static void certificates() throws Exception {
        loopback = keyStore("loopback", "CN=localhost", "san=dns:localhost,ip:127.0.0.1");
        named = keyStore("named", "CN=localhost", "san=dns:localhost");
        elsewhere = keyStore("elsewhere", "CN=api.example.com", "san=dns:api.example.com");
    }

    private static KeyStore keyStore(String name, String dname, String san) throws Exception {
        Path file = dir.resolve(name + ".p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname, "-ext", san,
                "-validity", "2", "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", new String(PASSWORD),
                "-keypass", new String(PASSWORD)).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), UTF_8);
        assertThat(keytool.waitFor()).as(output).isZero();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD);
        }
        return store;
    }

    @AfterEach
    void close() throws IOException {
        if (http != null) {
            http.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private void serve(KeyStore identity) throws Exception {
        serve(identity, (peer, i) -> peer.keepAnswering(OK));
    }

    private void serve(KeyStore identity, FakeUpstream.Script script) throws Exception {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(identity, PASSWORD);
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(keys.getKeyManagers(), null, null);
        upstream = new FakeUpstream(server.getServerSocketFactory().createServerSocket(), "https", script);
    }

    /** A client context that trusts exactly the certificates of {@code stores}. */
    private static SSLContext trusting(List<KeyStore> stores) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        for (KeyStore store : stores) {
            String alias = store.aliases().nextElement();
            trust.setCertificateEntry(alias, store.getCertificate(alias));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    private static UpstreamHttp client(SSLContext tls) {
        return new UpstreamHttp(FakeUpstream.provider(FakeUpstream.PATIENT, Map.of()), FakeUpstream::mapError, tls);
    }

    private String complete() {
        return complete(upstream.uri("/v1/chat/completions"));
    }

    private String complete(URI uri) {
        return new String(http.complete(uri, "{}".getBytes(UTF_8), Map.of()), UTF_8);
    }

    /** The same upstream called by its host name, {@code localhost}, rather than its address. */
    private URI byName() {
        return URI.create("https://localhost:" + upstream.uri("/").getPort() + "/v1/chat/completions");
    }

    @Test
    void aTrustedCertificateForTheHost_isAccepted_andItsConnectionKeptAlive() throws Exception {
        serve(loopback);
        http = client(trusting(List.of(loopback)));

        assertThat(complete()).isEqualTo("ok");
        assertThat(complete()).isEqualTo("ok");
        assertThat(upstream.accepted()).isEqualTo(1);
    }

    @Test
    void aTrustedCertificateForAnotherHost_isRefused() throws Exception {
        serve(elsewhere);
        http = client(trusting(List.of(loopback, elsewhere)));

        assertThatThrownBy(this::complete).isInstanceOfSatisfying(UpstreamException.class, e -> {
            assertThat(e.kind()).isEqualTo(UpstreamException.Kind.CONNECT);
            assertThat(e.getMessage()).isEqualTo("could not set up a TLS connection with the provider 'fake'");
        });
    }

    @Test
    void aHostCalledByName_isSentAsServerNameIndication_andItsCertificateAccepted() throws Exception {
        LinkedBlockingQueue<List<SNIServerName>> requested = new LinkedBlockingQueue<>();
        serve(named, (peer, i) -> {
            requested.add(((ExtendedSSLSession) ((SSLSocket) peer.socket()).getSession()).getRequestedServerNames());
            peer.keepAnswering(OK);
        });
        http = client(trusting(List.of(named)));

        assertThat(complete(byName())).isEqualTo("ok");

        assertThat(requested.poll(10, TimeUnit.SECONDS)).containsExactly(new SNIHostName("localhost"));
    }

    @Test
    void aTrustedCertificateForAnotherHostName_isRefused_whenCalledByName() throws Exception {
        serve(elsewhere);
        http = client(trusting(List.of(named, elsewhere)));

        assertThatThrownBy(() -> complete(byName())).isInstanceOfSatisfying(UpstreamException.class, e -> {
            assertThat(e.kind()).isEqualTo(UpstreamException.Kind.CONNECT);
            assertThat(e.getMessage()).isEqualTo("could not set up a TLS connection with the provider 'fake'");
        });
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void anUpstreamThatStopsReadingALargeRequest_failsWithinTheFirstByteTimeout_overTlsToo() throws Exception {
        CountDownLatch testDone = new CountDownLatch(1);
        try {
            serve(loopback, (peer, i) -> {
                ((SSLSocket) peer.socket()).startHandshake();
                testDone.await(); // never reads the request
            });
            http = new UpstreamHttp(FakeUpstream.provider(new TimeoutConfig(Duration.ofSeconds(10), Duration.ofMillis(300),
                    Duration.ofSeconds(30)), Map.of()), FakeUpstream::mapError, trusting(List.of(loopback)));
            byte[] large = new byte[32 * 1024 * 1024];

            assertThatThrownBy(() -> http.complete(upstream.uri("/v1/chat/completions"), large, Map.of()))
                    .isInstanceOf(UpstreamException.class).hasMessage("no answer from the provider 'fake' within 300 ms (first_byte_ms)");
        } finally {
            testDone.countDown();
        }
    }

    @Test
    void anUntrustedCertificate_isRefused_byTheDefaultTrust() throws Exception {
        serve(loopback);
        http = FakeUpstream.client(FakeUpstream.PATIENT, Map.of());

        assertThatThrownBy(this::complete).isInstanceOf(UpstreamException.class)
                .hasMessage("could not set up a TLS connection with the provider 'fake'");
    }
}
