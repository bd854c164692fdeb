package org.terroir.documents.internal;

import org.junit.jupiter.api.Test;
import org.terroir.testkit.i18n.BundleParity;

/** Every message exists in English and French, with the same placeholders. */
class MessagesParityTest {
    @Test
    void sameKeys() {
        BundleParity.check(Messages.class, "org.terroir.documents.internal.messages");
    }
}
