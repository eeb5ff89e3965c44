package dev.tollgate.provider;

import java.io.IOException;

/** An upstream answer that breaks HTTP/1.1's framing; the message says what it sent, in words, for the caller. */
final class UpstreamProtocolException extends IOException {

    UpstreamProtocolException(String what) {
        super(what);
    }
}
