package dev.tollgate.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The keep-alive pool over real loopback sockets and a hand-moved clock. */
class ConnectionPoolTest {

    private static final Destination HERE = new Destination(false, "127.0.0.1", 8080);
    private static final Destination THERE = new Destination(true, "127.0.0.1", 8443);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final ConnectionPool pool = new ConnectionPool(2, Duration.ofSeconds(60), now::get);
    private final ServerSocket server;
    private final List<Socket> sockets = new ArrayList<>();

    ConnectionPoolTest() throws IOException {
        server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void close() throws IOException {
        pool.close();
        for (Socket socket : sockets) {
            socket.close();
        }
        server.close();
    }

    /** A connected loopback socket, as the client's end of a connection. */
    private Socket socket() throws IOException {
        Socket socket = new Socket(server.getInetAddress(), server.getLocalPort());
        sockets.add(socket);
        sockets.add(server.accept());
        return socket;
    }

    private UpstreamConnection connection(Destination destination) throws IOException {
        return connection(destination, socket());
    }

    private static UpstreamConnection connection(Destination destination, Socket socket) throws IOException {
        return new UpstreamConnection(destination, socket, socket);
    }

    @Test
    void theNewestIdleConnection_isHandedOutFirst_perDestination() throws IOException {
        UpstreamConnection older = connection(HERE);
        UpstreamConnection newer = connection(HERE);
        UpstreamConnection elsewhere = connection(THERE);
        pool.release(older);
        pool.release(elsewhere);
        pool.release(newer);

        assertThat(pool.take(HERE)).isSameAs(newer);
        assertThat(pool.take(HERE)).isSameAs(older);
        assertThat(pool.take(HERE)).isNull();
        assertThat(pool.take(THERE)).isSameAs(elsewhere);
    }

    @Test
    void aConnectionIdleLongerThanTheLimit_isClosedInsteadOfReused() throws IOException {
        Socket socket = socket();
        pool.release(connection(HERE, socket));

        now.addAndGet(Duration.ofSeconds(61).toNanos());

        assertThat(pool.take(HERE)).isNull();
        assertThat(socket.isClosed()).isTrue();
    }

    @Test
    void beyondTheIdleCap_aReturnedConnectionIsClosed() throws IOException {
        pool.release(connection(HERE));
        pool.release(connection(HERE));
        Socket third = socket();

        pool.release(connection(HERE, third));

        assertThat(pool.idleCount(HERE)).isEqualTo(2);
        assertThat(third.isClosed()).isTrue();
    }

    @Test
    void close_closesTheIdleConnections_andThoseReturnedLater() throws IOException {
        Socket idle = socket();
        Socket busy = socket();
        pool.release(connection(HERE, idle));
        UpstreamConnection inUse = connection(HERE, busy);

        pool.close();
        pool.release(inUse);

        assertThat(idle.isClosed()).isTrue();
        assertThat(busy.isClosed()).isTrue();
        assertThat(pool.idleCount(HERE)).isZero();
    }
}
