/** Chat contracts: conversations kept on disk, presets, streamed answers with their statistics. */
@Export
@Version("1.3.0")
package org.terroir.api.chat;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
