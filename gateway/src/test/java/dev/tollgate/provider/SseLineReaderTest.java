package dev.tollgate.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SseLineReaderTest {

    /** Hands out its bytes one per read, as a slow network would. */
    static final class FakeOneByteInputStream extends InputStream {

        private final byte[] bytes;
        private int pos;

        FakeOneByteInputStream(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int read() {
            return pos < bytes.length ? bytes[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= bytes.length) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            b[off] = bytes[pos++];
            return 1;
        }
    }

    /** Hands out its bytes in reads of random sizes from 1 to {@code maxRead}. */
    static final class FakeChunkedInputStream extends InputStream {

        private final byte[] bytes;
        private final Random random;
        private final int maxRead;
        private int pos;

        FakeChunkedInputStream(byte[] bytes, Random random, int maxRead) {
            this.bytes = bytes;
            this.random = random;
            this.maxRead = maxRead;
        }

        @Override
        public int read() {
            return pos < bytes.length ? bytes[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= bytes.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, bytes.length - pos), 1 + random.nextInt(maxRead));
            System.arraycopy(bytes, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    /** {@code count} bytes of 'a', then the given tail; generated on the fly so no 16 MiB array is kept. */
    static final class FakeLongLineInputStream extends InputStream {

        private final long count;
        private final byte[] tail;
        private long pos;

        FakeLongLineInputStream(long count, byte[] tail) {
            this.count = count;
            this.tail = tail;
        }

        @Override
        public int read() {
            if (pos < count) {
                pos++;
                return 'a';
            }
            long t = pos - count;
            if (t < tail.length) {
                pos++;
                return tail[(int) t] & 0xff;
            }
            return -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int n = 0;
            while (n < len) {
                int c = read();
                if (c < 0) {
                    return n == 0 ? -1 : n;
                }
                b[off + n++] = (byte) c;
            }
            return n;
        }
    }

    private static List<String> lines(InputStream in) throws IOException {
        SseLineReader reader = new SseLineReader(in);
        List<String> out = new ArrayList<>();
        for (byte[] line = reader.readLine(); line != null; line = reader.readLine()) {
            out.add(new String(line, StandardCharsets.UTF_8));
        }
        return out;
    }

    private static List<String> lines(String text) throws IOException {
        return lines(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> linesOneBytePerRead(String text) throws IOException {
        return lines(new FakeOneByteInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void lfTerminatedLines_areReturnedWithoutTerminator_blankLinesAsEmpty() throws IOException {
        assertThat(lines("data: {\"a\":1}\n\ndata: [DONE]\n\n"))
                .containsExactly("data: {\"a\":1}", "", "data: [DONE]", "");
    }

    @Test
    void crlfTerminatedLines_countOnce() throws IOException {
        assertThat(lines("data: x\r\n\r\ndata: y\r\n\r\n")).containsExactly("data: x", "", "data: y", "");
    }

    @Test
    void crTerminatedLines_areLinesToo() throws IOException {
        assertThat(lines("data: x\r\rdata: y\r")).containsExactly("data: x", "", "data: y");
    }

    @Test
    void mixedTerminators_areEachOneLineEnd() throws IOException {
        assertThat(lines("a\nb\r\nc\rd\r\r\ne")).containsExactly("a", "b", "c", "d", "", "e");
    }

    @Test
    void lineSplitAcrossManyOneByteReads_isReassembled() throws IOException {
        String event = "data: {\"id\":\"chatcmpl-123\",\"choices\":[{\"delta\":{\"content\":\"héllo 👋\"}}]}";

        assertThat(linesOneBytePerRead(event + "\r\n\r\n" + event + "\n"))
                .containsExactly(event, "", event);
    }

    @Test
    void crlfSplitBetweenTwoReads_isStillOneLineEnd() throws IOException {
        assertThat(linesOneBytePerRead("a\r\nb\r\n\r\nc\r")).containsExactly("a", "b", "", "c");
    }

    @Test
    void randomChunkingOfAStream_givesTheSameLinesAsOneRead() throws IOException {
        Random random = new Random(20240611);
        String[] ends = {"\n", "\r\n", "\r"};
        StringBuilder text = new StringBuilder();
        List<String> expected = new ArrayList<>();
        String previousEnd = "";
        for (int i = 0; i < 500; i++) {
            String line = random.nextInt(5) == 0 ? "" : "data: " + "x".repeat(random.nextInt(40_000));
            String end = ends[random.nextInt(ends.length)];
            if (line.isEmpty() && previousEnd.equals("\r") && end.equals("\n")) {
                end = "\r\n"; // "\r" then "\n" would be one CRLF, not an empty line: the input would be ambiguous
            }
            expected.add(line);
            text.append(line).append(end);
            previousEnd = end;
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.US_ASCII);
        InputStream chunked = new FakeChunkedInputStream(bytes, random, 20_000);

        assertThat(lines(chunked)).isEqualTo(expected);
    }

    @Test
    void eofWithoutTrailingNewline_returnsTheLastLine_thenNull() throws IOException {
        SseLineReader reader = new SseLineReader(new ByteArrayInputStream("data: a\ndata: [DONE]".getBytes(StandardCharsets.US_ASCII)));

        assertThat(reader.readLine()).asString().isEqualTo("data: a");
        assertThat(reader.readLine()).asString().isEqualTo("data: [DONE]");
        assertThat(reader.readLine()).isNull();
        assertThat(reader.readLine()).isNull();
    }

    @Test
    void emptyStream_isImmediatelyAtEnd() throws IOException {
        assertThat(new SseLineReader(new ByteArrayInputStream(new byte[0])).readLine()).isNull();
    }

    @Test
    void lineOfExactlyTheMaximum_isAccepted() throws IOException {
        SseLineReader reader = new SseLineReader(
                new FakeLongLineInputStream(SseLineReader.MAX_LINE_BYTES, "\nnext\n".getBytes(StandardCharsets.US_ASCII)));

        assertThat(reader.readLine()).hasSize(SseLineReader.MAX_LINE_BYTES);
        assertThat(reader.readLine()).asString().isEqualTo("next");
    }

    @Test
    void overLongLine_isAnError() {
        SseLineReader reader = new SseLineReader(
                new FakeLongLineInputStream(SseLineReader.MAX_LINE_BYTES + 1L, "\n".getBytes(StandardCharsets.US_ASCII)));

        assertThatThrownBy(reader::readLine)
                .isInstanceOf(IOException.class)
                .hasMessage("an event line is longer than " + SseLineReader.MAX_LINE_BYTES + " bytes");
    }

    /** A reader that has read its first event (lines up to the blank one) from {@code text}, all of it in one read. */
    private static SseLineReader afterFirstEvent(String text) throws IOException {
        SseLineReader reader = new SseLineReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        while (reader.readLine().length > 0) {
            // the event's lines
        }
        return reader;
    }

    @Test
    void hasBufferedEvent_onlyOnceTheNextEventsBlankLineIsBuffered() throws IOException {
        assertThat(afterFirstEvent("data: a\n\ndata: b\n\n").hasBufferedEvent()).isTrue();
        assertThat(afterFirstEvent("data: a\n\ndata: b\n").hasBufferedEvent()).as("its line, not its blank line").isFalse();
        assertThat(afterFirstEvent("data: a\n\ndata: b").hasBufferedEvent()).as("half a line").isFalse();
        assertThat(afterFirstEvent("data: a\n\n").hasBufferedEvent()).as("nothing after the event").isFalse();
        assertThat(afterFirstEvent("data: a\r\rdata: b\r\r").hasBufferedEvent()).isTrue();
    }

    @Test
    void hasBufferedEvent_notForTheLineFeedLeftOfTheLastEventsCrlf() throws IOException {
        SseLineReader reader = afterFirstEvent("data: a\r\n\r\n");

        assertThat(reader.hasBufferedEvent()).as("only the \\n of the blank line's \\r\\n is left").isFalse();
        assertThat(afterFirstEvent("data: a\r\n\r\ndata: b\r\n\r\n").hasBufferedEvent()).isTrue();
        assertThat(afterFirstEvent("data: a\r\n\r\ndata: b\r\n").hasBufferedEvent()).isFalse();
    }
}
