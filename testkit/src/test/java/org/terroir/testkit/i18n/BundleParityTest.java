package org.terroir.testkit.i18n;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class BundleParityTest {
    private static final String BASE = "org.terroir.testkit.i18n.";

    @Test
    void matchingBundlesPass() {
        BundleParity.check(BundleParityTest.class, BASE + "good");
    }

    @Test
    void everyKindOfMismatchIsReported() {
        List<String> problems = BundleParity.problems(BundleParityTest.class.getClassLoader(), BASE + "bad");
        String all = String.join("\n", problems);
        assertTrue(all.contains("missing in French: [only.en]"), all);
        assertTrue(all.contains("missing in English: [only.fr]"), all);
        assertTrue(all.contains("swallowed (fr): {0} is lost"), all);
        assertTrue(all.contains("shared: placeholders [0, 1] in English but [0] in French"), all);
        assertEquals(4, problems.size(), all);
        AssertionError error = assertThrows(AssertionError.class,
                () -> BundleParity.check(BundleParityTest.class, BASE + "good", BASE + "bad"));
        assertTrue(error.getMessage().startsWith("4 resource bundle problem(s):"), error.getMessage());
    }

    @Test
    void aMissingFileIsAProblem() {
        AssertionError error = assertThrows(AssertionError.class,
                () -> BundleParity.check(BundleParityTest.class, BASE + "absent"));
        assertTrue(error.getMessage().contains("no org/terroir/testkit/i18n/absent.properties"), error.getMessage());
    }
}
