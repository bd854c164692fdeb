/** The local web server: its address and the API keys that guard it when it listens beyond this machine. */
@Export
@Version("1.2.0")
package org.terroir.api.web;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
