package org.terroir.backend.llamacpp.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class ChannelTest {

    @Test
    void everyMessageSurvivesTheTrip() throws IOException {
        List<Message> sent = List.of(
                new Message.Hello("s3cr3t", Message.VERSION, 4242L),
                new Message.Loaded(512, 123_456_789L),
                new Message.Token(7, "héllo 🙂"),
                new Message.Token(7, ""),
                new Message.Done(7, 12, 30, 1_000_000L, 9_000_000L, Message.Finish.CANCELLED),
                new Message.Failed(8, "prompt.too.long", List.of("900", "512")),
                new Message.Load("/models/a b.gguf", 512, 2, 64, -1, false, true, true, false, true),
                new Message.Load("/m.gguf", 256, 1, 32, 0, true, false, false, false, true, Message.ENGINE_CLASSIC, "",
                        1, "{% for m in messages %}<|im_start|>{{ m.content }}{% endfor %}"),
                new Message.Generate(9, List.of(new Message.Turn("system", "Be brief."), new Message.Turn("user", "Hi")),
                        null, 32, 0.7f, 40, 0.95f, 0.05f, 1.1f, true, -3L, List.of("\n\n", "END")),
                new Message.Generate(10, List.of(), "Once upon a time", 8, 0f, 0, 1f, 0f, 1f, false, 0L, List.of()),
                new Message.Generate(13, List.of(), "x", 8, 0f, 0, 1f, 0f, 1f, false, 0L, List.of(), 0, "", "", "auto",
                        0.5f, -1.5f, List.of(7, 300), List.of(-100f, 42.5f), 20),
                new Message.Cancel(9),
                new Message.Tokenize(11, "text"),
                new Message.Embed(12, List.of("a", "b")),
                new Message.Shutdown());
        List<Message> received = roundTrip(sent);
        assertEquals(sent, received);
    }

    @Test
    void arraysSurviveTheTrip() throws IOException {
        List<Message> received = roundTrip(List.of(new Message.Tokens(1, new int[] {1, 2, 3000}),
                new Message.Embeddings(2, List.of(new float[] {0.5f, -1f}, new float[0]))));
        assertArrayEquals(new int[] {1, 2, 3000}, ((Message.Tokens) received.get(0)).ids());
        Message.Embeddings embeddings = (Message.Embeddings) received.get(1);
        assertEquals(2, embeddings.job());
        assertArrayEquals(new float[] {0.5f, -1f}, embeddings.vectors().get(0));
        assertEquals(0, embeddings.vectors().get(1).length);
    }

    @Test
    void logprobsSurviveTheTrip() throws IOException {
        Message.Logprob alt = new Message.Logprob(new byte[] {(byte) 0xF0, (byte) 0x9F}, -2.25f, List.of());
        Message.Logprobs sent = new Message.Logprobs(5, List.of(
                new Message.Logprob(" the".getBytes(java.nio.charset.StandardCharsets.UTF_8), -0.5f, List.of(alt)),
                new Message.Logprob(new byte[0], Float.NEGATIVE_INFINITY, List.of())));
        Message.Logprobs received = (Message.Logprobs) roundTrip(List.of(sent)).get(0);
        assertEquals(5, received.job());
        assertEquals(2, received.tokens().size());
        assertArrayEquals(" the".getBytes(java.nio.charset.StandardCharsets.UTF_8), received.tokens().get(0).bytes());
        assertEquals(-0.5f, received.tokens().get(0).logprob());
        assertArrayEquals(alt.bytes(), received.tokens().get(0).top().get(0).bytes());
        assertEquals(-2.25f, received.tokens().get(0).top().get(0).logprob());
        assertEquals(Float.NEGATIVE_INFINITY, received.tokens().get(1).logprob());
        assertEquals(0, received.tokens().get(1).top().size());
    }

    @Test
    void anUnknownTypeEndsTheConversation() {
        Channel channel = new Channel(new ByteArrayInputStream(new byte[] {99}), new ByteArrayOutputStream(), () -> {
        });
        ProtocolException e = assertThrows(ProtocolException.class, channel::receive);
        assertEquals("unknown message type 99", e.getMessage());
    }

    @Test
    void anAbsurdLengthIsRefusedBeforeAllocating() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(new Message.Token(0, "").type());
        out.writeLong(1);
        out.writeInt(Integer.MAX_VALUE);
        Channel channel = new Channel(new ByteArrayInputStream(bytes.toByteArray()), new ByteArrayOutputStream(), () -> {
        });
        assertThrows(ProtocolException.class, channel::receive);
    }

    @Test
    void aMessageCutShortIsAnErrorButAnEndBetweenMessagesIsNot() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new Channel(new ByteArrayInputStream(new byte[0]), bytes, () -> {
        }).send(new Message.Token(3, "abc"));
        byte[] whole = bytes.toByteArray();
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 1);
        Channel cutChannel = new Channel(new ByteArrayInputStream(cut), new ByteArrayOutputStream(), () -> {
        });
        assertThrows(ProtocolException.class, cutChannel::receive);
        Channel whole1 = new Channel(new ByteArrayInputStream(whole), new ByteArrayOutputStream(), () -> {
        });
        assertInstanceOf(Message.Token.class, whole1.receive());
        assertNull(whole1.receive());
    }

    private static List<Message> roundTrip(List<Message> messages) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Channel writer = new Channel(new ByteArrayInputStream(new byte[0]), bytes, () -> {
        });
        for (Message message : messages) {
            writer.send(message);
        }
        Channel reader = new Channel(new ByteArrayInputStream(bytes.toByteArray()), new ByteArrayOutputStream(), () -> {
        });
        List<Message> received = new ArrayList<>();
        Message message;
        while ((message = reader.receive()) != null) {
            received.add(message);
        }
        return received;
    }
}
