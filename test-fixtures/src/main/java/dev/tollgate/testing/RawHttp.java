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
