package org.terroir.chat.internal;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import org.terroir.api.chat.ChatListener;
import org.terroir.api.chat.Conversation;
import org.terroir.api.chat.ConversationSettings;
import org.terroir.api.inference.Sampling;
import org.terroir.testkit.model.ScriptedModel;

/**
 * Runs in a child JVM for {@link KillDuringAnswerTest}: one finished exchange, then an answer that streams for a
 * long time, reporting on stdout every token it hands over, until the parent kills it.
 */
public final class StreamingChild {
    static final int TOKEN_DELAY_MS = 2;
    static final int TOKENS = 100_000;

    static String token(int i) {
        return "t" + i + " ";
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        PrintStream out = System.out;
        List<String> endless = IntStream.range(0, TOKENS).mapToObj(StreamingChild::token).toList();
        ScriptedModel finished = ScriptedModel.echo("quick", 100_000);
        ScriptedModel streaming = new ScriptedModel("long", 1_000_000, TOKEN_DELAY_MS, r -> endless);
        StoredChatService service = new StoredChatService();
        service.models = new SimpleModelManager().offer(finished).offer(streaming);
        service.start(ChatOptions.defaults(dataDir));

        Conversation c = service.create(ConversationSettings.empty().withModelRef("quick"));
        service.send(c.id(), "first question", ChatListener.NONE).await();
        service.update(c.id(), ConversationSettings.empty().withModelRef("long")
                .withSampling(Sampling.defaults().withMaxTokens(TOKENS)));
        out.println("CONVERSATION " + c.id());
        int[] count = {0};
        service.send(c.id(), "second question", text -> {
            count[0]++;
            out.println("TOKEN " + count[0] + " " + System.nanoTime());
            out.flush();
        });
        // the parent kills this process long before the answer could end; never outlive it
        Thread.sleep(120_000);
        System.exit(3);
    }
}
