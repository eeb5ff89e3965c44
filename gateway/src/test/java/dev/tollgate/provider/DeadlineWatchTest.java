package dev.tollgate.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Deadlines of blocked upstream reads, enforced by the watch over real loopback sockets. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DeadlineWatchTest {

    private static final Destination HERE = new Destination(false, "127.0.0.1", 8080);

    private final DeadlineWatch watch = new DeadlineWatch();
    private final ServerSocket server;
    private final List<Socket> sockets = new ArrayList<>();

    DeadlineWatchTest() throws IOException {
        server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void close() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        server.close();
    }

    /** A connection whose upstream end is {@code peer[0]}. */
    private UpstreamConnection connection(Socket[] peer) throws IOException {
        Socket socket = new Socket(server.getInetAddress(), server.getLocalPort());
        sockets.add(socket);
        peer[0] = server.accept();
        sockets.add(peer[0]);
        return new UpstreamConnection(HERE, socket, socket, watch);
    }

    @Test
    void aReadBlockedPastItsDeadline_endsAsATimeout_andClosesTheConnection() throws IOException {
        Socket[] peer = new Socket[1];
        UpstreamConnection connection = connection(peer);
        connection.begin(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200));

        assertThatThrownBy(() -> connection.readLine(100, "too long"))
                .isInstanceOf(SocketTimeoutException.class).hasMessage("Read timed out");
        // The watch closed the socket: the upstream's end sees the connection end.
        assertThat(peer[0].getInputStream().read()).isEqualTo(-1);
    }

    @Test
    void anIdleTimeout_isPerRead_soASlowButSteadyStreamIsNotCut() throws Exception {
        Socket[] peer = new Socket[1];
        UpstreamConnection connection = connection(peer);
        connection.begin(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
        connection.readTimeout(Duration.ofSeconds(1));
        CountDownLatch read = new CountDownLatch(1);
        Thread upstream = Thread.ofVirtual().start(() -> {
            try {
                OutputStream out = peer[0].getOutputStream();
                // Ten lines over about 2.5 s: together far longer than the idle timeout, each gap a quarter of it.
                for (int i = 0; i < 10; i++) {
                    out.write(("line " + i + "\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    Thread.sleep(250);
                }
                read.await();
            } catch (IOException | InterruptedException e) {
                // the test ended
            }
        });

        for (int i = 0; i < 10; i++) {
            assertThat(connection.readLine(100, "too long")).isEqualTo("line " + i);
        }
        assertThatThrownBy(() -> connection.readLine(100, "too long"))
                .as("silent for longer than the idle timeout").isInstanceOf(SocketTimeoutException.class);
        read.countDown();
        upstream.join();
    }

    @Test
    void aQuietWatch_sleepsUntilAnExchangeBegins_andThenEnforcesItsDeadline() throws IOException {
        Socket[] peer = new Socket[1];
        UpstreamConnection first = connection(peer);
        first.begin(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
        first.idleSince(System.nanoTime()); // back in the pool: nothing left to watch
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(watch::sleeping);

        UpstreamConnection second = connection(peer);
        second.begin(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200));

        Awaitility.await("woken by the exchange that began").atMost(Duration.ofSeconds(10)).until(() -> !watch.sleeping());
        assertThatThrownBy(() -> second.readLine(100, "too long")).isInstanceOf(SocketTimeoutException.class);
    }
}
