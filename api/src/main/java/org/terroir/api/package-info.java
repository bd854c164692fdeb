/** Values and exceptions shared by every Terroir contract. */
@Export
@Version("1.5.0")
package org.terroir.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
