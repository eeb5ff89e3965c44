package dev.tollgate.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 exchange over a plain socket, for requests an ordinary client cannot make reliably: a
 * server that refuses oversized headers answers and closes before reading them all, so a client still
 * writing sees a broken pipe and throws the answer away. This one keeps writing errors to itself and
 * reads whatever the server sent.
 */
public final class RawHttp {

    private RawHttp() {
    }

    /** The status and body of the answer to {@code head} (request line and headers, without the blank line) + {@code body}. */
    public record Answer(int status, String head, String body) {
    }

    public static Answer send(URI base, String head, String body) throws IOException {
        byte[] bytes = (head + "\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
                + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(bytes);
                out.flush();
                socket.shutdownOutput();
            } catch (IOException serverStoppedReading) {
                // Expected when the server refused the request early; its answer is still there to read.
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    received.write(buffer, 0, n);
                }
            } catch (IOException resetAfterTheAnswer) {
                // A reset after the answer arrived: what was received is the answer.
            }
            String text = received.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            if (!text.startsWith("HTTP/1.1 ") || end < 0) {
                throw new IOException("no HTTP answer received (got " + text.length() + " bytes)");
            }
            String answerHead = text.substring(0, end);
            String rest = text.substring(end + 4);
            boolean chunked = answerHead.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked");
            return new Answer(Integer.parseInt(text.substring(9, 12)), answerHead, chunked ? dechunk(rest) : rest);
        }
    }

    /**
     * What a server did with exactly {@code request}: the bytes it sent back within {@code wait}, and
     * whether it closed the connection (end of stream) within that time. A server that stays silent or
     * keeps the socket open shows as {@code closed == false}, instead of a test that hangs.
     */
    public record Exchange(String received, boolean closed) {

        /** The status of the first answer, or -1 when none arrived. */
        public int status() {
            return received.startsWith("HTTP/1.1 ") && received.length() >= 12 ? Integer.parseInt(received.substring(9, 12)) : -1;
        }

        /** The head of the first answer (status line and headers). */
        public String head() {
            int end = received.indexOf("\r\n\r\n");
            return end < 0 ? received : received.substring(0, end);
        }

        /** The body of the first answer, by its Content-Length. */
        public String body() {
            int end = received.indexOf("\r\n\r\n");
            java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head());
            if (end < 0 || !length.find()) {
                return "";
            }
            int start = end + 4;
            return received.substring(start, Math.min(received.length(), start + Integer.parseInt(length.group(1))));
        }

        /** How many answers (status lines) arrived. */
        public int answers() {
            return received.split("HTTP/1\\.1 \\d{3} ", -1).length - 1;
        }
    }

    /** Sends {@code request} as it is (no header added) and reads for up to {@code wait}. */
    public static Exchange exchange(URI base, byte[] request, java.time.Duration wait) throws IOException {
        return exchange(base, request, wait, false);
    }

    /** Like {@link #exchange}, then ends the sending half: the server reads the end of the stream after {@code request}. */
    public static Exchange exchangeHalfClosed(URI base, byte[] request, java.time.Duration wait) throws IOException {
        return exchange(base, request, wait, true);
    }

    private static Exchange exchange(URI base, byte[] request, java.time.Duration wait, boolean halfClose) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
            long deadline = System.nanoTime() + wait.toNanos();
            try {
                socket.getOutputStream().write(request);
                socket.getOutputStream().flush();
                if (halfClose) {
                    socket.shutdownOutput();
                }
            } catch (IOException serverStoppedReading) {
                // The server refused early; its answer is still there to read.
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            boolean closed = false;
            try {
                while (true) {
                    long left = (deadline - System.nanoTime()) / 1_000_000;
                    if (left <= 0) {
                        break;
                    }
                    socket.setSoTimeout((int) left);
                    int n = in.read(buffer);
                    if (n < 0) {
                        closed = true;
                        break;
                    }
                    received.write(buffer, 0, n);
                }
            } catch (java.net.SocketTimeoutException stillOpen) {
                // The server kept the connection open for the whole wait.
            } catch (IOException reset) {
                closed = true;
            }
            return new Exchange(received.toString(StandardCharsets.UTF_8), closed);
        }
    }

    private static String dechunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (at < chunked.length()) {
            int lineEnd = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, lineEnd).strip(), 16);
            if (size == 0) {
                break;
            }
            out.append(chunked, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
        return out.toString();
    }
}
