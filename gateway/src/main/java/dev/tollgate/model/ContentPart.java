package dev.tollgate.model;

/** One part of a message's content. Closed: translators switch over it exhaustively. */
public sealed interface ContentPart {

    record Text(String text) implements ContentPart {
    }

    /** An image by URL; {@code url} may be a {@code data:} URL holding base64 bytes. */
    record Image(String url, String detail) implements ContentPart {
    }

    /** Audio, files and parts a later API adds: kept as their JSON so passthrough loses nothing. */
    record Other(String type) implements ContentPart {
    }
}
