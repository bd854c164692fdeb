/** A local HTTP server that imitates the Hugging Face Hub's answers, with faults to inject. */
@Export
@Version("1.0.0")
package org.terroir.testkit.hub;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
