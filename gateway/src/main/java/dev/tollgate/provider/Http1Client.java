package dev.tollgate.provider;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one encoded request and reads its answer's head, blocking the calling (virtual) thread: no
 * selector, no pool thread, no callback between the socket and the call. Connections are kept alive in a
 * {@link ConnectionPool}; a call on a reused connection that fails before any byte of its answer came
 * (the server closed the idle connection meanwhile, which it may do at any time) is sent once more on a
 * new connection. After a byte of the answer, or on a new connection, nothing is sent again.
 *
 * <p>TLS verifies the certificate chain against the context's trust and the host name against the
 * certificate ({@code HTTPS} endpoint identification), and sends the host name as SNI. The connect
 * timeout covers the TCP connect and the TLS handshake.
 */
final class Http1Client implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Http1Client.class);

    /** A sent call's answer: its head, and its body still to be read. */
    record Response(ResponseHead head, ResponseBody body) {
    }

    private final SSLContext tls;
    private final int connectMillis;
    private final ConnectionPool pool;

    /** {@code tls} is {@code null} for the JDK's default context, looked up at the first https connection. */
    Http1Client(SSLContext tls, Duration connectTimeout, ConnectionPool pool) {
        this.tls = tls;
        this.connectMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, connectTimeout.toMillis()));
        this.pool = pool;
    }

    /** Sends {@code request} and reads the head of its answer, both by {@code deadline} ({@link System#nanoTime()}). */
    Response send(Destination destination, byte[] request, long deadline) throws IOException {
        UpstreamConnection reused = pool.take(destination);
        if (reused != null) {
            try {
                return exchange(reused, request, deadline);
            } catch (IOException e) {
                if (reused.receivedAny() || e instanceof SocketTimeoutException || e instanceof UpstreamProtocolException
                        || Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                LOG.debug("a kept-alive connection to {} was closed before the answer ({}); sending once more on a new one",
                        destination.host(), UpstreamHttp.describe(e));
            }
        }
        return exchange(open(destination), request, deadline);
    }

    private Response exchange(UpstreamConnection connection, byte[] request, long deadline) throws IOException {
        try {
            connection.begin(deadline);
            connection.write(request);
            ResponseHead head = ResponseHead.read(connection);
            return new Response(head, ResponseBody.of(head, connection, pool::release));
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    private UpstreamConnection open(Destination destination) throws IOException {
        Socket raw = new Socket();
        try {
            raw.setTcpNoDelay(true);
            raw.connect(new InetSocketAddress(destination.host(), destination.port()), connectMillis);
            if (!destination.tls()) {
                return new UpstreamConnection(destination, raw, raw);
            }
            return new UpstreamConnection(destination, raw, handshake(raw, destination));
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    private SSLSocket handshake(Socket raw, Destination destination) throws IOException {
        SSLSocket socket = (SSLSocket) context().getSocketFactory().createSocket(raw, destination.host(), destination.port(), true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (!destination.hostIsAddress()) {
            parameters.setServerNames(List.of(new SNIHostName(destination.host())));
        }
        socket.setSSLParameters(parameters);
        raw.setSoTimeout(connectMillis);
        try {
            socket.startHandshake();
        } catch (SocketTimeoutException e) {
            throw (SocketTimeoutException) new SocketTimeoutException("connect timed out in the TLS handshake").initCause(e);
        }
        // From here reads and writes are bounded by their exchange's deadline (DeadlineWatch), not by the socket.
        raw.setSoTimeout(0);
        return socket;
    }

    private SSLContext context() throws IOException {
        if (tls != null) {
            return tls;
        }
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new javax.net.ssl.SSLException("no default TLS context", e);
        }
    }

    /** Closes the idle connections; answers still being read keep theirs until they end. */
    @Override
    public void close() {
        pool.close();
    }
}
