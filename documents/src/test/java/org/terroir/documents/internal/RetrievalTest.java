package org.terroir.documents.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.ModelDescriptor;
import org.terroir.api.documents.IndexedDocument;
import org.terroir.api.documents.ScoredPassage;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.LoadedModel;
import org.terroir.backend.onnx.internal.OnnxBackend;
import org.terroir.backend.onnx.internal.OnnxSettings;
import org.terroir.testkit.onnx.MiniLm;

/** The real all-MiniLM-L6-v2 through the ONNX backend: generated sections, questions about each, top-1 rate. */
class RetrievalTest {
    /** topic, its section text, a question that paraphrases it. */
    static final String[][] TOPICS = {
        {"Housing", "Rents in the old town rose by twenty percent in two years and many tenants had to move out.",
            "How much did rents increase?"},
        {"Water", "The river was polluted by the factory upstream; fish died in the summer heat.",
            "What happened to the fish in the river?"},
        {"School canteens", "Parents asked for organic, local meals in the school canteens at the same price.",
            "What do parents want children to eat at school?"},
        {"Cycling", "A protected bike lane along the main avenue would make cycling to work safer.",
            "How can riding a bicycle to the office become less dangerous?"},
        {"Library", "The public library will close on Sundays because the council cut its budget.",
            "Why will the library no longer open on Sundays?"},
        {"Trees", "Forty old plane trees on the square are threatened by the car park project.",
            "Which trees could be cut down for parking?"},
        {"Buses", "The night bus line 12 was cancelled, leaving night-shift workers without transport.",
            "Which public transport service at night was stopped?"},
        {"Energy", "Insulating the social housing blocks would halve the tenants' heating bills.",
            "How could heating costs be reduced for tenants?"},
        {"Health", "The local maternity ward is to close and mothers would have to drive an hour to give birth.",
            "Where will women go to have their babies?"},
        {"Jobs", "The warehouse plans to replace two hundred workers with robots next year.",
            "How many employees could lose their jobs to automation?"},
        {"Noise", "Residents near the airport complain about night flights waking them at four in the morning.",
            "What wakes people up near the airport?"},
        {"Market", "The Saturday farmers' market moves to the station square during the works.",
            "Where will the weekend market be held?"},
        {"Pensions", "Retired people met to oppose the pension reform that raises the retirement age to 65.",
            "At what age would people be able to retire under the reform?"},
        {"Refugees", "Volunteers collect blankets and food for the families sleeping in the park.",
            "What is being gathered for the families in the park?"},
        {"Waste", "Recycling bins overflow because collection now happens only once a fortnight.",
            "Why are the recycling containers full?"},
        {"Internet", "Villages in the valley still have no broadband; children cannot do homework online.",
            "Why can't pupils in the valley study on the web?"},
        {"Sport", "The swimming pool has been closed for repairs for eighteen months.",
            "How long has the pool been shut?"},
        {"Elections", "Polling stations open at eight and close at seven; bring an identity card.",
            "What document do voters need to bring?"},
        {"Culture", "The theatre festival lost its subsidy and will charge for tickets for the first time.",
            "Will people have to pay to see the festival plays?"},
        {"Farming", "Farmers protested against the price of milk, which is lower than their cost of production.",
            "Why are dairy farmers angry?"},
    };

    @TempDir
    static Path dir;
    static LoadedModel model;
    static LocalIndex index;
    static Embedder embedder;

    @BeforeAll
    static void load() {
        Path folder = MiniLm.writeTo(dir.resolve("all-MiniLM-L6-v2"), RetrievalTest.class.getClassLoader());
        OnnxBackend backend = new OnnxBackend(OnnxSettings.defaults().withIntraOpThreads(2));
        ModelDescriptor d = backend.describe(folder).orElseThrow();
        model = backend.load(d, LoadOptions.defaults().withEmbeddings(true));
        embedder = new Embedder() {
            @Override
            public String id() {
                return "all-MiniLM-L6-v2";
            }

            @Override
            public List<float[]> embed(List<String> texts) {
                return model.embed(texts);
            }
        };
        index = open();
    }

    static LocalIndex open() {
        return new LocalIndex(dir.resolve("data/documents.db"), new Extractors(10_000_000), new Splitter(200, 40),
                () -> embedder);
    }

    @Test
    void aRemoteModelIsNeverPickedToEmbedDocuments() {
        // the same real embedding model, loaded as a remote backend's model would be described (its server named)
        ModelDescriptor local = model.descriptor();
        java.util.Map<String, String> properties = new java.util.HashMap<>(local.properties());
        properties.put(ModelDescriptor.REMOTE, "https://remote.example:8181");
        ModelDescriptor described = new ModelDescriptor(local.name(), local.path(), local.format(), local.sizeBytes(),
                properties);
        try (LoadedModel remote = new OnnxBackend(OnnxSettings.defaults().withIntraOpThreads(2)).load(described,
                LoadOptions.defaults().withEmbeddings(true))) {
            assertTrue(remote.supportsEmbeddings());
            assertEquals("https://remote.example:8181", remote.descriptor().property(ModelDescriptor.REMOTE));
            assertTrue(DocumentService.localEmbedding(java.util.stream.Stream.of(remote)).isEmpty(),
                    "a remote model would receive the documents' text");
            assertSame(model, DocumentService.localEmbedding(java.util.stream.Stream.of(remote, model)).orElseThrow());
        }
    }

    @AfterAll
    static void unload() {
        index.close();
        model.close();
    }

    @Test
    void theRightPassageRanksFirst() throws Exception {
        StringBuilder md = new StringBuilder("# Campaign notes\n\n");
        for (String[] t : TOPICS) {
            md.append("## ").append(t[0]).append("\n\n").append(t[1]).append("\n\n");
        }
        Path file = Files.writeString(dir.resolve("campaign.md"), md);
        IndexedDocument doc = index.add("conv-1", file);
        assertEquals(TOPICS.length, doc.passages());
        int first = 0;
        for (String[] t : TOPICS) {
            List<ScoredPassage> hits = index.search("conv-1", t[2], 3);
            assertEquals(3, hits.size());
            if (hits.get(0).passage().section().equals(t[0])) {
                first++;
            } else {
                System.out.println("missed: " + t[2] + " -> " + hits.get(0).passage().citation());
            }
        }
        double rate = first / (double) TOPICS.length;
        System.out.printf("retrieval top-1 rate: %d/%d = %.0f %%%n", first, TOPICS.length, rate * 100);
        assertTrue(rate >= 0.9, "top-1 rate " + rate);
        // stored on disk: a new index over the same database (a restart) finds the same passages
        String before = index.search("conv-1", TOPICS[0][2], 1).get(0).passage().section();
        index.close();
        index = open();
        assertEquals(TOPICS.length, index.passages("conv-1", "campaign.md").size());
        assertEquals(before, index.search("conv-1", TOPICS[0][2], 1).get(0).passage().section());
        assertTrue(index.remove("conv-1", "campaign.md"));
        assertTrue(index.search("conv-1", "rents", 3).isEmpty());
    }
}
